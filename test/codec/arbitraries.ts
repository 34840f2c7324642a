/**
 * fast-check arbitraries for every OpenFlow 1.3 message type and every multipart
 * request and reply body, built from the parts in arbitraries-parts.ts. Each yields
 * only messages that encode -> decode back to an equal object (see that file's notes);
 * in addition a METER_MOD has a valid command and flags, which the decoder checks.
 */
import fc from 'fast-check';
import type {
  Message,
  MessageOf,
  MessageType,
  MultipartKind,
  MultipartReplyBody,
  MultipartRequestBody,
} from '../../src/codec/index.js';
import {
  bucket,
  bytes,
  instructions,
  latin1,
  actions as listOfActions,
  match,
  meterBand,
  packetQueue,
  port,
  tableFeatures,
  u8,
  u16,
  u32,
  u48,
  u64,
} from './arbitraries-parts.js';

export * from './arbitraries-parts.js';

const xid = u32;
const pair = fc.tuple(u32, u32);

const flowFilter = {
  tableId: u8,
  outPort: u32,
  outGroup: u32,
  cookie: u64,
  cookieMask: u64,
  match,
};

export const REQUEST_BODIES: { readonly [K in MultipartKind]: fc.Arbitrary<MultipartRequestBody> } =
  {
    desc: fc.constant({ kind: 'desc' }),
    flow: fc.record({ kind: fc.constant('flow' as const), ...flowFilter }),
    aggregate: fc.record({ kind: fc.constant('aggregate' as const), ...flowFilter }),
    table: fc.constant({ kind: 'table' }),
    port_stats: fc.record({ kind: fc.constant('port_stats' as const), portNo: u32 }),
    queue: fc.record({ kind: fc.constant('queue' as const), portNo: u32, queueId: u32 }),
    group: fc.record({ kind: fc.constant('group' as const), groupId: u32 }),
    group_desc: fc.constant({ kind: 'group_desc' }),
    group_features: fc.constant({ kind: 'group_features' }),
    meter: fc.record({ kind: fc.constant('meter' as const), meterId: u32 }),
    meter_config: fc.record({ kind: fc.constant('meter_config' as const), meterId: u32 }),
    meter_features: fc.constant({ kind: 'meter_features' }),
    table_features: fc.record({
      kind: fc.constant('table_features' as const),
      tables: fc.array(tableFeatures, { maxLength: 3 }),
    }),
    port_desc: fc.constant({ kind: 'port_desc' }),
    experimenter: fc.record({
      kind: fc.constant('experimenter' as const),
      experimenter: u32,
      expType: u32,
      data: bytes(),
    }),
  };

const flowStats = fc.record({
  tableId: u8,
  durationSec: u32,
  durationNsec: u32,
  priority: u16,
  idleTimeout: u16,
  hardTimeout: u16,
  flags: u16,
  cookie: u64,
  packetCount: u64,
  byteCount: u64,
  match,
  instructions,
});

const portStats = fc.record({
  portNo: u32,
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
  durationNsec: u32,
});

const list = <T>(a: fc.Arbitrary<T>, maxLength = 3) => fc.array(a, { maxLength });
const quad = fc.tuple(u32, u32, u32, u32);

export const REPLY_BODIES: { readonly [K in MultipartKind]: fc.Arbitrary<MultipartReplyBody> } = {
  desc: fc.record({
    kind: fc.constant('desc' as const),
    desc: fc.record({
      mfrDesc: latin1(255),
      hwDesc: latin1(255),
      swDesc: latin1(255),
      serialNum: latin1(31),
      dpDesc: latin1(255),
    }),
  }),
  flow: fc.record({ kind: fc.constant('flow' as const), flows: list(flowStats) }),
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
  port_stats: fc.record({ kind: fc.constant('port_stats' as const), ports: list(portStats) }),
  queue: fc.record({
    kind: fc.constant('queue' as const),
    queues: list(
      fc.record({
        portNo: u32,
        queueId: u32,
        txBytes: u64,
        txPackets: u64,
        txErrors: u64,
        durationSec: u32,
        durationNsec: u32,
      }),
    ),
  }),
  group: fc.record({
    kind: fc.constant('group' as const),
    groups: list(
      fc.record({
        groupId: u32,
        refCount: u32,
        packetCount: u64,
        byteCount: u64,
        durationSec: u32,
        durationNsec: u32,
        bucketStats: list(fc.record({ packetCount: u64, byteCount: u64 })),
      }),
    ),
  }),
  group_desc: fc.record({
    kind: fc.constant('group_desc' as const),
    groups: list(fc.record({ groupType: u8, groupId: u32, buckets: list(bucket) })),
  }),
  group_features: fc.record({
    kind: fc.constant('group_features' as const),
    features: fc.record({ types: u32, capabilities: u32, maxGroups: quad, actions: quad }),
  }),
  meter: fc.record({
    kind: fc.constant('meter' as const),
    meters: list(
      fc.record({
        meterId: u32,
        flowCount: u32,
        packetInCount: u64,
        byteInCount: u64,
        durationSec: u32,
        durationNsec: u32,
        bandStats: list(fc.record({ packetBandCount: u64, byteBandCount: u64 })),
      }),
    ),
  }),
  meter_config: fc.record({
    kind: fc.constant('meter_config' as const),
    meters: list(fc.record({ flags: u16, meterId: u32, bands: list(meterBand) })),
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
    tables: list(tableFeatures),
  }),
  port_desc: fc.record({ kind: fc.constant('port_desc' as const), ports: list(port) }),
  experimenter: fc.record({
    kind: fc.constant('experimenter' as const),
    experimenter: u32,
    expType: u32,
    data: bytes(),
  }),
};

