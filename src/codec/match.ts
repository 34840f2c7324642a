/**
 * ofp_match (OpenFlow 1.3.5 section 7.2.3) and its OXM TLVs. Basic-class fields become
 * typed entries; fields of any other class (Open vSwitch's NXM classes 0x0000/0x0001,
 * experimenter 0xffff) and unknown basic fields are kept as raw TLVs that re-encode
 * byte for byte.
 */
import { fail, OFPERR } from './errors.js';
import {
  OXM_BY_CODE,
  OXM_BY_NAME,
  OXM_CLASS_OPENFLOW_BASIC,
  type OxmFieldInfo,
  type OxmName,
} from './oxm-fields.js';
import type { Reader } from './reader.js';
import { putU16, putU32, putUint, type Writer } from './writer.js';

export type OxmValue = number | bigint;

export interface OxmBasic {
  readonly field: OxmName;
  readonly value: OxmValue;
  readonly mask?: OxmValue | undefined;
}

/** An OXM TLV of a class this codec does not interpret; payload excludes the 4-byte header. */
export interface OxmRaw {
  readonly field: 'raw';
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly hasMask: boolean;
  readonly payload: Uint8Array;
}

export type OxmEntry = OxmBasic | OxmRaw;
export type Match = readonly OxmEntry[];

const OFPMT_OXM = 1;
const badMatchLen = (what: string): never =>
  fail(OFPERR.OFPBMC_BAD_LEN, `bad match length: ${what}`);

function readValue(r: Reader, info: OxmFieldInfo): OxmValue {
  switch (info.bytes) {
    case 1:
      return r.u8();
    case 2:
      return r.u16();
    case 3:
      return r.u24();
    case 4:
      return r.u32();
    case 6:
      return r.u48();
    case 8:
      return r.u64();
    default:
      return r.u128();
  }
}

export function writeValue(w: Writer, info: OxmFieldInfo, v: OxmValue): void {
  switch (info.bytes) {
    case 1:
      return w.u8(Number(v));
    case 2:
      return w.u16(Number(v));
    case 3:
      return w.u24(Number(v));
    case 4:
      return w.u32(Number(v));
    case 6:
      return w.u48(Number(v));
    case 8:
      return w.u64(BigInt(v));
    default:
      return w.u128(BigInt(v));
  }
}

/**
 * Fields OpenFlow 1.3 lists as not maskable that Open vSwitch matches, sends and dumps with
 * a mask (transport ports, IPv6 ND target and link-layer addresses); decoding keeps the mask.
 */
const OVS_MASKABLE: ReadonlySet<OxmName> = new Set<OxmName>([
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
  'sctp_src',
  'sctp_dst',
  'ipv6_nd_target',
  'ipv6_nd_sll',
  'ipv6_nd_tll',
]);

/** Reads one OXM TLV (header included). */
export function readOxm(r: Reader): OxmEntry {
  return readOxmBefore(r, r.end);
}

/** Reads one OXM TLV that must end by `end`, a position inside `r`. */
function readOxmBefore(r: Reader, end: number): OxmEntry {
  if (end - r.pos < 4) badMatchLen(`OXM header: need 4 bytes, have ${end - r.pos}`);
  const header = r.u32();
  const oxmClass = header >>> 16;
  const oxmField = (header >>> 9) & 0x7f;
  const hasMask = (header & 0x100) !== 0;
  const len = header & 0xff;
  if (end - r.pos < len) {
    badMatchLen(
      `OXM TLV class 0x${oxmClass.toString(16)} field ${oxmField} length ${len} past end`,
    );
  }
  const info = oxmClass === OXM_CLASS_OPENFLOW_BASIC ? OXM_BY_CODE[oxmField] : undefined;
  if (!info) {
    return { field: 'raw', oxmClass, oxmField, hasMask, payload: r.bytes(len) };
  }
  if (hasMask && !info.maskable && !OVS_MASKABLE.has(info.name)) {
    fail(OFPERR.OFPBMC_BAD_MASK, `field ${info.name} cannot be masked`);
  }
  if (len !== info.bytes * (hasMask ? 2 : 1)) {
    badMatchLen(`field ${info.name} has length ${len}, expected ${info.bytes * (hasMask ? 2 : 1)}`);
  }
  const value = readValue(r, info);
  if (!hasMask) return { field: info.name, value };
  return { field: info.name, value, mask: readValue(r, info) };
}

