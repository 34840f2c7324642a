/**
 * Value syntax shared by every ovs-ofctl text form: integers (decimal or 0x-hex, as C's
 * strtoull), Ethernet addresses, IPv4 and IPv6 addresses with masks or prefixes, and the
 * printing rules Open vSwitch uses for each (`%#x`, ETH_ADDR_FMT, inet_ntop, CIDR when the
 * mask is a prefix). Parse errors are TextError, whose message is what ovs-ofctl prints
 * after "ovs-ofctl: ".
 */

/** A bad word in ovs-ofctl text; the message names the word and says what is wrong. */
export class TextError extends Error {
  override readonly name = 'TextError';
}

export function fail(message: string): never {
  throw new TextError(message);
}

/** C's `%#x` (and OVS's ds_put_hex of an integer): 0 is "0", anything else "0x...". */
export function hex(v: number | bigint): string {
  return v === 0 || v === 0n ? '0' : `0x${v.toString(16)}`;
}

/** Zero-padded hex without a prefix. */
export function hexPad(v: number | bigint, digits: number): string {
  return v.toString(16).padStart(digits, '0');
}

const DEC = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** An unsigned integer in decimal or 0x-hex, or undefined when `s` is not one. */
export function parseUintOrUndef(s: string): bigint | undefined {
  if (DEC.test(s) || HEX.test(s)) return BigInt(s);
  return undefined;
}

/** C's strtoul with base 0: 0x-hex, 0-octal or decimal; undefined if not a number. */
export function parseCIntOrUndef(s: string): bigint | undefined {
  if (HEX.test(s)) return BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt(`0o${s.slice(1)}`);
  if (DEC.test(s)) return BigInt(s);
  return undefined;
}

/** OVS's str_to_u32/u64: "missing required numeric argument", "invalid numeric format X". */
export function parseNumeric(s: string, bits: number): bigint {
  if (s === '') fail('missing required numeric argument');
  const v = parseCIntOrUndef(s);
  if (v === undefined || v >= 1n << BigInt(bits)) fail(`invalid numeric format ${s}`);
  return v;
}

/** OVS's str_to_u8/u16: `invalid NAME "S"`. */
export function parseSmall(s: string, bits: number, name: string): number {
  const v = parseCIntOrUndef(s);
  if (v === undefined || v >= 1n << BigInt(bits)) fail(`invalid ${name} "${s}"`);
  return Number(v);
}

// --- Ethernet ---------------------------------------------------------------

const MAC =
  /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})$/;

export function parseMacOrUndef(s: string): number | undefined {
  const m = MAC.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + Number.parseInt(m[i]!, 16);
  return v;
}

import { formatIpv4, formatMac } from '../codec/addresses.js';

export { formatIpv4, formatMac };

export const MAC_ALL = 0xffffffffffff;

/** `xx:xx:xx:xx:xx:xx[/mask]`, the mask omitted when exact. */
export function formatMacMasked(v: number, mask: number): string {
  return mask === MAC_ALL ? formatMac(v) : `${formatMac(v)}/${formatMac(mask)}`;
}

// --- IPv4 ---------------------------------------------------------------------

const IPV4 = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/;

export function parseIpv4OrUndef(s: string): number | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    v = v * 256 + octet;
  }
  return v;
}

/** Number of leading one bits when `mask` is a prefix mask, else -1. */
export function prefixLen32(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return 32 - (inv === 0 ? 0 : Math.log2(inv + 1));
}

