/**
 * A bounds-checked big-endian reader over a Buffer slice. Every read checks the
 * remaining length first and raises the caller's chosen OpenFlow error (BAD_LEN by
 * default) instead of reading past the end; the codec boundary turns that into a value.
 */
import { badRequestLen } from './errors.js';

export type LengthError = (what: string) => never;

export class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
    private readonly onShort: LengthError = badRequestLen,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      this.onShort(`${what}: need ${n} bytes, have ${this.end - this.pos}`);
    }
  }

  /** A sub-reader over the next n bytes, consuming them here. */
  sub(n: number, what: string, onShort: LengthError = this.onShort): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n, onShort);
    this.pos += n;
    return r;
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2, 'u16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3, 'u24');
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4, 'u32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** 48-bit unsigned (MAC addresses) as a safe integer. */
  u48(): number {
    this.need(6, 'u48');
    const v = this.buf.readUIntBE(this.pos, 6);
    this.pos += 6;
    return v;
  }
  u64(): bigint {
    this.need(8, 'u64');
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  u128(): bigint {
    const hi = this.u64();
    return (hi << 64n) | this.u64();
  }
  skip(n: number): void {
    this.need(n, 'padding');
    this.pos += n;
  }
  /** The next n bytes as a view (no copy) into the input. */
  bytes(n: number): Buffer {
    this.need(n, 'bytes');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  rest(): Buffer {
    return this.bytes(this.end - this.pos);
  }
  /** A fixed-size NUL-padded string field. */
  str(n: number): string {
    const b = this.bytes(n);
    const z = b.indexOf(0);
    return b.toString('latin1', 0, z < 0 ? n : z);
  }
}
