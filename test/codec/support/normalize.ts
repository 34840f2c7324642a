/** Byte arrays as hex, so a Buffer view and a Uint8Array with equal bytes compare equal. */
export function normalize(x: unknown): unknown {
  if (x instanceof Uint8Array) return { bytes: Buffer.from(x).toString('hex') };
  if (Array.isArray(x)) return x.map(normalize);
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalize(v)]));
  }
  return x;
}
