/**
 * Building blocks of the semantically valid messages in valid-arbitraries.ts (whose
 * header lists the rules): ports, groups and meters in Open vSwitch's ranges, actions
 * and instructions consistent with a flow's match, buckets, meter bands, and table
 * features with every property OVS requires.
 */
import fc from 'fast-check';
import {
  type Action,
  type Instruction,
  type Match,
  OFPP,
  type Port,
  type TableFeatureProp,
  type TableFeatures,
} from '../../src/codec/index.js';
import { u8, u16, u32, u48, u64 } from './arbitraries-parts.js';
import { validMatch, validSetField } from './valid-match.js';

export const ONF = 0x4f4e4600;
export const xid = u32;

export const text = (max: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '.split('')), {
      maxLength: max,
    })
    .map((cs) => cs.join('').trim());

/** A physical port number OVS accepts. */
export const physicalPort = fc.integer({ min: 1, max: 0xfeff });
const outputPort = fc.oneof(
  { weight: 3, arbitrary: physicalPort },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      OFPP.IN_PORT,
      OFPP.NORMAL,
      OFPP.FLOOD,
      OFPP.ALL,
      OFPP.CONTROLLER,
      OFPP.LOCAL,
    ),
  },
);
export const portOrAny = fc.oneof(physicalPort, fc.constant(OFPP.ANY));
export const groupId = fc.integer({ min: 0, max: 0xffffff00 });
export const meterId = fc.integer({ min: 1, max: 0xffff0000 });

export const output = fc.record({
  type: fc.constant('output' as const),
  port: outputPort,
  maxLen: u16,
});

/**
 * Actions valid for a flow with match `m`; with `last`, possibly ending in one action
 * that changes the packet's type (OVS checks every later action against the change).
 */
function validActions(m: Match, last = true): fc.Arbitrary<Action[]> {
  const has = (n: string, v?: number) =>
    m.some((e) => e.field === n && e.field !== 'raw' && (v === undefined || e.value === v));
  const ip = has('eth_type', 0x0800) || has('eth_type', 0x86dd);
  const mpls = has('eth_type', 0x8847) || has('eth_type', 0x8848);
  const plain: fc.Arbitrary<Action>[] = [
    output,
    fc.record({ type: fc.constant('group' as const), groupId }),
    fc.record({ type: fc.constant('set_queue' as const), queueId: u32 }),
  ];
  if (ip) {
    plain.push(
      fc.constant({ type: 'dec_nw_ttl' as const }),
      fc.record({ type: fc.constant('set_nw_ttl' as const), ttl: u8 }),
    );
  }
  if (mpls) {
    plain.push(
      fc.constant({ type: 'dec_mpls_ttl' as const }),
      fc.record({ type: fc.constant('set_mpls_ttl' as const), ttl: u8 }),
    );
  }
  const sf = validSetField(m);
  if (sf) plain.push(sf);
  const changers: fc.Arbitrary<Action>[] = [
    fc.record({
      type: fc.constant('push_vlan' as const),
      ethertype: fc.constantFrom(0x8100, 0x88a8),
    }),
    fc.record({
      type: fc.constant('push_mpls' as const),
      ethertype: fc.constantFrom(0x8847, 0x8848),
    }),
  ];
  if (has('vlan_vid')) changers.push(fc.constant({ type: 'pop_vlan' as const }));
  const tail = last ? fc.option(fc.oneof(...changers), { nil: undefined }) : fc.constant(undefined);
  return fc
    .tuple(fc.array(fc.oneof(...plain), { maxLength: 4 }), tail)
    .map(([a, z]) => (z ? [...a, z] : a));
}

/** Instructions valid for a flow with match `m` in table `tableId`. */
function validInstructions(m: Match, tableId: number): fc.Arbitrary<Instruction[]> {
  // OVS checks apply-actions, then write-actions: only the latter may change the packet type.
  const list: fc.Arbitrary<Instruction>[] = [
    validActions(m, false).map((actions) => ({ type: 'apply_actions' as const, actions })),
    fc.constant({ type: 'clear_actions' as const }),
    validActions(m).map((actions) => ({ type: 'write_actions' as const, actions })),
    fc.record({ type: fc.constant('write_metadata' as const), metadata: u64, mask: u64 }),
    fc.record({ type: fc.constant('meter' as const), meterId }),
  ];
  if (tableId < 254) {
    list.push(
      fc
        .integer({ min: tableId + 1, max: 254 })
        .map((t): Instruction => ({ type: 'goto_table', tableId: t })),
    );
  }
  return fc
    .shuffledSubarray(list)
    .chain((chosen) => (chosen.length ? fc.tuple(...chosen) : fc.constant<Instruction[]>([])));
}

