/**
 * Small fixed-layout messages (OpenFlow 1.3.5 sections 7.1, 7.3.1-7.3.2, 7.3.9-7.3.10,
 * 7.5): HELLO, ERROR, ECHO, EXPERIMENTER, FEATURES, switch config, ROLE, async config,
 * BARRIER.
 */
import type { ErrorId } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export type HelloElement =
  | { readonly type: 'versionbitmap'; readonly bitmaps: readonly number[] }
  | { readonly type: 'unknown'; readonly elementType: number; readonly data: Uint8Array };

export interface Hello {
  readonly type: 'hello';
  readonly xid: number;
  /** The header's version byte: the highest version the sender supports. */
  readonly version: number;
  readonly elements: readonly HelloElement[];
}

export function decodeHello(r: Reader, xid: number, version: number): Hello {
  const elements: HelloElement[] = [];
  // Section 7.5.1: elements the receiver does not understand are ignored, and a
  // truncated trailing element does not make the HELLO itself invalid.
  while (r.remaining >= 4) {
    const start = r.pos;
    const elementType = r.u16();
    const len = r.u16();
    if (len < 4 || len > r.end - start) break;
    const body = r.sub(len - 4, 'hello element');
    if (elementType === 1 && (len - 4) % 4 === 0) {
      const bitmaps: number[] = [];
      while (body.remaining >= 4) bitmaps.push(body.u32());
      elements.push({ type: 'versionbitmap', bitmaps });
    } else {
      elements.push({ type: 'unknown', elementType, data: body.rest() });
    }
    const padded = start + ((len + 7) & ~7);
    r.pos = Math.min(padded, r.end);
  }
  // Whatever is left is a truncated element or stray bytes: ignored, as said above.
  r.pos = r.end;
  return { type: 'hello', xid, version, elements };
}

export function encodeHello(w: Writer, m: Hello): void {
  for (const e of m.elements) {
    const start = w.pos;
    if (e.type === 'versionbitmap') {
      w.u16(1);
      w.u16(4 + 4 * e.bitmaps.length);
      for (const b of e.bitmaps) w.u32(b);
    } else {
      w.u16(e.elementType);
      w.u16(4 + e.data.length);
      w.bytes(e.data);
    }
    w.padTo(start, 8);
  }
}

/** True when a HELLO advertises `version` (bitmap if present, else the header version). */
export function helloSupports(h: Hello, version: number): boolean {
  const bm = h.elements.find((e) => e.type === 'versionbitmap');
  if (bm && bm.type === 'versionbitmap') {
    const word = bm.bitmaps[version >> 5];
    return word !== undefined && ((word >>> (version & 31)) & 1) === 1;
  }
  return h.version >= version;
}

export interface ErrorMsg {
  readonly type: 'error';
  readonly xid: number;
  readonly errType: number;
  readonly code: number;
  /** For OFPET_EXPERIMENTER: the experimenter ID (and `code` holds exp_type). */
  readonly experimenter?: number | undefined;
  readonly data: Uint8Array;
}

export function decodeError(r: Reader, xid: number): ErrorMsg {
  const errType = r.u16();
  const code = r.u16();
  if (errType === 0xffff) {
    return { type: 'error', xid, errType, code, experimenter: r.u32(), data: r.rest() };
  }
  return { type: 'error', xid, errType, code, data: r.rest() };
}

/**
 * The OFPT_ERROR answering a failed request: the request's xid, and its first 64 bytes
 * as data (section 7.4.4 asks for at least 64; Open vSwitch sends exactly that).
 */
export function errorReply(err: ErrorId, request: Uint8Array): ErrorMsg {
  const xid =
    request.length >= 8 ? Buffer.from(request.buffer, request.byteOffset).readUInt32BE(4) : 0;
  const data = Uint8Array.from(request.subarray(0, 64));
  if (err.type === 0xffff) {
    return {
      type: 'error',
      xid,
      errType: err.type,
      code: err.code,
      experimenter: err.experimenter ?? 0,
      data,
    };
  }
  return { type: 'error', xid, errType: err.type, code: err.code, data };
}

export function encodeError(w: Writer, m: ErrorMsg): void {
  w.u16(m.errType);
  w.u16(m.code);
  if (m.errType === 0xffff) w.u32(m.experimenter ?? 0);
  w.bytes(m.data);
}

