/**
 * Property tests: on random rule sets and random packets the tuple-space classifier
 * returns the same rule as the linear oracle, also after random interleavings of
 * insert, modify (replace) and delete. Rules draw masks and values from small pools
 * so that rules overlap and packets hit them often; priorities come from a small range
 * so equal-priority overlaps are frequent: both classifiers break those ties the same
 * documented way (the rule inserted first wins), and the test checks exactly that.
 * Every other rule goes in as a MatchKey (the sparse form FLOW_MODs use, whose helpers
 * read only the listed words), the rest as plain full-width arrays; `replace` (an ADD
 * over an identical rule) must act as a delete then an insert, and findExact must find
 * the oldest rule with a given match and priority.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Classifier,
  type ClassifierOptions,
  type ClsRule,
  DEFAULT_RELAXATION,
} from '../../src/engine/classifier.js';
import { LinearClassifier, type LinearRule } from '../../src/engine/classifier-linear.js';
import { type FlowMatch, KEY_WORDS, MatchKey, W } from '../../src/engine/flow-key.js';

/** Words the rules use: pipeline, L2, the filtered address words, TP and an IPv6 word. */
const WORDS = [W.IN_PORT, W.METADATA_LO, W.L2, W.NW, W.NW_SRC, W.NW_DST, W.TP, W.IPV6_SRC];
const MASKS = [0xffffffff, 0xffff0000, 0xff000000, 0x0000ffff, 0x0f0f0f0f, 0x80000000, 0xfffffff0];
const VALUES = [0, 1, 2, 0x0a000000, 0x0a010000, 0x0a010203, 0xc0a80001, 0xffffffff, 0x08000000];

const wordValue = fc.oneof(fc.constantFrom(...VALUES), fc.integer({ min: 0, max: 0xffffffff }));

const ruleArb = fc.record({
  words: fc.uniqueArray(
    fc.record({ w: fc.constantFrom(...WORDS), mask: fc.constantFrom(...MASKS), value: wordValue }),
    { maxLength: 4, selector: (x) => x.w },
  ),
  priority: fc.integer({ min: 0, max: 4 }),
});
type RuleSpec = typeof ruleArb extends fc.Arbitrary<infer T> ? T : never;

/** Packets reuse the value pool, sometimes with low bits flipped, so they hit rules. */
const packetArb = fc.array(
  fc.record({
    w: fc.constantFrom(...WORDS),
    value: wordValue,
    flip: fc.constantFrom(0, 0, 1, 0xff, 0x10000),
  }),
  { maxLength: WORDS.length },
);
type PacketSpec = typeof packetArb extends fc.Arbitrary<infer T> ? T : never;

function toMatch(r: RuleSpec): FlowMatch {
  const value = new Uint32Array(KEY_WORDS);
  const mask = new Uint32Array(KEY_WORDS);
  for (const { w, mask: m, value: v } of r.words) {
    mask[w] = m;
    value[w] = (v & m) >>> 0;
  }
  return { value, mask };
}

/** The same match as a MatchKey, its non-zero words listed in the rule's order. */
function toMatchKey(r: RuleSpec): MatchKey {
  const k = new MatchKey();
  for (const { w, mask: m, value: v } of r.words) {
    k.mask[w] = m;
    k.value[w] = (v & m) >>> 0;
    if (m !== 0) k.words[k.n++] = w;
  }
  return k;
}

function toKey(p: PacketSpec): Uint32Array {
  const k = new Uint32Array(KEY_WORDS);
  for (const { w, value, flip } of p) k[w] = (value ^ flip) >>> 0;
  return k;
}

/** Both classifiers, fed the same operations; rules identified by an id in `data`. */
class Pair {
  readonly fast: Classifier<number>;
  readonly slow = new LinearClassifier<number>();
  readonly live = new Map<number, { f: ClsRule<number>; s: LinearRule<number>; spec: RuleSpec }>();
  private next = 0;

  constructor(options: ClassifierOptions) {
    this.fast = new Classifier<number>(options);
  }

  insert(spec: RuleSpec): void {
    const id = this.next++;
    const m = toMatch(spec);
    this.live.set(id, {
      f: this.fast.insert(id % 2 === 1 ? toMatchKey(spec) : m, spec.priority, id),
      s: this.slow.insert(m, spec.priority, id),
      spec,
    });
  }

  /** Classifier.replace on the fast side; delete then insert on the oracle's. */
  replace(id: number): void {
    const r = this.live.get(id)!;
    const nid = this.next++;
    this.slow.remove(r.s);
    this.live.delete(id);
    this.live.set(nid, {
      f: this.fast.replace(r.f, nid),
      s: this.slow.insert(toMatch(r.spec), r.spec.priority, nid),
      spec: r.spec,
    });
  }

