/**
 * The OpenFlow 1.3 message union and the one registry that drives decode and encode:
 * each entry has the type number, minimum length, an exact-length flag, and the
 * body's decode and encode. A generic length check answers OFPBRC_BAD_LEN before any
 * per-message decoder runs (the same scheme as Open vSwitch's ofp-msgs).
 */
import { fail, OFPERR, OfpDecodeError, ofpError, type Result } from './errors.js';
import * as async from './messages/async.js';
import * as basic from './messages/basic.js';
import * as cmd from './messages/commands.js';
import * as mpreply from './messages/multipart-reply.js';
import * as mpreq from './messages/multipart-request.js';
import * as qc from './messages/queue-config.js';
import { Reader } from './reader.js';
import { putU32, Writer } from './writer.js';

export const OFP_VERSION = 0x04;
export const OFP_HEADER_LEN = 8;

export type Message =
  | basic.Hello
  | basic.ErrorMsg
  | basic.Echo
  | basic.Experimenter
  | basic.Empty
  | basic.FeaturesReply
  | basic.SwitchConfig
  | basic.Role
  | basic.AsyncConfig
  | async.PacketIn
  | async.FlowRemoved
  | async.PortStatus
  | cmd.PacketOut
  | cmd.FlowMod
  | cmd.GroupMod
  | cmd.PortMod
  | cmd.TableMod
  | cmd.MeterMod
  | mpreq.MultipartRequest
  | mpreply.MultipartReply
  | qc.QueueGetConfigRequest
  | qc.QueueGetConfigReply;

export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

interface Entry<T extends MessageType> {
  readonly code: number;
  readonly name: string;
  /** Minimum total length, header included. */
  readonly min: number;
  /** True when the length must equal `min` exactly. */
  readonly exact: boolean;
  readonly decode: (r: Reader, xid: number, version: number) => MessageOf<T>;
  readonly encode: (w: Writer, m: MessageOf<T>) => void;
}

const none = () => {};

function empty<T extends basic.Empty['type']>(type: T) {
  return (_r: Reader, xid: number) => ({ type, xid }) as MessageOf<T>;
}

function switchConfig<T extends basic.SwitchConfig['type']>(type: T) {
  return (r: Reader, xid: number) =>
    ({ type, xid, flags: r.u16(), missSendLen: r.u16() }) as MessageOf<T>;
}
function encodeSwitchConfig(w: Writer, m: basic.SwitchConfig) {
  w.u16(m.flags);
  w.u16(m.missSendLen);
}
function echo<T extends basic.Echo['type']>(type: T) {
  return (r: Reader, xid: number) => ({ type, xid, data: r.rest() }) as MessageOf<T>;
}
const encodeEcho = (w: Writer, m: basic.Echo) => w.bytes(m.data);

