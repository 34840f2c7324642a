/**
 * Arbitraries for messages that are not only well-formed but semantically valid, as
 * Open vSwitch 3.1's decoder (`ovs-ofctl ofp-print`) judges them. The wire format allows
 * more; these are the extra constraints, each one a check OVS makes:
 *
 * - Ports: 1..0xfeff or a reserved port (OVS rejects 0xff00..0xfffffeff as out of its
 *   range); an output action's port is never ANY or 0; TABLE only in packet_out.
 * - Matches: basic fields only, prerequisites met, no value bits outside a mask, a VLAN
 *   ID with OFPVID_PRESENT (valid-match.ts). No PBB or in_phy_port (OVS has no such field).
 * - Actions: push_vlan 0x8100/0x88a8, push_mpls 0x8847/0x8848; pop_vlan only when the
 *   match has a VLAN, MPLS TTL actions only on MPLS, IP TTL actions only on IP; set_field
 *   only on a writable field whose prerequisites the match meets (in_port, eth_type,
 *   ip_proto, mpls_bos, ipv6_exthdr are read-only); no experimenter action (OVS knows
 *   only its own vendors' layouts). Actions that change the packet's type
 *   (push/pop_vlan, push_mpls) come only last in write-actions or a bucket, since OVS
 *   re-checks every later action, apply-actions first, against the changed packet.
 * - Instructions: at most one per type, goto_table forward to a table below 255, meter IDs
 *   1..0xffff0000, no experimenter instruction.
 * - FLOW_MOD command 0..4, flags 0..0x1f, table 0..254; flow-stats flags 0..0x1f.
 * - Groups: type 0..3, command 0..2, group IDs up to OFPG_MAX; buckets of non-select
 *   groups have weight 0, only fast-failover buckets watch a port or group, and theirs do;
 *   an indirect group has exactly one bucket; a DELETE carries none.
 * - Meter bands: drop and dscp_remark (OVS has no experimenter band); meter IDs
 *   1..0xffff0000; flags KBPS or PKTPS, plus BURST and STATS.
 * - SET_CONFIG/GET_CONFIG flags 0..3; role 0..3; port-status reason 0..2; flow-removed
 *   reason 0..3; packet-in reason 0..2 and total_len at least the data's length (equal
 *   when unbuffered).
 * - With Neighbor Discovery fields, icmpv6_code is 0 (OVS's ND prerequisite; valid-match.ts).
 * - HELLO version bitmaps name only versions 1..6.
 * - ERROR: a (type, code) OVS knows, with an ECHO_REQUEST as the data.
 * - EXPERIMENTER and experimenter multipart: only ONF messages OVS decodes (flow-monitor
 *   cancel/paused/resumed, role status; flow-monitor requests, whose flags name at least
 *   one of ADD, DELETE, MODIFY, and ABBREV replies).
 * - arp_op at most 255 (OVS keeps it in 8 bits; valid-match.ts).
 * - Queue configs: min_rate and max_rate properties only.
 * - Table features: at least one table, each with the eight required properties
 *   (instructions, next_tables, write/apply actions, match, wildcards, write/apply
 *   set-field) holding known instruction, action and OXM IDs.
 * - Strings: upper-case letters, digits and spaces.
 */
import fc from 'fast-check';
import {
  type Action,
  allErrorCodes,
  encodeMessage,
  type Instruction,
  type Match,
  type Message,
  type MessageOf,
  type MessageType,
  type MultipartKind,
  type MultipartReplyBody,
  type MultipartRequestBody,
  OFPP,
  type Port,
  type TableFeatureProp,
  type TableFeatures,
} from '../../src/codec/index.js';
import { bytes, u8, u16, u32, u48, u64 } from './arbitraries-parts.js';
import { validMatch, validSetField } from './valid-match.js';

const ONF = 0x4f4e4600;
const xid = u32;

const text = (max: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '.split('')), {
      maxLength: max,
    })
    .map((cs) => cs.join('').trim());

/** A physical port number OVS accepts. */
const physicalPort = fc.integer({ min: 1, max: 0xfeff });
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
const portOrAny = fc.oneof(physicalPort, fc.constant(OFPP.ANY));
const groupId = fc.integer({ min: 0, max: 0xffffff00 });
const meterId = fc.integer({ min: 1, max: 0xffff0000 });

const output = fc.record({ type: fc.constant('output' as const), port: outputPort, maxLen: u16 });