  /** findExact (with either match form) finds the oldest live rule of that match and priority. */
  checkExact(spec: RuleSpec): void {
    const m = toMatch(spec);
    let want: number | undefined;
    for (const [id, { s }] of this.live) {
      const same = s.priority === spec.priority && s.mask.every((x, i) => x === m.mask[i]);
      if (same && s.value.every((x, i) => x === m.value[i]) && (want === undefined || id < want)) {
        want = id;
      }
    }
    const got = [
      this.fast.findExact(m, spec.priority),
      this.fast.findExact(toMatchKey(spec), spec.priority),
    ];
    if (got[0]?.data !== want || got[1]?.data !== want) {
      expect(
        got.map((r) => r?.data),
        `findExact ${JSON.stringify(spec)}`,
      ).toEqual([want, want]);
    }
  }

  remove(id: number): void {
    const r = this.live.get(id)!;
    this.fast.remove(r.f);
    this.slow.remove(r.s);
    this.live.delete(id);
  }

  check(p: PacketSpec): void {
    const k = toKey(p);
    const got = this.fast.lookup(k);
    const want = this.slow.lookup(k);
    // expect() only on a mismatch: it is slow, and this runs tens of thousands of times.
    if (got?.data !== want?.data || this.fast.size !== this.slow.size) {
      expect({ rule: got?.data, size: this.fast.size }, `packet ${JSON.stringify(p)}`).toEqual({
        rule: want?.data,
        size: this.slow.size,
      });
    }
  }
}

/**
 * The structures under test: the default tuple merging, plain tuple space search, and
 * merging with chain caps of 1 and 2, so that nodes fill up and rules are evicted to
 * their own masks' subtables all the time (the path the default cap rarely takes here).
 */
const STRUCTURES: [string, ClassifierOptions][] = [
  ['default merging', {}],
  ['plain tuple space', { relax: false }],
  ['merging, chain cap 1', { relax: { ...DEFAULT_RELAXATION, chainCap: 1 } }],
  [
    'merging /8 /16 /24, chain cap 2',
    { relax: { prefixLengths: [0, 8, 16, 24], dropWords: [W.TP, W.IN_PORT], chainCap: 2 } },
  ],
];

describe.each(STRUCTURES)('classifier (%s) vs linear oracle', (_name, options) => {
  test('random rule sets and packets', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { maxLength: 60 }),
        fc.array(packetArb, { minLength: 1, maxLength: 40 }),
        (rules, packets) => {
          const pair = new Pair(options);
          for (const r of rules) pair.insert(r);
          for (const p of packets) pair.check(p);
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });

  test('random interleavings of insert, modify, delete and lookup', () => {
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('insert' as const), rule: ruleArb }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 2 },
      {
        arbitrary: fc.record({
          kind: fc.constant('modify' as const),
          pick: fc.nat(),
          priority: fc.integer({ min: 0, max: 4 }),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat() }),
        weight: 2,
      },
      {
        arbitrary: fc.record({ kind: fc.constant('lookup' as const), packet: packetArb }),
        weight: 3,
      },
      { arbitrary: fc.record({ kind: fc.constant('exact' as const), rule: ruleArb }), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 120 }),
        fc.array(packetArb, { maxLength: 10 }),
        (ops, finals) => {
          const pair = new Pair(options);
          for (const o of ops) {
            const ids = [...pair.live.keys()];
            if (o.kind === 'insert') pair.insert(o.rule);
            else if (o.kind === 'lookup') pair.check(o.packet);
            else if (o.kind === 'exact') pair.checkExact(o.rule);
            else if (o.kind === 'replace') {
              if (ids.length > 0) pair.replace(ids[o.pick % ids.length]!);
            } else if (ids.length > 0) {
              const id = ids[o.pick % ids.length]!;
              const spec = pair.live.get(id)!.spec;
              pair.remove(id);
              // Modify = replace: same match, new priority, a new rule (newest in ties).
              if (o.kind === 'modify') pair.insert({ ...spec, priority: o.priority });
            }
          }
          for (const p of finals) pair.check(p);
          for (const { spec } of pair.live.values()) pair.checkExact(spec);
          // Every live rule is found by a packet equal to its own masked value, unless a
          // better rule also matches: the oracle decides which.
          for (const { spec } of pair.live.values())
            pair.check(
              spec.words.map(({ w, mask, value }) => ({ w, value: (value & mask) >>> 0, flip: 0 })),
            );
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });
});
