/**
 * The l2-learning MAC table (typed arrays and an open-addressing index) against the
 * obvious oracle, a Map kept in learning order: random operation sequences over a
 * small MAC space (so that probe runs collide, wrap around and shift on deletion) must
 * give the same answers, sizes and flushes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MacTable, macAt } from '../../apps/l2-learning/mac-table.js';

/** The specification: a Map in refresh order (a MAC moves to the end at most once a second). */
class OracleTable {
  private readonly m = new Map<number, { port: number; seen: number }>();
  constructor(
    private readonly max: number,
    private readonly ageing: number,
  ) {}
  get size() {
    return this.m.size;
  }
  lookup(mac: number, now: number): number | undefined {
    const e = this.m.get(mac);
    if (!e) return undefined;
    if (now - e.seen > this.ageing) {
      this.m.delete(mac);
      return undefined;
    }
    return e.port;
  }
  learn(mac: number, port: number, now: number): number | undefined {
    const e = this.m.get(mac);
    if (e) {
      if (now - e.seen > 1000) {
        this.m.delete(mac);
        this.m.set(mac, e);
      }
      const old = e.port;
      e.port = port;
      e.seen = now;
      return old === port ? undefined : old;
    }
    if (this.m.size >= this.max) this.m.delete(this.m.keys().next().value!);
    this.m.set(mac, { port, seen: now });
    return undefined;
  }
  flushPort(port: number): number[] {
    const gone = [...this.m].filter(([, e]) => e.port === port).map(([mac]) => mac);
    for (const mac of gone) this.m.delete(mac);
    return gone;
  }
}

/** MACs that differ in the high 16 bits, the low 32 bits, or both (sign bit included). */
const macArb = fc.constantFrom(
  0x020000000001,
  0x020000000002,
  0x0200000000ff,
  0x0200ffffffff,
  0x020080000000,
  0x030000000001,
  0xffffffffffff,
  0x000000000000,
  0x7fff80000001,
  0x8000000000aa,
  ...Array.from({ length: 400 }, (_, i) => 0x06_00_00_00_00_00 + i * 0x10001),
);

const opArb = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant('learn' as const),
      mac: macArb,
      port: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('lookup' as const), mac: macArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('flush' as const),
      port: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('tick' as const),
      ms: fc.integer({ min: 1, max: 300 }),
    }),
  },
);

describe('l2-learning MAC table', () => {
  test('agrees with a Map in refresh order on random operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(opArb, { minLength: 300, maxLength: 1500 }),
        (max, ops) => {
          const t = new MacTable(max, 1000);
          const o = new OracleTable(max, 1000);
          let now = 0;
          for (const op of ops) {
            if (op.op === 'learn')
              expect(t.learn(op.mac, op.port, now)).toBe(o.learn(op.mac, op.port, now));
            else if (op.op === 'lookup') expect(t.lookup(op.mac, now)).toBe(o.lookup(op.mac, now));
            else if (op.op === 'flush') expect(t.flushPort(op.port)).toEqual(o.flushPort(op.port));
            else now += op.ms;
            expect(t.size).toBe(o.size);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('grows well past its initial arrays and finds every MAC again', () => {
    const t = new MacTable(100_000, 1000);
    const mac = (i: number) => 0x02_00_00_00_00_00 + i * 977;
    for (let i = 0; i < 20_000; i++) t.learn(mac(i), (i % 7) + 1, 0);
    expect(t.size).toBe(20_000);
    for (let i = 0; i < 20_000; i++) expect(t.lookup(mac(i), 1)).toBe((i % 7) + 1);
    expect(t.lookup(mac(20_000), 1)).toBeUndefined();
  });

  test('when full, the entry refreshed least recently is evicted', () => {
    const t = new MacTable(3, 5000);
    t.learn(1, 1, 0);
    t.learn(2, 1, 0);
    t.learn(3, 1, 0);
    t.learn(1, 1, 500); // within a second: 1 keeps its place
    t.learn(4, 2, 600); // evicts 1
    expect(t.lookup(1, 700)).toBeUndefined();
    t.learn(2, 1, 1500); // refreshed: 2 is now the youngest
    t.learn(5, 2, 1600); // evicts 3
    expect([2, 3, 4, 5].map((m) => t.lookup(m, 1700))).toEqual([1, undefined, 2, 2]);
  });

  test('macAt reads six bytes as the 48-bit number the codec uses', () => {
    const b = Uint8Array.from([0, 0xff, 0xfe, 0x80, 0x01, 0x02, 0x03, 0]);
    expect(macAt(b, 1)).toBe(0xfffe80010203);
  });
});