export function prefixMask32(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** `a.b.c.d[/n or /m.m.m.m]` as OVS prints it (ip_format_masked). */
export function formatIpv4Masked(v: number, mask: number): string {
  if (mask === 0xffffffff) return formatIpv4(v);
  const n = prefixLen32(mask);
  return `${formatIpv4(v)}/${n >= 0 ? n : formatIpv4(mask)}`;
}

/** `a.b.c.d`, `a.b.c.d/n` or `a.b.c.d/m.m.m.m` (ip_parse_masked). */
export function parseIpv4Masked(s: string): { value: number; mask: number } {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const value = parseIpv4OrUndef(addr);
  if (value === undefined) fail(`${s}: invalid IP address`);
  if (slash < 0) return { value, mask: 0xffffffff };
  const m = s.slice(slash + 1);
  if (DEC.test(m)) {
    const bits = Number(m);
    if (bits > 32) fail(`${s}: IPv4 network prefix bits not between 0 and 32, inclusive`);
    return { value, mask: prefixMask32(bits) };
  }
  const mask = parseIpv4OrUndef(m);
  if (mask === undefined) fail(`${s}: invalid IP address`);
  return { value, mask };
}

// --- IPv6 ---------------------------------------------------------------------

export const IPV6_ALL = (1n << 128n) - 1n;

export function parseIpv6OrUndef(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  if (text.includes('.')) {
    // An embedded IPv4 address becomes its two 16-bit groups.
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIpv4OrUndef(text.slice(lastColon + 1));
    if (lastColon < 0 || v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const dbl = text.indexOf('::');
  let words: number[];
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = groups(text.slice(0, dbl));
    const rest = groups(text.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    const all = groups(text);
    if (!all) return undefined;
    words = all;
  }
  if (words.length !== 8) return undefined;
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** inet_ntop's text for an IPv6 address (glibc rules, IPv4-embedded forms included). */
export function formatIpv6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (cur.base < 0) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base >= 0) {
      if (best.base < 0 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base >= 0 && (best.base < 0 || cur.len > best.len)) best = cur;
  if (best.base >= 0 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += formatIpv4(Number(v & 0xffffffffn));
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ':';
  return out;
}

export function prefixLen128(mask: bigint): number {
  const inv = ~mask & IPV6_ALL;
  if ((inv & (inv + 1n)) !== 0n) return -1;
  return 128 - inv.toString(2).replace(/^0+/, '').length;
}

export function prefixMask128(bits: number): bigint {
  return bits === 0 ? 0n : (IPV6_ALL << BigInt(128 - bits)) & IPV6_ALL;
}

export function formatIpv6Masked(v: bigint, mask: bigint): string {
  if (mask === IPV6_ALL) return formatIpv6(v);
  const n = prefixLen128(mask);
  return `${formatIpv6(v)}/${n >= 0 ? n : formatIpv6(mask)}`;
}

export function parseIpv6Masked(s: string): { value: bigint; mask: bigint } {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const value = parseIpv6OrUndef(addr);
  if (value === undefined) fail(`${s}: invalid IPv6 address`);
  if (slash < 0) return { value, mask: IPV6_ALL };
  const m = s.slice(slash + 1);
  if (DEC.test(m)) {
    const bits = Number(m);
    if (bits > 128) fail(`${s}: IPv6 network prefix bits not between 0 and 128, inclusive`);
    return { value, mask: prefixMask128(bits) };
  }
  const mask = parseIpv6OrUndef(m);
  if (mask === undefined) fail(`${s}: invalid IPv6 address`);
  return { value, mask };
}

// --- misc -----------------------------------------------------------------------

/**
 * OVS's ofp_print_duration: whole seconds, then three decimals when the fraction is whole
 * milliseconds, else as many as the nanoseconds need ("1.010s", "0s", "600.0000005s").
 */
export function formatDuration(sec: number, nsec: number): string {
  if (nsec === 0) return `${sec}s`;
  if (nsec % 1_000_000 === 0) return `${sec}.${String(nsec / 1_000_000).padStart(3, '0')}s`;
  return `${sec}.${String(nsec).padStart(9, '0').replace(/0+$/, '')}s`;
}

/** Bytes of `b` as OVS's hex dump (ds_put_hex_dump): offset, 16 bytes, optional ASCII. */
export function hexDump(b: Uint8Array, ascii: boolean, startOffset = 0): string {
  let out = '';
  for (let off = 0; off < b.length; off += 16) {
    const row = b.subarray(off, off + 16);
    let line = `${hexPad(startOffset + off, 8)}  `;
    row.forEach((byte, i) => {
      line += `${hexPad(byte, 2)}${i === 7 ? '-' : ' '}`;
    });
    if (ascii) {
      line += '   '.repeat(16 - row.length);
      line += '|';
      for (const c of row) line += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
      line += `${' '.repeat(16 - row.length)}|`;
    } else {
      line = line.replace(/ $/, '');
    }
    out += `${line}\n`;
  }
  return out;
}