const switchConfig = { xid, flags: u16, missSendLen: u16 };
const role = { xid, role: u32, generationId: u64 };
const asyncConfig = { xid, packetInMask: pair, portStatusMask: pair, flowRemovedMask: pair };
const t = <T extends MessageType>(type: T) => fc.constant(type);
const empty = <T extends MessageType>(type: T) => fc.record({ type: t(type), xid });

const helloElement = fc.oneof(
  fc.record({ type: fc.constant('versionbitmap' as const), bitmaps: list(u32, 4) }),
  fc.record({
    type: fc.constant('unknown' as const),
    elementType: u16.filter((x) => x !== 1),
    data: bytes(),
  }),
);

/** One arbitrary per message type. */
export const MESSAGES: { readonly [T in MessageType]: fc.Arbitrary<MessageOf<T>> } = {
  hello: fc.record({ type: t('hello'), xid, version: u8, elements: list(helloElement) }),
  error: fc.oneof(
    fc.record({
      type: t('error'),
      xid,
      errType: u16.filter((x) => x !== 0xffff),
      code: u16,
      data: bytes(),
    }),
    fc.record({
      type: t('error'),
      xid,
      errType: fc.constant(0xffff),
      code: u16,
      experimenter: u32,
      data: bytes(),
    }),
  ),
  echo_request: fc.record({ type: t('echo_request'), xid, data: bytes() }),
  echo_reply: fc.record({ type: t('echo_reply'), xid, data: bytes() }),
  experimenter: fc.record({
    type: t('experimenter'),
    xid,
    experimenter: u32,
    expType: u32,
    data: bytes(),
  }),
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
  packet_in: fc.record({
    type: t('packet_in'),
    xid,
    bufferId: u32,
    totalLen: u16,
    reason: u8,
    tableId: u8,
    cookie: u64,
    match,
    data: bytes(64),
  }),
  flow_removed: fc.record({
    type: t('flow_removed'),
    xid,
    cookie: u64,
    priority: u16,
    reason: u8,
    tableId: u8,
    durationSec: u32,
    durationNsec: u32,
    idleTimeout: u16,
    hardTimeout: u16,
    packetCount: u64,
    byteCount: u64,
    match,
  }),
  port_status: fc.record({ type: t('port_status'), xid, reason: u8, port }),
  packet_out: fc.record({
    type: t('packet_out'),
    xid,
    bufferId: u32,
    inPort: u32,
    actions: listOfActions(),
    data: bytes(64),
  }),
  flow_mod: fc.record({
    type: t('flow_mod'),
    xid,
    cookie: u64,
    cookieMask: u64,
    tableId: u8,
    command: u8,
    idleTimeout: u16,
    hardTimeout: u16,
    priority: u16,
    bufferId: u32,
    outPort: u32,
    outGroup: u32,
    flags: u16,
    match,
    instructions,
  }),
  group_mod: fc.record({
    type: t('group_mod'),
    xid,
    command: u16,
    groupType: u8,
    groupId: u32,
    buckets: list(bucket),
  }),
  port_mod: fc.record({
    type: t('port_mod'),
    xid,
    portNo: u32,
    hwAddr: u48,
    config: u32,
    mask: u32,
    advertise: u32,
  }),
  table_mod: fc.record({ type: t('table_mod'), xid, tableId: u8, config: u32 }),
  meter_mod: fc.record({
    type: t('meter_mod'),
    xid,
    command: fc.integer({ min: 0, max: 2 }),
    // KBPS 1 | PKTPS 2 | BURST 4 | STATS 8, not KBPS and PKTPS together.
    flags: fc.integer({ min: 0, max: 0xf }).filter((f) => (f & 3) !== 3),
    meterId: u32,
    bands: list(meterBand),
  }),
  multipart_request: fc.record({
    type: t('multipart_request'),
    xid,
    flags: u16,
    body: fc.oneof(...Object.values(REQUEST_BODIES)),
  }),
  multipart_reply: fc.record({
    type: t('multipart_reply'),
    xid,
    flags: u16,
    body: fc.oneof(...Object.values(REPLY_BODIES)),
  }),
  barrier_request: empty('barrier_request'),
  barrier_reply: empty('barrier_reply'),
  queue_get_config_request: fc.record({ type: t('queue_get_config_request'), xid, port: u32 }),
  queue_get_config_reply: fc.record({
    type: t('queue_get_config_reply'),
    xid,
    port: u32,
    queues: list(packetQueue),
  }),
  role_request: fc.record({ type: t('role_request'), ...role }),
  role_reply: fc.record({ type: t('role_reply'), ...role }),
  get_async_request: empty('get_async_request'),
  get_async_reply: fc.record({ type: t('get_async_reply'), ...asyncConfig }),
  set_async: fc.record({ type: t('set_async'), ...asyncConfig }),
};

export const MESSAGE_TYPES = Object.keys(MESSAGES) as MessageType[];

/** Any message of any type. */
export const message: fc.Arbitrary<Message> = fc.oneof(
  ...MESSAGE_TYPES.map((k) => MESSAGES[k] as fc.Arbitrary<Message>),
);