const REGISTRY: { readonly [T in MessageType]: Entry<T> } = {
  hello: {
    code: 0,
    name: 'OFPT_HELLO',
    min: 8,
    exact: false,
    decode: basic.decodeHello,
    encode: basic.encodeHello,
  },
  error: {
    code: 1,
    name: 'OFPT_ERROR',
    min: 12,
    exact: false,
    decode: basic.decodeError,
    encode: basic.encodeError,
  },
  echo_request: {
    code: 2,
    name: 'OFPT_ECHO_REQUEST',
    min: 8,
    exact: false,
    decode: echo('echo_request'),
    encode: encodeEcho,
  },
  echo_reply: {
    code: 3,
    name: 'OFPT_ECHO_REPLY',
    min: 8,
    exact: false,
    decode: echo('echo_reply'),
    encode: encodeEcho,
  },
  experimenter: {
    code: 4,
    name: 'OFPT_EXPERIMENTER',
    min: 16,
    exact: false,
    decode: basic.decodeExperimenter,
    encode: basic.encodeExperimenter,
  },
  features_request: {
    code: 5,
    name: 'OFPT_FEATURES_REQUEST',
    min: 8,
    exact: true,
    decode: empty('features_request'),
    encode: none,
  },
  features_reply: {
    code: 6,
    name: 'OFPT_FEATURES_REPLY',
    min: 32,
    exact: true,
    decode: basic.decodeFeaturesReply,
    encode: basic.encodeFeaturesReply,
  },
  get_config_request: {
    code: 7,
    name: 'OFPT_GET_CONFIG_REQUEST',
    min: 8,
    exact: true,
    decode: empty('get_config_request'),
    encode: none,
  },
  get_config_reply: {
    code: 8,
    name: 'OFPT_GET_CONFIG_REPLY',
    min: 12,
    exact: true,
    decode: switchConfig('get_config_reply'),
    encode: encodeSwitchConfig,
  },
  set_config: {
    code: 9,
    name: 'OFPT_SET_CONFIG',
    min: 12,
    exact: true,
    decode: switchConfig('set_config'),
    encode: encodeSwitchConfig,
  },
  packet_in: {
    code: 10,
    name: 'OFPT_PACKET_IN',
    min: 34,
    exact: false,
    decode: async.decodePacketIn,
    encode: async.encodePacketIn,
  },
  flow_removed: {
    code: 11,
    name: 'OFPT_FLOW_REMOVED',
    min: 56,
    exact: false,
    decode: async.decodeFlowRemoved,
    encode: async.encodeFlowRemoved,
  },
  port_status: {
    code: 12,
    name: 'OFPT_PORT_STATUS',
    min: 80,
    exact: true,
    decode: async.decodePortStatus,
    encode: async.encodePortStatus,
  },
  packet_out: {
    code: 13,
    name: 'OFPT_PACKET_OUT',
    min: 24,
    exact: false,
    decode: cmd.decodePacketOut,
    encode: cmd.encodePacketOut,
  },
  flow_mod: {
    code: 14,
    name: 'OFPT_FLOW_MOD',
    min: 56,
    exact: false,
    decode: cmd.decodeFlowMod,
    encode: cmd.encodeFlowMod,
  },
  group_mod: {
    code: 15,
    name: 'OFPT_GROUP_MOD',
    min: 16,
    exact: false,
    decode: cmd.decodeGroupMod,
    encode: cmd.encodeGroupMod,
  },
  port_mod: {
    code: 16,
    name: 'OFPT_PORT_MOD',
    min: 40,
    exact: true,
    decode: cmd.decodePortMod,
    encode: cmd.encodePortMod,
  },
  table_mod: {
    code: 17,
    name: 'OFPT_TABLE_MOD',
    min: 16,
    exact: true,
    decode: cmd.decodeTableMod,
    encode: cmd.encodeTableMod,
  },
  multipart_request: {
    code: 18,
    name: 'OFPT_MULTIPART_REQUEST',
    min: 16,
    exact: false,
    decode: mpreq.decodeMultipartRequest,
    encode: mpreq.encodeMultipartRequest,
  },
  multipart_reply: {
    code: 19,
    name: 'OFPT_MULTIPART_REPLY',
    min: 16,
    exact: false,
    decode: mpreply.decodeMultipartReply,
    encode: mpreply.encodeMultipartReply,
  },
  barrier_request: {
    code: 20,
    name: 'OFPT_BARRIER_REQUEST',
    min: 8,
    exact: true,
    decode: empty('barrier_request'),
    encode: none,
  },
  barrier_reply: {
    code: 21,
    name: 'OFPT_BARRIER_REPLY',
    min: 8,
    exact: true,
    decode: empty('barrier_reply'),
    encode: none,
  },
  queue_get_config_request: {
    code: 22,
    name: 'OFPT_QUEUE_GET_CONFIG_REQUEST',
    min: 16,
    exact: true,
    decode: qc.decodeQueueGetConfigRequest,
    encode: qc.encodeQueueGetConfigRequest,
  },
  queue_get_config_reply: {
    code: 23,
    name: 'OFPT_QUEUE_GET_CONFIG_REPLY',
    min: 16,
    exact: false,
    decode: qc.decodeQueueGetConfigReply,
    encode: qc.encodeQueueGetConfigReply,
  },
  role_request: {
    code: 24,
    name: 'OFPT_ROLE_REQUEST',
    min: 24,
    exact: true,
    decode: (r, x) => basic.decodeRole(r, x, 'role_request'),
    encode: basic.encodeRole,
  },
  role_reply: {
    code: 25,
    name: 'OFPT_ROLE_REPLY',
    min: 24,
    exact: true,
    decode: (r, x) => basic.decodeRole(r, x, 'role_reply'),
    encode: basic.encodeRole,
  },
  get_async_request: {
    code: 26,
    name: 'OFPT_GET_ASYNC_REQUEST',
    min: 8,
    exact: true,
    decode: empty('get_async_request'),
    encode: none,
  },
  get_async_reply: {
    code: 27,
    name: 'OFPT_GET_ASYNC_REPLY',
    min: 32,
    exact: true,
    decode: (r, x) => basic.decodeAsync(r, x, 'get_async_reply'),
    encode: basic.encodeAsync,
  },
  set_async: {
    code: 28,
    name: 'OFPT_SET_ASYNC',
    min: 32,
    exact: true,
    decode: (r, x) => basic.decodeAsync(r, x, 'set_async'),
    encode: basic.encodeAsync,
  },
  meter_mod: {
    code: 29,
    name: 'OFPT_METER_MOD',
    min: 16,
    exact: false,
    decode: cmd.decodeMeterMod,
    encode: cmd.encodeMeterMod,
  },
};

