/**
 * fast-check arbitraries for the codec's building blocks: OXM fields (every basic field,
 * values within its bit width, masks only where maskable) and raw TLVs, matches,
 * every action and instruction, ports, buckets, meter bands, queue properties and
 * table-feature properties.
 *
 * Each generates only values that survive encode -> decode unchanged, which excludes a
 * few shapes the wire cannot tell apart:
 * - experimenter actions, instructions and meter bands carry data in multiples of 8
 *   bytes: their length field counts padding, so padding reads back as data;
 * - optional keys (mask, extra, experimenter) are absent rather than undefined, and an
 *   empty `extra` is absent (a 4-byte ID has none);
 * - strings are Latin-1 without NUL, shorter than their field;
 * - a queue property or hello element of unknown type never uses a known type number;
 * - set_field carries no mask (OpenFlow 1.3 forbids one) and a raw set_field field is
 *   never of the basic class (an unknown basic field is OFPBAC_BAD_SET_TYPE).
 */
import fc from 'fast-check';
import {
  type Action,
  type Bucket,
  type Instruction,
  type Match,
  type MeterBand,
  OXM_FIELDS,
  type OxmBasic,
  type OxmEntry,
  type OxmFieldInfo,
  type OxmRaw,
  type PacketQueue,
  type Port,
  type QueueProperty,
  type TableFeatureProp,
  type TableFeatures,
  type TypeId,
} from '../../src/codec/index.js';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u48 = fc.integer({ min: 0, max: 2 ** 48 - 1 });
export const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
export const bytes = (maxLength = 24, minLength = 0) => fc.uint8Array({ minLength, maxLength });
/** Byte strings whose length is a multiple of 8 (experimenter payloads after 8-byte headers). */
const bytes8 = (maxWords = 3) =>
  fc.integer({ min: 0, max: maxWords }).chain((n) => bytes(8 * n, 8 * n));

/** A Latin-1 string without NUL of at most `max` characters (fits a `max + 1` field). */
export const latin1 = (max: number) =>
  fc
    .array(fc.integer({ min: 1, max: 0xff }), { maxLength: max })
    .map((codes) => String.fromCharCode(...codes));

/** A value of `info`'s width: any of its significant bits. */
export function oxmValue(info: OxmFieldInfo): fc.Arbitrary<number | bigint> {
  if (info.big) return fc.bigInt({ min: 0n, max: 2n ** BigInt(info.bits) - 1n });
  return fc.integer({ min: 0, max: 2 ** info.bits - 1 });
}

function oxmBasicOf(info: OxmFieldInfo, masked = false): fc.Arbitrary<OxmBasic> {
  if (masked) {
    return fc.record({
      field: fc.constant(info.name),
      value: oxmValue(info),
      mask: oxmValue(info),
    });
  }
  return fc.record({ field: fc.constant(info.name), value: oxmValue(info) });
}

/** Any basic field, masked or not where it may be. */
const oxmBasic: fc.Arbitrary<OxmBasic> = fc.oneof(
  ...OXM_FIELDS.map((info) =>
    info.maskable ? fc.oneof(oxmBasicOf(info), oxmBasicOf(info, true)) : oxmBasicOf(info),
  ),
);

/** A TLV of a non-basic class (NXM, experimenter), or a basic field number 1.3 lacks. */
const oxmRaw: fc.Arbitrary<OxmRaw> = fc
  .record({
    basic: fc.boolean(),
    oxmClass: u16.filter((c) => c !== 0x8000),
    lateField: fc.integer({ min: OXM_FIELDS.length, max: 0x7f }),
    anyField: fc.integer({ min: 0, max: 0x7f }),
    hasMask: fc.boolean(),
    payload: bytes(40),
  })
  .map((r) => ({
    field: 'raw' as const,
    oxmClass: r.basic ? 0x8000 : r.oxmClass,
    oxmField: r.basic ? r.lateField : r.anyField,
    hasMask: r.hasMask,
    payload: r.payload,
  }));

export const oxmEntry: fc.Arbitrary<OxmEntry> = fc.oneof(
  { weight: 4, arbitrary: oxmBasic },
  { weight: 1, arbitrary: oxmRaw },
);

/** A match: basic fields at most once each (a repeat is OFPBMC_DUP_FIELD), raw TLVs freely. */
export const match: fc.Arbitrary<Match> = fc.uniqueArray(oxmEntry, {
  maxLength: 6,
  selector: (e) => (e.field === 'raw' ? e : e.field),
});

const setFieldTarget: fc.Arbitrary<OxmEntry> = fc.oneof(
  fc.oneof(...OXM_FIELDS.map((info) => oxmBasicOf(info))),
  oxmRaw.filter((e) => e.oxmClass !== 0x8000).map((e) => ({ ...e, hasMask: false })),
);

