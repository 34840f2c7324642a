/**
 * Semantically valid multipart request and reply bodies, one arbitrary per kind, as
 * Open vSwitch accepts them (rules in valid-arbitraries.ts). Experimenter bodies are the
 * ONF flow monitor's, the one OVS decodes in OpenFlow 1.3.
 */
import fc from 'fast-check';
import {
  type MultipartKind,
  type MultipartReplyBody,
  type MultipartRequestBody,
  OFPP,
} from '../../src/codec/index.js';
import { u8, u16, u32, u64 } from './arbitraries-parts.js';
import { validMatch } from './valid-match.js';
import {
  band,
  flowEntry,
  groupId,
  meterFlags,
  meterId,
  ONF,
  physicalPort,
  portOrAny,
  text,
  validBuckets,
  validPort,
  validTableFeatures,
} from './valid-parts.js';

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

export const list = <T>(a: fc.Arbitrary<T>, maxLength = 3) => fc.array(a, { maxLength });
export const nsec = fc.integer({ min: 0, max: 999_999_999 });
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
