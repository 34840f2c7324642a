/**
 * A Buffer that counts the reads made from it, so a test can show a decoder's work is
 * bounded by its input's size (it cannot loop forever) without measuring time. Every
 * decoding loop reads at least one field per turn; past the budget, a read throws and
 * the overrun is remembered even if the decoder swallows the throw.
 */

const READS = [
  'readUInt8',
  'readUInt16BE',
  'readUInt32BE',
  'readUIntBE',
  'readBigUInt64BE',
  'subarray',
  'indexOf',
  'toString',
] as const;

export interface BoundedBuffer {
  readonly buf: Buffer;
  /** Reads made so far. */
  readonly reads: () => number;
  /** True once the budget was exceeded. */
  readonly overran: () => boolean;
}

export function boundedBuffer(bytes: Uint8Array, budget: number): BoundedBuffer {
  let reads = 0;
  let overran = false;
  const proto = Object.create(Buffer.prototype) as Record<string, unknown>;
  for (const name of READS) {
    const original = (Buffer.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
      name
    ]!;
    proto[name] = function (this: Buffer, ...args: unknown[]) {
      if (++reads > budget) {
        overran = true;
        throw new Error(`read budget of ${budget} exceeded`);
      }
      return original.apply(this, args);
    };
  }
  const buf = Buffer.from(bytes);
  Object.setPrototypeOf(buf, proto);
  return { buf, reads: () => reads, overran: () => overran };
}