export const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('output' as const), port: u32, maxLen: u16 }),
  fc
    .constantFrom(
      ...([
        'copy_ttl_out',
        'copy_ttl_in',
        'dec_mpls_ttl',
        'pop_vlan',
        'dec_nw_ttl',
        'pop_pbb',
      ] as const),
    )
    .map((type) => ({ type }) as Action),
  fc.record({ type: fc.constantFrom('set_mpls_ttl' as const, 'set_nw_ttl' as const), ttl: u8 }),
  fc.record({
    type: fc.constantFrom(...(['push_vlan', 'push_mpls', 'pop_mpls', 'push_pbb'] as const)),
    ethertype: u16,
  }),
  fc.record({ type: fc.constant('set_queue' as const), queueId: u32 }),
  fc.record({ type: fc.constant('group' as const), groupId: u32 }),
  fc.record({ type: fc.constant('set_field' as const), field: setFieldTarget }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: bytes8() }),
);

export const actions = (maxLength = 4) => fc.array(action, { maxLength });

export const instruction: fc.Arbitrary<Instruction> = fc.oneof(
  fc.record({ type: fc.constant('goto_table' as const), tableId: u8 }),
  fc.record({ type: fc.constant('write_metadata' as const), metadata: u64, mask: u64 }),
  fc.record({
    type: fc.constantFrom('write_actions' as const, 'apply_actions' as const),
    actions: actions(),
  }),
  fc.constant({ type: 'clear_actions' as const }),
  fc.record({ type: fc.constant('meter' as const), meterId: u32 }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: bytes8() }),
);

export const instructions = fc.array(instruction, { maxLength: 4 });

export const port: fc.Arbitrary<Port> = fc.record({
  portNo: u32,
  hwAddr: u48,
  name: latin1(15),
  config: u32,
  state: u32,
  curr: u32,
  advertised: u32,
  supported: u32,
  peer: u32,
  currSpeed: u32,
  maxSpeed: u32,
});

export const bucket: fc.Arbitrary<Bucket> = fc.record({
  weight: u16,
  watchPort: u32,
  watchGroup: u32,
  actions: actions(3),
});

export const meterBand: fc.Arbitrary<MeterBand> = fc.oneof(
  fc.record({ type: fc.constant('drop' as const), rate: u32, burstSize: u32 }),
  fc.record({
    type: fc.constant('dscp_remark' as const),
    rate: u32,
    burstSize: u32,
    precLevel: u8,
  }),
  fc.record({
    type: fc.constant('experimenter' as const),
    rate: u32,
    burstSize: u32,
    experimenter: u32,
    data: bytes8(),
  }),
);

const queueProperty: fc.Arbitrary<QueueProperty> = fc.oneof(
  fc.record({ type: fc.constantFrom('min_rate' as const, 'max_rate' as const), rate: u16 }),
  fc.record({ type: fc.constant('experimenter' as const), experimenter: u32, data: bytes() }),
  fc.record({
    type: fc.constant('unknown' as const),
    property: u16.filter((p) => p !== 1 && p !== 2 && p !== 0xffff),
    data: bytes(),
  }),
);

export const packetQueue: fc.Arbitrary<PacketQueue> = fc.record({
  queueId: u32,
  port: u32,
  properties: fc.array(queueProperty, { maxLength: 3 }),
});

const typeId: fc.Arbitrary<TypeId> = fc.oneof(
  fc.record({ type: u16 }),
  fc.record({ type: u16, extra: bytes(8, 1) }),
);

const oxmId = u32.chain((header) =>
  header >>> 16 === 0xffff
    ? fc.record({ header: fc.constant(header), experimenter: u32 })
    : fc.constant({ header }),
);

const tableFeatureProp: fc.Arbitrary<TableFeatureProp> = fc.oneof(
  fc.record({
    type: fc.constantFrom(
      ...([
        'instructions',
        'instructions_miss',
        'write_actions',
        'write_actions_miss',
        'apply_actions',
        'apply_actions_miss',
      ] as const),
    ),
    ids: fc.array(typeId, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constantFrom('next_tables' as const, 'next_tables_miss' as const),
    tableIds: fc.array(u8, { maxLength: 9 }),
  }),
  fc.record({
    type: fc.constantFrom(
      ...([
        'match',
        'wildcards',
        'write_setfield',
        'write_setfield_miss',
        'apply_setfield',
        'apply_setfield_miss',
      ] as const),
    ),
    oxmIds: fc.array(oxmId, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constantFrom('experimenter' as const, 'experimenter_miss' as const),
    experimenter: u32,
    expType: u32,
    data: bytes(),
  }),
);

export const tableFeatures: fc.Arbitrary<TableFeatures> = fc.record({
  tableId: u8,
  name: latin1(31),
  metadataMatch: u64,
  metadataWrite: u64,
  config: u32,
  maxEntries: u32,
  properties: fc.array(tableFeatureProp, { maxLength: 4 }),
});