type AnyEntry = Entry<MessageType> & { readonly type: MessageType };
const BY_CODE: (AnyEntry | undefined)[] = [];
for (const [type, e] of Object.entries(REGISTRY) as [MessageType, Entry<MessageType>][]) {
  BY_CODE[e.code] = { ...e, type };
}

/** The wire type number of a message type. */
export function messageCode(type: MessageType): number {
  return REGISTRY[type].code;
}

/** The spec name (OFPT_...) of a wire type number, or undefined. */
export function messageName(code: number): string | undefined {
  return BY_CODE[code]?.name;
}

export function messageTypeOf(code: number): MessageType | undefined {
  return BY_CODE[code]?.type;
}

/**
 * Decodes one whole message (header included) from buf[start, start+length).
 * Never throws: malformed input comes back as the OpenFlow error to send the peer.
 */
export function decodeMessage(buf: Buffer, start = 0, end = buf.length): Result<Message> {
  try {
    return { ok: true, value: decodeOrThrow(buf, start, end) };
  } catch (e) {
    if (e instanceof OfpDecodeError) return { ok: false, error: e.toValue() };
    // A RangeError from Buffer or any other surprise is still malformed input.
    return {
      ok: false,
      error: ofpError(OFPERR.OFPBRC_BAD_LEN, `malformed message: ${(e as Error).message}`),
    };
  }
}

function decodeOrThrow(buf: Buffer, start: number, end: number): Message {
  if (end - start < OFP_HEADER_LEN)
    fail(OFPERR.OFPBRC_BAD_LEN, `message of ${end - start} bytes is shorter than the header`);
  const version = buf[start]!;
  const code = buf[start + 1]!;
  const length = buf.readUInt16BE(start + 2);
  const xid = buf.readUInt32BE(start + 4);
  if (length !== end - start)
    fail(OFPERR.OFPBRC_BAD_LEN, `header says ${length} bytes, message has ${end - start}`);
  const e = BY_CODE[code];
  if (code !== 0 && version !== OFP_VERSION) {
    fail(OFPERR.OFPBRC_BAD_VERSION, `version 0x${version.toString(16)} is not OpenFlow 1.3 (0x04)`);
  }
  if (!e) return fail(OFPERR.OFPBRC_BAD_TYPE, `unknown message type ${code}`);
  if (length < e.min || (e.exact && length !== e.min)) {
    fail(
      OFPERR.OFPBRC_BAD_LEN,
      `${e.name} of ${length} bytes, expected ${e.exact ? '' : 'at least '}${e.min}`,
    );
  }
  const r = new Reader(buf, start + OFP_HEADER_LEN, end);
  const m = e.decode(r, xid, version);
  if (r.remaining !== 0) fail(OFPERR.OFPBRC_BAD_LEN, `${e.name} has ${r.remaining} trailing bytes`);
  return m;
}

/** Appends one encoded message to `w`; every length and pad is computed here. */
export function encodeInto(w: Writer, m: Message): void {
  const e = REGISTRY[m.type] as Entry<MessageType>;
  const start = w.pos;
  w.ensure(OFP_HEADER_LEN);
  const b = w.buf;
  b[start] = m.type === 'hello' ? m.version : OFP_VERSION;
  b[start + 1] = e.code;
  putU32(b, start + 4, m.xid);
  w.pos = start + OFP_HEADER_LEN;
  e.encode(w, m);
  const len = w.pos - start;
  if (len > 0xffff) throw new RangeError(`${e.name} of ${len} bytes exceeds 65535`);
  w.patchU16(start + 2, len);
}

/**
 * encodeMessage writes each message straight into the unused tail of a slab and returns
 * that slice: no copy, and no later call writes those bytes again (the slab is dropped
 * for a fresh one once less than a maximum-size message fits), the scheme Node uses for
 * small Buffers. A kept message keeps its slab alive, as a pooled Buffer does.
 */
const SLAB_BYTES = 256 * 1024;
let slab = new Writer(SLAB_BYTES);

/** Encodes one message to a Buffer of its own. */
export function encodeMessage(m: Message): Buffer {
  if (slab.buf.length - slab.pos <= 0xffff) slab = new Writer(SLAB_BYTES);
  const start = slab.pos;
  try {
    encodeInto(slab, m);
  } catch (e) {
    slab.pos = start;
    throw e;
  }
  return slab.buf.subarray(start, slab.pos);
}
