/**
 * A PACKET_IN read in place: the controller's hot path (OpenFlow 1.3.5 section 7.4.1).
 *
 * readPacketIn() checks a received PACKET_IN without building anything: header, the
 * match's TLV structure, the padding. It accepts only what decodeMessage() would accept
 * and decode the same way, and returns undefined for anything less common (a masked
 * or duplicated field, a bad length, a short message...), so that the caller falls
 * back to decodeMessage(), which decodes or names the error as before. A view costs one
 * small object: the scalar fields are read at once, while `cookie` (a bigint), `match`
 * (an array of entries) and `data` (a Buffer view) are made on first read and kept.
 * `inPort` comes from the scan, so an app that only needs the ingress port never
 * builds the match.
 *
 * The view keeps a reference to the received bytes, which are never reused: like a
 * decoded PacketIn's `data`, it stays valid. It is a class with getters, so a spread
 * copy (`{ ...view }`) lacks cookie, match and data: read the fields instead.
 */
import { type Match, matchGet, readMatch } from '../match.js';
import { OXM_BY_CODE, OXM_CLASS_OPENFLOW_BASIC } from '../oxm-fields.js';
import { Reader } from '../reader.js';
import type { PacketIn } from './async.js';

const OFP_VERSION = 4;
const OFPT_PACKET_IN = 10;
const OFPMT_OXM = 1;
/** Header, buffer_id, total_len, reason, table_id, cookie: the match starts here. */
const MATCH_AT = 24;
/** The registry's minimum: header, fixed fields, an empty match padded to 8, 2 pad bytes. */
const MIN_LEN = 34;
const OXM_IN_PORT = 0;

const U64_MAX = 0xffff_ffff_ffff_ffffn;
// The last cookie made, so that a stream of packet-ins from the same flow builds one
// bigint (a pure function's cache: whoever asks gets the same value).
let lastHi = -1;
let lastLo = -1;
let lastCookie = 0n;

/** The 64-bit value of two 32-bit halves, without BigInt work when it repeats. */
function u64Of(hi: number, lo: number): bigint {
  if (hi === lastHi && lo === lastLo) return lastCookie;
  const v =
    hi === 0
      ? BigInt(lo)
      : hi === 0xffffffff && lo === 0xffffffff
        ? U64_MAX
        : (BigInt(hi) << 32n) | BigInt(lo);
  lastHi = hi;
  lastLo = lo;
  lastCookie = v;
  return v;
}

const u32At = (b: Buffer, p: number) =>
  b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);

export class PacketInView implements PacketIn {
  readonly type = 'packet_in' as const;
  readonly xid: number;
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: number;
  readonly tableId: number;
  #cookie: bigint | undefined;
  #match: Match | undefined;
  #data: Buffer | undefined;

  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly dataStart: number,
    private readonly end: number,
    /** The match's in_port, or undefined when the match has none. */
    readonly inPort: number | undefined,
  ) {
    this.xid = u32At(buf, start + 4);
    this.bufferId = u32At(buf, start + 8);
    this.totalLen = (buf[start + 12]! << 8) | buf[start + 13]!;
    this.reason = buf[start + 14]!;
    this.tableId = buf[start + 15]!;
  }

  get cookie(): bigint {
    this.#cookie ??= u64Of(u32At(this.buf, this.start + 16), u32At(this.buf, this.start + 20));
    return this.#cookie;
  }

  get match(): Match {
    this.#match ??= readMatch(new Reader(this.buf, this.start + MATCH_AT, this.end));
    return this.#match;
  }

  get data(): Buffer {
    this.#data ??= this.buf.subarray(this.dataStart, this.end);
    return this.#data;
  }
}

/**
 * buf[start, end) as a PacketInView when it is a well-formed PACKET_IN of the common
 * kind (see the top of the file); undefined sends the caller to decodeMessage().
 */
export function readPacketIn(buf: Buffer, start: number, end: number): PacketInView | undefined {
  const len = end - start;
  if (len < MIN_LEN || buf[start] !== OFP_VERSION || buf[start + 1] !== OFPT_PACKET_IN) {
    return undefined;
  }
  if (((buf[start + 2]! << 8) | buf[start + 3]!) !== len) return undefined;
  const m = start + MATCH_AT;
  if (((buf[m]! << 8) | buf[m + 1]!) !== OFPMT_OXM) return undefined;
  const matchLen = (buf[m + 2]! << 8) | buf[m + 3]!;
  // The match, its padding to 8 and the 2 pad bytes must fit before `end`.
  const dataStart = m + ((matchLen + 7) & ~7) + 2;
  if (matchLen < 4 || dataStart > end) return undefined;
  const tlvEnd = m + matchLen;
  let inPort: number | undefined;
  let seenLo = 0;
  let seenHi = 0;
  for (let p = m + 4; p < tlvEnd; ) {
    if (tlvEnd - p < 4) return undefined;
    const cls = (buf[p]! << 8) | buf[p + 1]!;
    const field = buf[p + 2]! >>> 1;
    const hasMask = (buf[p + 2]! & 1) !== 0;
    const tlvLen = buf[p + 3]!;
    if (tlvEnd - p - 4 < tlvLen) return undefined;
    if (cls === OXM_CLASS_OPENFLOW_BASIC) {
      const info = OXM_BY_CODE[field];
      if (info !== undefined) {
        if (hasMask || tlvLen !== info.bytes) return undefined;
        const bit = 1 << (field & 31);
        if (field < 32) {
          if (seenLo & bit) return undefined;
          seenLo |= bit;
        } else {
          if (seenHi & bit) return undefined;
          seenHi |= bit;
        }
        if (field === OXM_IN_PORT) inPort = u32At(buf, p + 4);
      }
    }
    p += 4 + tlvLen;
  }
  return new PacketInView(buf, start, dataStart, end, inPort);
}

/** The ingress port of any PacketIn: from the scan for a view, else from its match. */
export function packetInPort(m: PacketIn): number | undefined {
  if (m instanceof PacketInView) return m.inPort;
  return matchGet(m.match, 'in_port')?.value as number | undefined;
}
