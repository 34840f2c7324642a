/**
 * The match-to-key conversion (match-key.ts) against the BigInt reference over
 * random OXM matches: every field, with and without masks, values given as numbers or
 * as bigints (the fast and the general path), fields that collide on shared bits, and
 * other OXM classes. One MatchKey reused across a sequence of matches must give what a
 * fresh conversion gives (it clears only the words it set), and list exactly the
 * non-zero mask words.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Match, OXM_FIELDS, type OxmEntry } from '../../src/codec/index.js';
import { isFlowMatch, MatchKey, toFlowMatch } from '../../src/engine/flow-key.js';
import { type ReferenceKey, referenceKey } from './key-reference.js';

function converted(key: MatchKey, error: { type: number; code: number } | undefined): ReferenceKey {
  if (error) return { error: [error.type, error.code] };
  return { value: [...key.value], mask: [...key.mask] };
}

/** A value of `bytes` bytes, sometimes with high bits beyond the field's significant ones. */
const wide = (bytes: number) =>
  fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << BigInt(bytes * 8)) - 1n }),
    fc.constantFrom(0n, 1n, (1n << BigInt(bytes * 8)) - 1n),
  );

/** Any basic field, value and mask as the codec gives them or in the other representation. */
const entry: fc.Arbitrary<OxmEntry> = fc
  .record({
    info: fc.constantFrom(...OXM_FIELDS),
    masked: fc.boolean(),
    swapValue: fc.integer({ min: 0, max: 9 }),
    swapMask: fc.integer({ min: 0, max: 9 }),
    negative: fc.integer({ min: 0, max: 29 }),
  })
  .chain(({ info, masked, swapValue, swapMask, negative }) =>
    fc.tuple(wide(info.bytes), wide(info.bytes)).map(([v, m]): OxmEntry => {
      // Numbers for small fields and bigints for big ones, except one time in ten.
      const asCodec = (x: bigint, swap: number) =>
        (info.big ? swap === 0 && x <= BigInt(Number.MAX_SAFE_INTEGER) : swap !== 0)
          ? Number(x)
          : x;
      const value = negative === 0 && !info.big ? -1 : asCodec(v, swapValue);
      return masked
        ? { field: info.name, value, mask: asCodec(m, swapMask) }
        : { field: info.name, value };
    }),
  );

const raw: fc.Arbitrary<OxmEntry> = fc.record({
  field: fc.constant('raw' as const),
  oxmClass: fc.constantFrom(0x0001, 0xffff),
  oxmField: fc.integer({ min: 0, max: 127 }),
  hasMask: fc.constant(false),
  payload: fc.constant(new Uint8Array(4)),
});

const match: fc.Arbitrary<Match> = fc.array(
  fc.oneof({ arbitrary: entry, weight: 20 }, { arbitrary: raw, weight: 1 }),
  { maxLength: 6 },
);

describe('MatchKey', () => {
  test('converts like the BigInt reference, also when one key is reused', () => {
    fc.assert(
      fc.property(fc.array(match, { minLength: 1, maxLength: 8 }), (matches) => {
        const key = new MatchKey();
        for (const m of matches) {
          const want = referenceKey(m);
          const error = key.set(m);
          expect(
            converted(key, error),
            JSON.stringify(m, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)),
          ).toEqual(want);
          const fresh = toFlowMatch(m);
          expect(
            isFlowMatch(fresh)
              ? { value: [...fresh.value], mask: [...fresh.mask] }
              : {
                  error: [fresh.type, fresh.code],
                },
          ).toEqual(want);
          if (error) continue;
          const listed = [...key.words.subarray(0, key.n)].sort((a, b) => a - b);
          const nonZero = [...key.mask.keys()].filter((i) => key.mask[i] !== 0);
          expect(listed).toEqual(nonZero);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a learning-switch match takes four key words; clear() empties the key', () => {
    const key = new MatchKey();
    expect(
      key.set([
        { field: 'in_port', value: 7 },
        { field: 'eth_src', value: 0x0200_0000_0001 },
        { field: 'eth_dst', value: 0xffff_0000_0002 },
      ]),
    ).toBeUndefined();
    expect(key.n).toBe(4);
    expect(key.value.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    key.clear();
    expect(key.n).toBe(0);
    expect([...key.value, ...key.mask].every((w) => w === 0)).toBe(true);
  });
});
