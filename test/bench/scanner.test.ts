/**
 * The counting scanner of the flow-setup benchmark: however a stream of OpenFlow
 * messages is cut into chunks, it counts each message once by type and hands over the
 * collected ones byte for byte; a header with a length below 8 stops it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MessageScanner } from '../../bench/flow-setup/scanner.js';

function message(type: number, bodyLen: number, fill: number): Buffer {
  const m = Buffer.alloc(8 + bodyLen, fill);
  m[0] = 4;
  m[1] = type;
  m.writeUInt16BE(8 + bodyLen, 2);
  m.writeUInt32BE(fill, 4);
  return m;
}

function scan(chunks: Buffer[], collectTypes: number[]) {
  const collect = new Uint8Array(256);
  for (const t of collectTypes) collect[t] = 1;
  const got: Buffer[] = [];
  const bad: number[] = [];
  const s = new MessageScanner(
    collect,
    (m) => got.push(Buffer.from(m)),
    (len) => bad.push(len),
  );
  for (const c of chunks) s.push(c);
  return { s, got, bad };
}

function expectedCounts(msgs: Buffer[]): Float64Array {
  const c = new Float64Array(256);
  for (const m of msgs) c[m[1]!]!++;
  return c;
}

describe('MessageScanner', () => {
  const msgs = [
    message(14, 88, 1),
    message(13, 92, 2),
    message(5, 0, 3),
    message(18, 8, 4),
    message(14, 88, 5),
    message(2, 3, 6),
  ];
  const stream = Buffer.concat(msgs);

  test('one chunk: counts by type, collects the marked types whole', () => {
    const { s, got, bad } = scan([stream], [5, 18, 2]);
    expect(s.counts).toEqual(expectedCounts(msgs));
    expect(got).toEqual([msgs[2], msgs[3], msgs[5]]);
    expect(bad).toEqual([]);
  });

  test('every split point of a two-chunk stream gives the same result', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { s, got } = scan([stream.subarray(0, cut), stream.subarray(cut)], [5, 18, 2, 13]);
      expect(s.counts).toEqual(expectedCounts(msgs));
      expect(got).toEqual([msgs[1], msgs[2], msgs[3], msgs[5]]);
    }
  });

  test('byte-at-a-time delivery', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const { s, got } = scan(bytes, [14]);
    expect(s.counts).toEqual(expectedCounts(msgs));
    expect(got).toEqual([msgs[0], msgs[4]]);
  });

  test('random messages cut at random places', () => {
    const arbMsg = fc
      .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 300 }), fc.nat(255))
      .map(([t, len, fill]) => message(t, len, fill));
    fc.assert(
      fc.property(
        fc.array(arbMsg, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }),
        (ms, cutSeeds, collectTypes) => {
          const all = Buffer.concat(ms);
          const cuts = [...new Set(cutSeeds.map((c) => (all.length ? c % all.length : 0)))].sort(
            (a, b) => a - b,
          );
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const c of [...cuts, all.length]) {
            chunks.push(all.subarray(prev, c));
            prev = c;
          }
          const { s, got } = scan(chunks, collectTypes);
          expect(s.counts).toEqual(expectedCounts(ms));
          expect(got).toEqual(ms.filter((m) => collectTypes.includes(m[1]!)));
        },
      ),
    );
  });

  test('a length below 8 stops the scanner and is reported once', () => {
    const broken = Buffer.from(message(10, 0, 9));
    broken.writeUInt16BE(4, 2);
    const { s, bad } = scan([msgs[0]!, broken.subarray(0, 3), broken.subarray(3), msgs[1]!], []);
    expect(bad).toEqual([4]);
    expect(s.failed).toBe(true);
    expect(s.counts[14]).toBe(1);
    expect(s.counts[13]).toBe(0);
  });
});