/**
 * Actions valid for a flow with match `m`; with `last`, possibly ending in one action
 * that changes the packet's type (OVS checks every later action against the change).
 */
export function validActions(m: Match, last = true): fc.Arbitrary<Action[]> {
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
export function validInstructions(m: Match, tableId: number): fc.Arbitrary<Instruction[]> {
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

const flowEntry = fc.integer({ min: 0, max: 254 }).chain((tableId) =>
  validMatch.chain((match) =>
    fc.record({
      tableId: fc.constant(tableId),
      match: fc.constant(match),
      instructions: validInstructions(match, tableId),
    }),
  ),
);

const validPort: fc.Arbitrary<Port> = fc.record({
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

/** Buckets for a group of `groupType`: see the notes above. */
function validBuckets(groupType: number) {
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

const band = fc.oneof(
  fc.record({ type: fc.constant('drop' as const), rate: u32, burstSize: u32 }),
  fc.record({
    type: fc.constant('dscp_remark' as const),
    rate: u32,
    burstSize: u32,
    precLevel: u8,
  }),
);
const meterFlags = fc
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

const validTableFeatures: fc.Arbitrary<TableFeatures> = fc.record({
  tableId: fc.integer({ min: 0, max: 254 }),
  name: text(31),
  metadataMatch: u64,
  metadataWrite: u64,
  config: fc.constant(0),
  maxEntries: u32,
  properties: requiredProps,
});

/** ONF flow-monitor request entries (id, flags, out_port, table, match), as bytes. */
const flowMonitorRequests = fc
  .array(
    fc.record({
      id: u32,
      // INITIAL 1, ADD 2, DELETE 4, MODIFY 8, ACTIONS 16, OWN 32: one of ADD/DELETE/MODIFY.
      flags: fc.integer({ min: 1, max: 0x3f }).filter((f) => (f & 0xe) !== 0),
      outPort: portOrAny,
      table: u8,
    }),
    { maxLength: 3 },
  )
  .map((entries) =>
    Buffer.concat(
      entries.map((e) => {
        const b = Buffer.alloc(24);
        b.writeUInt32BE(e.id, 0);
        b.writeUInt16BE(e.flags, 4);
        b.writeUInt16BE(4, 6); // match_len: an empty OXM match
        b.writeUInt32BE(e.outPort, 8);
        b.writeUInt8(e.table, 12);
        b.writeUInt32BE(0x00010004, 16);
        return b;
      }),
    ),
  );

/** ONF flow-monitor ABBREV events (length 8, event 3, xid). */
const flowMonitorAbbrevs = fc.array(u32, { maxLength: 4 }).map((xids) =>
  Buffer.concat(
    xids.map((x) => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(0x00080003, 0);
      b.writeUInt32BE(x, 4);
      return b;
    }),
  ),
);

const filter = validMatch.chain((match) =>
  fc.record({
    tableId: u8,
    outPort: portOrAny,
    outGroup: fc.oneof(groupId, fc.constant(0xffffffff)),
    cookie: u64,
    cookieMask: u64,
    match: fc.constant(match),
  }),
);

export const VALID_REQUEST_BODIES: {
  readonly [K in MultipartKind]: fc.Arbitrary<MultipartRequestBody>;
} = {
  desc: fc.constant({ kind: 'desc' }),
  flow: filter.map((f) => ({ kind: 'flow' as const, ...f })),
  aggregate: filter.map((f) => ({ kind: 'aggregate' as const, ...f })),
  table: fc.constant({ kind: 'table' }),
  port_stats: fc.record({ kind: fc.constant('port_stats' as const), portNo: portOrAny }),
  queue: fc.record({ kind: fc.constant('queue' as const), portNo: portOrAny, queueId: u32 }),
  group: fc.record({
    kind: fc.constant('group' as const),
    groupId: fc.oneof(groupId, fc.constant(0xfffffffc)),
  }),
  group_desc: fc.constant({ kind: 'group_desc' }),
  group_features: fc.constant({ kind: 'group_features' }),
  meter: fc.record({ kind: fc.constant('meter' as const), meterId }),
  meter_config: fc.record({ kind: fc.constant('meter_config' as const), meterId }),
  meter_features: fc.constant({ kind: 'meter_features' }),
  table_features: fc.record({
    kind: fc.constant('table_features' as const),
    tables: fc.array(validTableFeatures, { maxLength: 2 }),
  }),
  port_desc: fc.constant({ kind: 'port_desc' }),
  experimenter: flowMonitorRequests.map((data) => ({
    kind: 'experimenter' as const,
    experimenter: ONF,
    expType: 1870,
    data,
  })),
};

const list = <T>(a: fc.Arbitrary<T>, maxLength = 3) => fc.array(a, { maxLength });
const nsec = fc.integer({ min: 0, max: 999_999_999 });
const quad = fc.tuple(u32, u32, u32, u32);

export const VALID_REPLY_BODIES: {
  readonly [K in MultipartKind]: fc.Arbitrary<MultipartReplyBody>;
} = {
  desc: fc.record({
    kind: fc.constant('desc' as const),
    desc: fc.record({
      mfrDesc: text(64),
      hwDesc: text(64),
      swDesc: text(64),
      serialNum: text(31),
      dpDesc: text(64),
    }),
  }),
  flow: fc.record({
    kind: fc.constant('flow' as const),
    flows: list(
      fc
        .tuple(
          flowEntry,
          fc.record({
            durationSec: u32,
            durationNsec: nsec,
            priority: u16,
            idleTimeout: u16,
            hardTimeout: u16,
            flags: fc.integer({ min: 0, max: 0x1f }),
            cookie: u64,
            packetCount: u64,
            byteCount: u64,
          }),
        )
        .map(([e, stats]) => ({ ...e, ...stats })),
    ),
  }),
  aggregate: fc.record({
    kind: fc.constant('aggregate' as const),
    packetCount: u64,
    byteCount: u64,
    flowCount: u32,
  }),
  table: fc.record({
    kind: fc.constant('table' as const),
    tables: list(fc.record({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64 })),
  }),
  port_stats: fc.record({
    kind: fc.constant('port_stats' as const),
    ports: list(
      fc.record({
        portNo: fc.oneof(physicalPort, fc.constant(OFPP.LOCAL)),
        rxPackets: u64,
        txPackets: u64,
        rxBytes: u64,
        txBytes: u64,
        rxDropped: u64,
        txDropped: u64,
        rxErrors: u64,
        txErrors: u64,
        rxFrameErr: u64,
        rxOverErr: u64,
        rxCrcErr: u64,
        collisions: u64,
        durationSec: u32,
        durationNsec: nsec,
      }),
    ),
  }),
  queue: fc.record({
    kind: fc.constant('queue' as const),
    queues: list(
      fc.record({
        portNo: physicalPort,
        queueId: u32,
        txBytes: u64,
        txPackets: u64,
        txErrors: u64,
        durationSec: u32,
        durationNsec: nsec,
      }),
    ),
  }),
  group: fc.record({
    kind: fc.constant('group' as const),
    groups: list(
      fc.record({
        groupId,
        refCount: u32,
        packetCount: u64,
        byteCount: u64,
        durationSec: u32,
        durationNsec: nsec,
        bucketStats: list(fc.record({ packetCount: u64, byteCount: u64 })),
      }),
    ),
  }),
  group_desc: fc.record({
    kind: fc.constant('group_desc' as const),
    groups: list(
      fc.integer({ min: 0, max: 3 }).chain((groupType) =>
        fc.record({
          groupType: fc.constant(groupType),
          groupId,
          buckets: validBuckets(groupType),
        }),
      ),
    ),
  }),
  group_features: fc.record({
    kind: fc.constant('group_features' as const),
    features: fc.record({ types: u32, capabilities: u32, maxGroups: quad, actions: quad }),
  }),
  meter: fc.record({
    kind: fc.constant('meter' as const),
    meters: list(
      fc.record({
        meterId,
        flowCount: u32,
        packetInCount: u64,
        byteInCount: u64,
        durationSec: u32,
        durationNsec: nsec,
        bandStats: list(fc.record({ packetBandCount: u64, byteBandCount: u64 })),
      }),
    ),
  }),
  meter_config: fc.record({
    kind: fc.constant('meter_config' as const),
    meters: list(fc.record({ flags: meterFlags, meterId, bands: list(band) })),
  }),
  meter_features: fc.record({
    kind: fc.constant('meter_features' as const),
    features: fc.record({
      maxMeter: u32,
      bandTypes: u32,
      capabilities: u32,
      maxBands: u8,
      maxColor: u8,
    }),
  }),
  table_features: fc.record({
    kind: fc.constant('table_features' as const),
    tables: list(validTableFeatures, 2).filter((t) => t.length > 0),
  }),
  port_desc: fc.record({ kind: fc.constant('port_desc' as const), ports: list(validPort) }),
  experimenter: flowMonitorAbbrevs.map((data) => ({
    kind: 'experimenter' as const,
    experimenter: ONF,
    expType: 1870,
    data,
  })),
};

const t = <T extends MessageType>(type: T) => fc.constant(type);
const empty = <T extends MessageType>(type: T) => fc.record({ type: t(type), xid });
const pair = fc.tuple(u32, u32);
const KNOWN_ERRORS = allErrorCodes();

const role = { xid, role: fc.integer({ min: 0, max: 3 }), generationId: u64 };
const asyncConfig = { xid, packetInMask: pair, portStatusMask: pair, flowRemovedMask: pair };
const switchConfig = { xid, flags: fc.integer({ min: 0, max: 3 }), missSendLen: u16 };

/** ONF experimenter messages OVS decodes: flow-monitor cancel, paused, resumed; role status. */
const onfMessage = fc.oneof(
  u32.map((id) => ({ expType: 1870, data: Buffer.from(id.toString(16).padStart(8, '0'), 'hex') })),
  fc.constantFrom(1871, 1872).map((expType) => ({ expType, data: Buffer.alloc(0) })),
  fc
    .record({
      role: fc.integer({ min: 1, max: 3 }),
      reason: fc.integer({ min: 0, max: 2 }),
      gen: u64,
    })
    .map(({ role, reason, gen }) => {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(role, 0);
      b.writeUInt8(reason, 4);
      b.writeBigUInt64BE(gen, 8);
      return { expType: 1911, data: b };
    }),
);

/** One arbitrary per message type, all acceptable to Open vSwitch. */
export const VALID_MESSAGES: { readonly [T in MessageType]: fc.Arbitrary<MessageOf<T>> } = {
  hello: fc.record({
    type: t('hello'),
    xid,
    version: fc.constant(4),
    elements: fc.array(
      fc.record({
        type: fc.constant('versionbitmap' as const),
        bitmaps: fc.integer({ min: 1, max: 0x3f }).map((b) => [b << 1]),
      }),
      { maxLength: 1 },
    ),
  }),
  error: fc
    .record({
      type: t('error'),
      xid,
      errType: fc.constant(0),
      code: fc.constant(0),
      data: fc.constant(new Uint8Array()),
    })
    .chain((base) =>
      // The echo's xid stays below ofp-parse's numbering (support/ovs-ofctl.ts).
      fc
        .record({ e: fc.constantFrom(...KNOWN_ERRORS), x: fc.nat(0xffffff), d: bytes(8) })
        .map(({ e, x, d }) => ({
          ...base,
          errType: e.type,
          code: e.code,
          data: encodeMessage({ type: 'echo_request', xid: x, data: d }),
        })),
    ),
  echo_request: fc.record({ type: t('echo_request'), xid, data: bytes() }),
  echo_reply: fc.record({ type: t('echo_reply'), xid, data: bytes() }),
  experimenter: fc
    .tuple(xid, onfMessage)
    .map(([x, m]) => ({ type: 'experimenter' as const, xid: x, experimenter: ONF, ...m })),
  features_request: empty('features_request'),
  features_reply: fc.record({
    type: t('features_reply'),
    xid,
    datapathId: u64,
    nBuffers: u32,
    nTables: u8,
    auxiliaryId: u8,
    capabilities: u32,
    reserved: u32,
  }),
  get_config_request: empty('get_config_request'),
  get_config_reply: fc.record({ type: t('get_config_reply'), ...switchConfig }),
  set_config: fc.record({ type: t('set_config'), ...switchConfig }),
  packet_in: fc.tuple(validMatch, bytes(64), u32).chain(([match, data, bufferId]) =>
    fc.record({
      type: t('packet_in'),
      xid,
      bufferId: fc.constant(bufferId),
      // Unbuffered, the frame is whole: total_len is its length exactly.
      totalLen:
        bufferId === 0xffffffff
          ? fc.constant(data.length)
          : fc.integer({ min: data.length, max: 0xffff }),
      reason: fc.integer({ min: 0, max: 2 }),
      tableId: u8,
      cookie: u64,
      match: fc.constant(match),
      data: fc.constant(data),
    }),
  ),
  flow_removed: validMatch.chain((match) =>
    fc.record({
      type: t('flow_removed'),
      xid,
      cookie: u64,
      priority: u16,
      reason: fc.integer({ min: 0, max: 3 }),
      tableId: fc.integer({ min: 0, max: 254 }),
      durationSec: u32,
      durationNsec: nsec,
      idleTimeout: u16,
      hardTimeout: u16,
      packetCount: u64,
      byteCount: u64,
      match: fc.constant(match),
    }),
  ),
  port_status: fc.record({
    type: t('port_status'),
    xid,
    reason: fc.integer({ min: 0, max: 2 }),
    port: validPort,
  }),
  packet_out: fc.record({
    type: t('packet_out'),
    xid,
    bufferId: u32,
    inPort: fc.oneof(physicalPort, fc.constantFrom(OFPP.LOCAL, OFPP.CONTROLLER)),
    actions: fc.array(
      fc.oneof(
        output,
        fc.record({
          type: fc.constant('output' as const),
          port: fc.constant(OFPP.TABLE),
          maxLen: u16,
        }),
        fc.record({ type: fc.constant('group' as const), groupId }),
        fc.record({ type: fc.constant('set_queue' as const), queueId: u32 }),
      ),
      { maxLength: 3 },
    ),
    data: bytes(64),
  }),
  flow_mod: flowEntry.chain((e) =>
    fc.record({
      type: t('flow_mod'),
      xid,
      cookie: u64,
      cookieMask: u64,
      tableId: fc.constant(e.tableId),
      command: fc.integer({ min: 0, max: 4 }),
      idleTimeout: u16,
      hardTimeout: u16,
      priority: u16,
      bufferId: u32,
      outPort: portOrAny,
      outGroup: fc.oneof(groupId, fc.constant(0xffffffff)),
      flags: fc.integer({ min: 0, max: 0x1f }),
      match: fc.constant(e.match),
      instructions: fc.constant(e.instructions),
    }),
  ),
  group_mod: fc
    .record({ groupType: fc.integer({ min: 0, max: 3 }), command: fc.integer({ min: 0, max: 2 }) })
    .chain(({ groupType, command }) =>
      fc.record({
        type: t('group_mod'),
        xid,
        command: fc.constant(command),
        groupType: fc.constant(groupType),
        groupId,
        buckets: command === 2 ? fc.constant([]) : validBuckets(groupType),
      }),
    ),
  port_mod: fc.record({
    type: t('port_mod'),
    xid,
    portNo: physicalPort,
    hwAddr: u48,
    config: u32,
    mask: u32,
    advertise: u32,
  }),
  table_mod: fc.record({ type: t('table_mod'), xid, tableId: u8, config: fc.constant(0) }),
  meter_mod: fc.record({
    type: t('meter_mod'),
    xid,
    command: fc.integer({ min: 0, max: 2 }),
    flags: meterFlags,
    meterId,
    bands: list(band),
  }),
  multipart_request: fc.record({
    type: t('multipart_request'),
    xid,
    flags: fc.constant(0),
    body: fc.oneof(...Object.values(VALID_REQUEST_BODIES)),
  }),
  multipart_reply: fc.record({
    type: t('multipart_reply'),
    xid,
    flags: fc.constant(0),
    body: fc.oneof(...Object.values(VALID_REPLY_BODIES)),
  }),
  barrier_request: empty('barrier_request'),
  barrier_reply: empty('barrier_reply'),
  queue_get_config_request: fc.record({
    type: t('queue_get_config_request'),
    xid,
    port: portOrAny,
  }),
  queue_get_config_reply: fc.record({
    type: t('queue_get_config_reply'),
    xid,
    port: physicalPort,
    queues: list(
      fc.record({
        queueId: u32,
        port: physicalPort,
        properties: fc.subarray([1, 2]).chain((ps) =>
          fc.tuple(
            ...ps.map((p) =>
              u16.map((rate) => ({
                type: p === 1 ? ('min_rate' as const) : ('max_rate' as const),
                rate,
              })),
            ),
          ),
        ),
      }),
    ),
  }),
  role_request: fc.record({ type: t('role_request'), ...role }),
  role_reply: fc.record({ type: t('role_reply'), ...role }),
  get_async_request: empty('get_async_request'),
  get_async_reply: fc.record({ type: t('get_async_reply'), ...asyncConfig }),
  set_async: fc.record({ type: t('set_async'), ...asyncConfig }),
};

export type { Message };