export const flowEntry = fc.integer({ min: 0, max: 254 }).chain((tableId) =>
  validMatch.chain((match) =>
    fc.record({
      tableId: fc.constant(tableId),
      match: fc.constant(match),
      instructions: validInstructions(match, tableId),
    }),
  ),
);

export const validPort: fc.Arbitrary<Port> = fc.record({
  portNo: fc.oneof(physicalPort, fc.constant(OFPP.LOCAL)),
  hwAddr: u48,
  name: text(15),
  config: u32,
  state: u32,
  curr: u32,
  advertised: u32,
  supported: u32,
  peer: u32,
  currSpeed: u32,
  maxSpeed: u32,
});

/** Buckets for a group of `groupType` (rules in valid-arbitraries.ts). */
export function validBuckets(groupType: number) {
  const m: Match = [];
  const indirect = groupType === 2;
  return fc.array(
    fc.record({
      weight: groupType === 1 ? u16 : fc.constant(0),
      watchPort: groupType === 3 ? physicalPort : fc.constant(OFPP.ANY),
      watchGroup: groupType === 3 ? groupId : fc.constant(0xffffffff),
      actions: validActions(m),
    }),
    { minLength: indirect ? 1 : 0, maxLength: indirect ? 1 : 3 },
  );
}

export const band = fc.oneof(
  fc.record({ type: fc.constant('drop' as const), rate: u32, burstSize: u32 }),
  fc.record({
    type: fc.constant('dscp_remark' as const),
    rate: u32,
    burstSize: u32,
    precLevel: u8,
  }),
);
export const meterFlags = fc
  .record({ unit: fc.constantFrom(1, 2), burst: fc.boolean(), stats: fc.boolean() })
  .map(({ unit, burst, stats }) => unit | (burst ? 4 : 0) | (stats ? 8 : 0));

const INSTRUCTION_IDS = [1, 2, 3, 4, 5, 6];
const ACTION_IDS = [0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
const OXM_IDS = Array.from({ length: 37 }, (_, i) => i).filter((c) => c !== 1);
const oxmHeader = (code: number, len: number) => ((0x8000 << 16) | (code << 9) | len) >>> 0;

const ids = (from: number[]) =>
  fc.subarray(from, { minLength: 1 }).map((ts) => ts.map((type) => ({ type })));
const oxmIds = fc
  .subarray(OXM_IDS, { minLength: 1 })
  .map((codes) => codes.map((c) => ({ header: oxmHeader(c, 0) })));

const requiredProps: fc.Arbitrary<TableFeatureProp[]> = fc
  .record({
    instructions: ids(INSTRUCTION_IDS),
    nextTables: fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 8 }),
    writeActions: ids(ACTION_IDS),
    applyActions: ids(ACTION_IDS),
    match: oxmIds,
    wildcards: oxmIds,
    writeSetfield: oxmIds,
    applySetfield: oxmIds,
  })
  .map((p): TableFeatureProp[] => [
    { type: 'instructions', ids: p.instructions },
    { type: 'next_tables', tableIds: p.nextTables },
    { type: 'write_actions', ids: p.writeActions },
    { type: 'apply_actions', ids: p.applyActions },
    { type: 'match', oxmIds: p.match },
    { type: 'wildcards', oxmIds: p.wildcards },
    { type: 'write_setfield', oxmIds: p.writeSetfield },
    { type: 'apply_setfield', oxmIds: p.applySetfield },
  ]);

export const validTableFeatures: fc.Arbitrary<TableFeatures> = fc.record({
  tableId: fc.integer({ min: 0, max: 254 }),
  name: text(31),
  metadataMatch: u64,
  metadataWrite: u64,
  config: fc.constant(0),
  maxEntries: u32,
  properties: requiredProps,
});
