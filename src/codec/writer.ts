/**
 * A growable big-endian writer. Messages reserve their length fields and back-fill
 * them once the body is written, so no encoder computes a length by hand twice.
 * One Writer may hold many messages back to back (the runtime batches a whole
 * read's worth of replies into one socket write).
 */

/**
 * Stores at a position the caller has made room for (Writer.ensure): for encoders that
 * write a fixed block with one bounds check instead of one per field.
 */
export function putU16(b: Buffer, p: number, v: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v;
}
export function putU32(b: Buffer, p: number, v: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}

/**
 * An unsigned field of 1 to 6 bytes at b[p], as Writer stores it: fields of up to 4
 * bytes keep the value's low bits; a 48-bit one out of range throws RangeError.
 */
export function putUint(b: Buffer, p: number, bytes: number, v: number): void {
  switch (bytes) {
    case 1:
      b[p] = v;
      return;
    case 2:
      putU16(b, p, v);
      return;
    case 3:
      b[p] = v >>> 16;
      putU16(b, p + 1, v);
      return;
    case 4:
      putU32(b, p, v);
      return;
    default:
      if (!(v >= 0 && v <= 0xffffffffffff)) throw new RangeError(`${v} is not a 48-bit unsigned`);
      putU16(b, p, Math.floor(v / 0x100000000));
      putU32(b, p + 2, v);
  }
}

export class Writer {
  buf: Buffer;
  pos = 0;
  /** Over `buf`, for 64-bit stores (a builtin, unlike Buffer's BigInt helpers). */
  private view: DataView;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for n more bytes (small enough to inline; growing is out of line). */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  // Stores go straight to the bytes: a Uint8Array keeps the low 8 bits of what it is
  // given, which is the truncation the protocol's fixed-width fields want.
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }
  u24(v: number): void {
    this.ensure(3);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 16;
    b[p + 1] = v >>> 8;
    b[p + 2] = v;
    this.pos = p + 3;
  }
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }
  /** 48-bit unsigned (a MAC address); throws RangeError outside 0..2^48-1. */
  u48(v: number): void {
    if (!(v >= 0 && v <= 0xffffffffffff)) throw new RangeError(`${v} is not a 48-bit unsigned`);
    this.ensure(6);
    const hi = Math.floor(v / 0x100000000);
    const b = this.buf;
    const p = this.pos;
    b[p] = hi >>> 8;
    b[p + 1] = hi;
    b[p + 2] = v >>> 24;
    b[p + 3] = v >>> 16;
    b[p + 4] = v >>> 8;
    b[p + 5] = v;
    this.pos = p + 6;
  }
  /** 64-bit unsigned; a negative or wider bigint is taken modulo 2^64. */
  u64(v: bigint): void {
    this.ensure(8);
    if (v === 0n) {
      // The common cookie mask: no BigInt work at all.
      const b = this.buf;
      const p = this.pos;
      b[p] = b[p + 1] = b[p + 2] = b[p + 3] = b[p + 4] = b[p + 5] = b[p + 6] = b[p + 7] = 0;
    } else {
      this.view.setBigUint64(this.pos, v);
    }
    this.pos += 8;
  }
  u128(v: bigint): void {
    this.u64(v >> 64n);
    this.u64(v);
  }
  zeros(n: number): void {
    this.ensure(n);
    const b = this.buf;
    const end = this.pos + n;
    if (n > 32) b.fill(0, this.pos, end);
    else for (let p = this.pos; p < end; p++) b[p] = 0;
    this.pos = end;
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
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
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
