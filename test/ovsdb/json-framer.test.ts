import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { JsonFramer } from '../../src/ovsdb/index.js';
import { inbound, recorded } from './recorded.js';

/**
 * The oracle: the values of each server chunk found by brute force, JSON.parse of the
 * shortest prefix ending in `}` that parses (a chunk may hold several values back to back).
 */
function splitByParsing(text: string): unknown[] {
  const out: unknown[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '}') continue;
    try {
      out.push(JSON.parse(text.slice(start, i + 1)));
      start = i + 1;
    } catch {}
  }
  expect(start).toBe(text.length);
  return out;
}

function expectedValues(): unknown[] {
  return recorded('vsctl-session')
    .filter((c) => c.dir === 'in')
    .flatMap((c) => splitByParsing(c.data));
}

function feed(framer: JsonFramer, bytes: Buffer, cuts: readonly number[]) {
  const values: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const r = framer.push(bytes.subarray(at, cut));
    values.push(...r.values);
    if (!r.ok) return { values, error: r.error };
    at = cut;
  }
  return { values, error: undefined };
}

describe('JSON value framer', () => {
  test('the recorded stream, values back to back, split at every byte offset', () => {
    const bytes = inbound('vsctl-session');
    const want = expectedValues();
    expect(want).toHaveLength(15); // 13 chunks, one of them two values back to back
    const wantText = JSON.stringify(want);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = feed(new JsonFramer(), bytes, [cut]);
      if (got.error !== undefined || JSON.stringify(got.values) !== wantText) {
        expect({ cut, ...got }).toEqual({ cut, values: want, error: undefined });
      }
    }
  });

  test('one byte at a time, with whitespace and non-ASCII strings between and inside', () => {
    const text = ' {"a":"é}\\"{[","b":[1,{"c":"]"}]}\n\t[1,2] {"d":"\\\\"}\r\n';
    const bytes = Buffer.from(text);
    const cuts = [...Array(bytes.length).keys()].slice(1);
    expect(feed(new JsonFramer(), bytes, cuts)).toEqual({
      values: [{ a: 'é}"{[', b: [1, { c: ']' }] }, [1, 2], { d: '\\' }],
      error: undefined,
    });
  });

  test('garbage between values is an error, and the framer stays failed', () => {
    const f = new JsonFramer();
    const r = f.push(Buffer.from('{"id":1}x{"id":2}'));
    expect(r).toEqual({
      ok: false,
      values: [{ id: 1 }],
      error: 'expected a JSON object or array, got "x"',
    });
    expect(f.push(Buffer.from('{}')).ok).toBe(false);
  });

  test('a value that does not parse is an error naming the problem', () => {
    const r = new JsonFramer().push(Buffer.from('{"id":1,}'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^invalid JSON: /);
  });

  test('a value growing past the bound is refused before it completes', () => {
    const f = new JsonFramer({ maxBytes: 100 });
    expect(f.push(Buffer.from(`{"a":"${'x'.repeat(60)}`)).ok).toBe(true);
    expect(f.buffered).toBeGreaterThan(60);
    const r = f.push(Buffer.from('x'.repeat(60)));
    expect(r).toEqual({
      ok: false,
      values: [],
      error: 'a JSON value of more than 100 bytes (at least 126)',
    });
    expect(f.buffered).toBe(0);
  });

  test('fuzz: random bytes and mutated recordings never throw', () => {
    const bytes = inbound('vsctl-session');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.array(fc.nat(bytes.length), { maxLength: 6 }),
        (random, flips, cuts) => {
          const mutated = Buffer.from(bytes);
          for (const [at, b] of flips) mutated[at] = b;
          for (const input of [Buffer.from(random), mutated]) {
            const f = new JsonFramer({ maxBytes: 4096 });
            const sorted = [...cuts].filter((c) => c <= input.length).sort((a, b) => a - b);
            expect(() => feed(f, input, sorted)).not.toThrow();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('property: any chunking of concatenated JSON values yields those values', () => {
    const value = fc.oneof(
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      fc.array(fc.jsonValue({ maxDepth: 3 })),
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (vs, cuts) => {
          const bytes = Buffer.from(vs.map((v) => JSON.stringify(v)).join(''));
          const sorted = cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const got = feed(new JsonFramer(), bytes, sorted);
          expect(got.error).toBeUndefined();
          expect(got.values).toEqual(vs.map((v) => JSON.parse(JSON.stringify(v))));
        },
      ),
      { numRuns: 300 },
    );
  });
});