interface EchoOf<T extends 'echo_request' | 'echo_reply'> {
  readonly type: T;
  readonly xid: number;
  readonly data: Uint8Array;
}
export type EchoRequest = EchoOf<'echo_request'>;
export type EchoReply = EchoOf<'echo_reply'>;
export type Echo = EchoRequest | EchoReply;

export interface Experimenter {
  readonly type: 'experimenter';
  readonly xid: number;
  readonly experimenter: number;
  readonly expType: number;
  readonly data: Uint8Array;
}

export function decodeExperimenter(r: Reader, xid: number): Experimenter {
  return { type: 'experimenter', xid, experimenter: r.u32(), expType: r.u32(), data: r.rest() };
}

export function encodeExperimenter(w: Writer, m: Experimenter): void {
  w.u32(m.experimenter);
  w.u32(m.expType);
  w.bytes(m.data);
}

export type EmptyType =
  | 'features_request'
  | 'get_config_request'
  | 'barrier_request'
  | 'barrier_reply'
  | 'get_async_request';
interface EmptyOf<T extends EmptyType> {
  readonly type: T;
  readonly xid: number;
}
/** Messages with no body. */
export type Empty = { [T in EmptyType]: EmptyOf<T> }[EmptyType];

export interface FeaturesReply {
  readonly type: 'features_reply';
  readonly xid: number;
  readonly datapathId: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly auxiliaryId: number;
  readonly capabilities: number;
  readonly reserved: number;
}

export function decodeFeaturesReply(r: Reader, xid: number): FeaturesReply {
  const datapathId = r.u64();
  const nBuffers = r.u32();
  const nTables = r.u8();
  const auxiliaryId = r.u8();
  r.skip(2);
  return {
    type: 'features_reply',
    xid,
    datapathId,
    nBuffers,
    nTables,
    auxiliaryId,
    capabilities: r.u32(),
    reserved: r.u32(),
  };
}

export function encodeFeaturesReply(w: Writer, m: FeaturesReply): void {
  w.u64(m.datapathId);
  w.u32(m.nBuffers);
  w.u8(m.nTables);
  w.u8(m.auxiliaryId);
  w.zeros(2);
  w.u32(m.capabilities);
  w.u32(m.reserved);
}

export type SwitchConfig = SwitchConfigOf<'get_config_reply'> | SwitchConfigOf<'set_config'>;
interface SwitchConfigOf<T extends 'get_config_reply' | 'set_config'> {
  readonly type: T;
  readonly xid: number;
  readonly flags: number;
  readonly missSendLen: number;
}

export type Role = RoleOf<'role_request'> | RoleOf<'role_reply'>;
interface RoleOf<T extends 'role_request' | 'role_reply'> {
  readonly type: T;
  readonly xid: number;
  readonly role: number;
  readonly generationId: bigint;
}

export function decodeRole<T extends Role['type']>(r: Reader, xid: number, type: T): RoleOf<T> {
  const role = r.u32();
  r.skip(4);
  return { type, xid, role, generationId: r.u64() };
}

export function encodeRole(w: Writer, m: Role): void {
  w.u32(m.role);
  w.zeros(4);
  w.u64(m.generationId);
}

/** Async config masks: index 0 is master/equal, 1 is slave. */
export type AsyncConfig = AsyncConfigOf<'get_async_reply'> | AsyncConfigOf<'set_async'>;
interface AsyncConfigOf<T extends 'get_async_reply' | 'set_async'> {
  readonly type: T;
  readonly xid: number;
  readonly packetInMask: readonly [number, number];
  readonly portStatusMask: readonly [number, number];
  readonly flowRemovedMask: readonly [number, number];
}

export function decodeAsync<T extends AsyncConfig['type']>(
  r: Reader,
  xid: number,
  type: T,
): AsyncConfigOf<T> {
  return {
    type,
    xid,
    packetInMask: [r.u32(), r.u32()],
    portStatusMask: [r.u32(), r.u32()],
    flowRemovedMask: [r.u32(), r.u32()],
  };
}

export function encodeAsync(w: Writer, m: AsyncConfig): void {
  for (const pair of [m.packetInMask, m.portStatusMask, m.flowRemovedMask]) {
    w.u32(pair[0]);
    w.u32(pair[1]);
  }
}
