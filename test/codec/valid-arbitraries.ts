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
  allErrorCodes,
  encodeMessage,
  type MessageOf,
  type MessageType,
  OFPP,
} from '../../src/codec/index.js';
import { MESSAGES } from './arbitraries.js';
import { bytes, u8, u16, u32, u48, u64 } from './arbitraries-parts.js';
import { validMatch } from './valid-match.js';
import { list, nsec, VALID_REPLY_BODIES, VALID_REQUEST_BODIES } from './valid-multipart.js';
import {
  band,
  flowEntry,
  groupId,
  meterFlags,
  meterId,
  ONF,
  output,
  physicalPort,
  portOrAny,
  validBuckets,
  validPort,
  xid,
} from './valid-parts.js';

export { VALID_REPLY_BODIES, VALID_REQUEST_BODIES };

const t = <T extends MessageType>(type: T) => fc.constant(type);
const KNOWN_ERRORS = allErrorCodes();

const role = { xid, role: fc.integer({ min: 0, max: 3 }), generationId: u64 };
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

/**
 * One arbitrary per message type, all acceptable to Open vSwitch; where every wire-valid
 * form is, the one of arbitraries.ts.
 */
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
  echo_request: MESSAGES.echo_request,
  echo_reply: MESSAGES.echo_reply,
  experimenter: fc
    .tuple(xid, onfMessage)
    .map(([x, m]) => ({ type: 'experimenter' as const, xid: x, experimenter: ONF, ...m })),
  features_request: MESSAGES.features_request,
  features_reply: MESSAGES.features_reply,
  get_config_request: MESSAGES.get_config_request,
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
  barrier_request: MESSAGES.barrier_request,
  barrier_reply: MESSAGES.barrier_reply,
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
  get_async_request: MESSAGES.get_async_request,
  get_async_reply: MESSAGES.get_async_reply,
  set_async: MESSAGES.set_async,
};