export function writeOxm(w: Writer, e: OxmEntry): void {
  if (e.field === 'raw') {
    w.u32(
      ((e.oxmClass << 16) | (e.oxmField << 9) | (e.hasMask ? 0x100 : 0) | e.payload.length) >>> 0,
    );
    w.bytes(e.payload);
    return;
  }
  const info = OXM_BY_NAME.get(e.field);
  if (!info) throw new TypeError(`unknown OXM field ${String(e.field)}`);
  const hasMask = e.mask !== undefined;
  const len = info.bytes * (hasMask ? 2 : 1);
  const header =
    ((OXM_CLASS_OPENFLOW_BASIC << 16) | (info.code << 9) | (hasMask ? 0x100 : 0) | len) >>> 0;
  if (!hasMask && !info.big) {
    // An exact match on a field of up to 48 bits: one bounds check for the whole TLV.
    w.ensure(4 + len);
    const b = w.buf;
    const p = w.pos;
    putU32(b, p, header);
    putUint(b, p + 4, len, Number(e.value));
    w.pos = p + 4 + len;
    return;
  }
  w.u32(header);
  writeValue(w, info, e.value);
  if (hasMask) writeValue(w, info, e.mask!);
}

/** Size on the wire of one OXM TLV, header included. */
export function oxmSize(e: OxmEntry): number {
  if (e.field === 'raw') return 4 + e.payload.length;
  const info = OXM_BY_NAME.get(e.field)!;
  return 4 + info.bytes * (e.mask !== undefined ? 2 : 1);
}

/** Reads an ofp_match, padding included; leaves r after the padding. */
export function readMatch(r: Reader): Match {
  r.need(4, 'ofp_match header');
  const type = r.u16();
  const length = r.u16();
  if (type !== OFPMT_OXM) fail(OFPERR.OFPBMC_BAD_TYPE, `match type ${type} is not OFPMT_OXM`);
  if (length < 4) badMatchLen(`ofp_match length ${length} < 4`);
  if (length - 4 > r.remaining) badMatchLen(`ofp_match length ${length} runs past the message`);
  const end = r.pos + length - 4;
  const fields: OxmEntry[] = [];
  // Basic field codes 0..39 seen so far, as two 32-bit sets (no BigInt on the hot path).
  let seenLo = 0;
  let seenHi = 0;
  const b = r.buf;
  while (r.pos < end) {
    const p = r.pos;
    const e = readOxmBefore(r, end);
    // A basic field: its number is the top 7 bits of the TLV's third byte.
    if (e.field !== 'raw') {
      const code = b[p + 2]! >>> 1;
      const bit = 1 << (code & 31);
      const seen = code < 32 ? seenLo : seenHi;
      if (seen & bit) fail(OFPERR.OFPBMC_DUP_FIELD, `field ${e.field} appears twice`);
      if (code < 32) seenLo |= bit;
      else seenHi |= bit;
    }
    fields.push(e);
  }
  r.skip(((length + 7) & ~7) - length);
  return fields;
}

export function writeMatch(w: Writer, m: Match): void {
  const start = w.pos;
  w.ensure(4);
  putU16(w.buf, start, OFPMT_OXM);
  w.pos = start + 4;
  for (let i = 0; i < m.length; i++) writeOxm(w, m[i]!);
  w.patchU16(start + 2, w.pos - start);
  w.padTo(start, 8);
}

/** Finds a basic field in a match. */
export function matchGet(m: Match, name: OxmName): OxmBasic | undefined {
  for (let i = 0; i < m.length; i++) {
    const e = m[i]!;
    if (e.field === name) return e as OxmBasic;
  }
  return undefined;
}
