/**
 * Message names as ovs-ofctl prints them ("OFPT_FLOW_MOD", "OFPST_FLOW reply"), the header
 * line "NAME (OF1.3) (xid=0x..):", multipart flags, and the checks OVS makes on a
 * message's raw bytes before decoding it (length multiples, known vendors).
 */
import {
  type Message,
  MULTIPART_KINDS,
  messageName,
  OFPMPF_REPLY_MORE,
} from '../../codec/index.js';

export const MP_NAMES: Readonly<Record<string, string>> = {
  desc: 'DESC',
  flow: 'FLOW',
  aggregate: 'AGGREGATE',
  table: 'TABLE',
  port_stats: 'PORT',
  queue: 'QUEUE',
  group: 'GROUP',
  group_desc: 'GROUP_DESC',
  group_features: 'GROUP_FEATURES',
  meter: 'METER',
  meter_config: 'METER_CONFIG',
  meter_features: 'METER_FEATURES',
  table_features: 'TABLE_FEATURES',
  port_desc: 'PORT_DESC',
};

/** OVS's name for a message, e.g. "OFPT_FLOW_MOD" or "OFPST_FLOW reply". */
export function ovsMessageName(m: Message): string {
  if (m.type === 'multipart_request' || m.type === 'multipart_reply') {
    const name = MP_NAMES[m.body.kind] ?? 'EXPERIMENTER';
    return `OFPST_${name} ${m.type === 'multipart_request' ? 'request' : 'reply'}`;
  }
  return messageName(messageCodeOf(m)) ?? m.type;
}

const CODES: Readonly<Record<Message['type'], number>> = {
  hello: 0,
  error: 1,
  echo_request: 2,
  echo_reply: 3,
  experimenter: 4,
  features_request: 5,
  features_reply: 6,
  get_config_request: 7,
  get_config_reply: 8,
  set_config: 9,
  packet_in: 10,
  flow_removed: 11,
  port_status: 12,
  packet_out: 13,
  flow_mod: 14,
  group_mod: 15,
  port_mod: 16,
  table_mod: 17,
  multipart_request: 18,
  multipart_reply: 19,
  barrier_request: 20,
  barrier_reply: 21,
  queue_get_config_request: 22,
  queue_get_config_reply: 23,
  role_request: 24,
  role_reply: 25,
  get_async_request: 26,
  get_async_reply: 27,
  set_async: 28,
  meter_mod: 29,
};

function messageCodeOf(m: Message): number {
  return CODES[m.type];
}

export function header(m: Message): string {
  return `${ovsMessageName(m)} (OF1.3) (xid=0x${m.xid.toString(16)}):`;
}

export function mpFlags(flags: number): string {
  if (!flags) return '';
  let s = ' flags=';
  if (flags & OFPMPF_REPLY_MORE) s += '[more]';
  const rest = flags & ~1;
  if (rest) s += `[***unknown flags 0x${rest.toString(16).padStart(4, '0')}***]`;
  return s;
}

/** ofpraw_decode_partial: the header line of a truncated message, when its type is known. */
export function partialHeader(raw: Buffer): string | undefined {
  const code = raw[1]!;
  const name = messageName(code);
  if (raw[0] !== 4 || !name) return undefined;
  const xid = `(OF1.3) (xid=0x${raw.readUInt32BE(4).toString(16)}):`;
  if (code !== 18 && code !== 19) return `${name} ${xid}`;
  if (raw.length < 10) return undefined;
  const kind = MULTIPART_KINDS[raw.readUInt16BE(8)];
  const mp = kind ? MP_NAMES[kind] : undefined;
  return mp ? `OFPST_${mp} ${code === 18 ? 'request' : 'reply'} ${xid}` : undefined;
}

/** Message types whose variable part OVS requires in multiples of 8 bytes. */
const MULTIPLE_OF_8 = new Set([11, 14, 15, 23, 29]);
const OVS_VENDORS = new Set([0x2320, 0x4f4e4600]);

/** OVS's checks before any decoding (ofpraw_pull): length rules and known vendors. */
export function rawCheck(raw: Buffer): string | undefined {
  const code = raw[1]!;
  if (raw[0] === 4 && MULTIPLE_OF_8.has(code) && raw.length % 8 !== 0) return 'OFPBRC_BAD_LEN';
  const isMpExperimenter =
    (code === 18 || code === 19) && raw.length >= 20 && raw.readUInt16BE(8) === 0xffff;
  if (isMpExperimenter && !OVS_VENDORS.has(raw.readUInt32BE(16))) return 'OFPBRC_BAD_VENDOR';
  if (code === 4 && raw.length >= 12 && !OVS_VENDORS.has(raw.readUInt32BE(8)))
    return 'OFPBRC_BAD_VENDOR';
  return undefined;
}
