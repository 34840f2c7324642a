/**
 * Internet checksums (RFC 1071) with incremental update (RFC 1624), and CRC32c for
 * SCTP (RFC 4960 appendix B). Packet edits use the incremental form so a checksum that
 * was right stays right and one that was wrong stays wrong by the same amount, as in
 * Open vSwitch's packet rewriting.
 */

/** One's-complement sum of bytes [start, end) as 16-bit big-endian words, not folded. */
export function onesSum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}

export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum to store for data whose unfolded one's-complement sum is `sum`. */
export function finish(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** Adjusts the checksum at `csumAt` for covered data whose sum went from `before` to `after`. */
export function adjust(
  b: Uint8Array,
  csumAt: number,
  before: number,
  after: number,
  zeroMeansNone = false,
): void {
  if (csumAt + 1 >= b.length) return;
  const old = (b[csumAt]! << 8) | b[csumAt + 1]!;
  if (zeroMeansNone && old === 0) return;
  // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with the sums folded first.
  const sum = (~old & 0xffff) + (~fold(before) & 0xffff) + fold(after);
  let c = ~fold(sum) & 0xffff;
  if (zeroMeansNone && c === 0) c = 0xffff;
  b[csumAt] = c >> 8;
  b[csumAt + 1] = c & 0xff;
}

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32c of bytes [start, end), as SCTP stores it (RFC 4960 appendix B). */
export function crc32c(b: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC32C[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** SCTP's checksum field holds the CRC little-endian-first as the RFC's sample code does. */
export function sctpChecksum(b: Uint8Array, off: number, end: number): number {
  const saved = b.slice(off + 8, off + 12);
  b.fill(0, off + 8, off + 12);
  const c = crc32c(b, off, end);
  b.set(saved, off + 8);
  return c;
}

export function readSctpChecksum(b: Uint8Array, off: number): number {
  return (b[off + 8]! | (b[off + 9]! << 8) | (b[off + 10]! << 16) | (b[off + 11]! << 24)) >>> 0;
}

export function writeSctpChecksum(b: Uint8Array, off: number, c: number): void {
  b[off + 8] = c & 0xff;
  b[off + 9] = (c >>> 8) & 0xff;
  b[off + 10] = (c >>> 16) & 0xff;
  b[off + 11] = (c >>> 24) & 0xff;
}
