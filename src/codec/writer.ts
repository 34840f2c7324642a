/**
 * A growable big-endian writer. Messages reserve their length fields and back-fill
 * them once the body is written, so no encoder computes a length by hand twice.
 * One Writer may hold many messages back to back (the runtime batches a whole
 * read's worth of replies into one socket write).
 */

export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }
  u24(v: number): void {
    this.ensure(3);
    this.buf.writeUIntBE(v & 0xffffff, this.pos, 3);
    this.pos += 3;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  u48(v: number): void {
    this.ensure(6);
    this.buf.writeUIntBE(v, this.pos, 6);
    this.pos += 6;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }
  u128(v: bigint): void {
    this.u64(BigInt.asUintN(64, v >> 64n));
    this.u64(BigInt.asUintN(64, v));
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A fixed-size NUL-padded string field; longer strings are cut to n-1 bytes. */
  str(s: string, n: number): void {
    this.ensure(n);
    const written = this.buf.write(s.slice(0, n - 1), this.pos, n - 1, 'latin1');
    this.buf.fill(0, this.pos + written, this.pos + n);
    this.pos += n;
  }
  /** Pads with zeros to the next multiple of `align` counted from `start`. */
  padTo(start: number, align: number): void {
    const rem = (this.pos - start) % align;
    if (rem) this.zeros(align - rem);
  }
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }
  /** A copy of everything written, safe to keep after the writer is reused. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
  /** A view of everything written (valid until the next write), and reset. */
  takeView(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }
}
