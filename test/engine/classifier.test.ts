/**
 * Classifier unit tests: lookup by priority across subtables, the documented tie-break
 * (equal priority: first inserted wins), removal keeping every probe run intact, exact
 * and loose selection, overlap, and the subtable bookkeeping behind the early stop.
 */
import { describe, expect, test } from 'vitest';
import type { Match } from '../../src/codec/index.js';
import { Classifier } from '../../src/engine/classifier.js';
import {
  type FlowMatch,
  isFlowMatch,
  KEY_WORDS,
  toFlowMatch,
  W,
} from '../../src/engine/flow-key.js';

function fm(m: Match): FlowMatch {
  const r = toFlowMatch(m);
  if (!isFlowMatch(r)) throw new Error(r.message);
  return r;
}

function key(words: Record<number, number>): Uint32Array {
  const k = new Uint32Array(KEY_WORDS);
  for (const [w, v] of Object.entries(words)) k[Number(w)] = v;
  return k;
}

const IP = 0x0800 << 16;
const ipv4 = (src: number, srcMask?: number): Match => [
  { field: 'eth_type', value: 0x0800 },
  srcMask === undefined
    ? { field: 'ipv4_src', value: src }
    : { field: 'ipv4_src', value: src, mask: srcMask },
];

describe('Classifier', () => {
  test('finds the highest-priority match across subtables', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 10, 'ten/8');
    c.insert(fm(ipv4(0x0a010000, 0xffff0000)), 20, 'ten.one/16');
    c.insert(fm([]), 0, 'miss');
    expect(c.subtableCount).toBe(3);
    expect(c.lookup(key({ [W.L2]: IP, [W.NW_SRC]: 0x0a010203 }))?.data).toBe('ten.one/16');
    expect(c.lookup(key({ [W.L2]: IP, [W.NW_SRC]: 0x0a020203 }))?.data).toBe('ten/8');
    expect(c.lookup(key({ [W.L2]: IP, [W.NW_SRC]: 0x0b000001 }))?.data).toBe('miss');
    expect(c.lookup(key({ [W.NW_SRC]: 0x0a010203 }))?.data).toBe('miss');
  });

  test('a broader rule of higher priority wins over a more specific one', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a010203)), 5, 'host');
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 50, 'net');
    expect(c.lookup(key({ [W.L2]: IP, [W.NW_SRC]: 0x0a010203 }))?.data).toBe('net');
  });

  test('equal priority: the rule inserted first wins, in one subtable or across several', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 7, 'first');
    c.insert(fm([{ field: 'eth_type', value: 0x0800 }]), 7, 'second');
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 7, 'third (same match)');
    const k = key({ [W.L2]: IP, [W.NW_SRC]: 0x0a000001 });
    expect(c.lookup(k)?.data).toBe('first');
    c.remove(c.lookup(k)!);
    expect(c.lookup(k)?.data).toBe('second');
    c.remove(c.lookup(k)!);
    expect(c.lookup(k)?.data).toBe('third (same match)');
  });

  test('equal priority: a later-visited subtable holding the older rule still wins', () => {
    const c = new Classifier<string>();
    const port = (v: number): Match => [{ field: 'in_port', value: v }];
    // Subtable A (in_port) reaches priority 7 first, with a rule the packet misses.
    c.insert(fm(port(99)), 7, 'A: other port');
    // Subtable B (eth_type) gets an older matching rule of the same priority.
    c.insert(fm([{ field: 'eth_type', value: 0x0800 }]), 7, 'B: older');
    // A gets a newer matching rule: A is visited first, yet B's older rule must win.
    c.insert(fm(port(1)), 7, 'A: newer');
    expect(c.lookup(key({ [W.IN_PORT]: 1, [W.L2]: IP }))?.data).toBe('B: older');
  });

  test('removal restores the next best rule and drops empty subtables', () => {
    const c = new Classifier<number>();
    const a = c.insert(fm(ipv4(1)), 30, 1);
    const b = c.insert(fm(ipv4(1)), 20, 2);
    const k = key({ [W.L2]: IP, [W.NW_SRC]: 1 });
    expect(c.lookup(k)?.data).toBe(1);
    c.remove(a);
    expect(c.lookup(k)?.data).toBe(2);
    c.remove(b);
    expect(c.lookup(k)).toBeUndefined();
    expect(c.size).toBe(0);
    expect(c.subtableCount).toBe(0);
    c.remove(b); // removing twice is a no-op
    expect(c.size).toBe(0);
  });

  test('thousands of inserts and removals in one subtable keep every key reachable', () => {
    const c = new Classifier<number>();
    const rules = [];
    for (let i = 0; i < 5000; i++)
      rules.push(c.insert(fm([{ field: 'in_port', value: i * 7919 }]), 1, i));
    // Remove every third rule; the rest must still be found (backward-shift deletion).
    for (let i = 0; i < 5000; i += 3) c.remove(rules[i]!);
    for (let i = 0; i < 5000; i++) {
      const r = c.lookup(key({ [W.IN_PORT]: i * 7919 }));
      expect(r?.data, `port ${i * 7919}`).toBe(i % 3 === 0 ? undefined : i);
    }
    expect(c.size).toBe(5000 - Math.ceil(5000 / 3));
  });

  test('findExact needs identical match and priority', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 10, 'a');
    expect(c.findExact(fm(ipv4(0x0a000000, 0xff000000)), 10)?.data).toBe('a');
    expect(c.findExact(fm(ipv4(0x0a000000, 0xff000000)), 11)).toBeUndefined();
    expect(c.findExact(fm(ipv4(0x0a000000, 0xffff0000)), 10)).toBeUndefined();
    expect(c.findExact(fm(ipv4(0x0b000000, 0xff000000)), 10)).toBeUndefined();
  });

  test('matching() selects rules at least as specific as the filter', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a010203)), 1, 'host in 10/8');
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 1, '10/8');
    c.insert(fm(ipv4(0x0b000000, 0xff000000)), 1, '11/8');
    c.insert(fm([{ field: 'eth_type', value: 0x0800 }]), 1, 'ip');
    c.insert(fm([]), 0, 'all');
    const names = (m: Match) =>
      c
        .matching(fm(m))
        .map((r) => r.data)
        .sort();
    expect(names(ipv4(0x0a000000, 0xff000000))).toEqual(['10/8', 'host in 10/8']);
    expect(names([{ field: 'eth_type', value: 0x0800 }])).toEqual([
      '10/8',
      '11/8',
      'host in 10/8',
      'ip',
    ]);
    expect(names([])).toHaveLength(5);
  });

  test('findOverlap: same priority and a packet can match both', () => {
    const c = new Classifier<string>();
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 10, '10/8');
    expect(c.findOverlap(fm(ipv4(0x0a010000, 0xffff0000)), 10)?.data).toBe('10/8');
    expect(c.findOverlap(fm(ipv4(0x0a010000, 0xffff0000)), 11)).toBeUndefined();
    expect(c.findOverlap(fm(ipv4(0x0b000000, 0xff000000)), 10)).toBeUndefined();
    expect(c.findOverlap(fm([{ field: 'in_port', value: 3 }]), 10)?.data).toBe('10/8');
  });

  test('ruleMatch rebuilds the inserted match', () => {
    const c = new Classifier<number>();
    const m = fm([...ipv4(0x0a000000, 0xff000000), { field: 'in_port', value: 9 }]);
    const r = c.insert(m, 3, 0);
    const back = c.ruleMatch(r);
    expect([...back.value]).toEqual([...m.value]);
    expect([...back.mask]).toEqual([...m.mask]);
  });

  test('insert rejects a value with bits outside its mask', () => {
    const c = new Classifier<number>();
    const m = fm([]);
    m.value[W.NW_SRC] = 1;
    expect(() => c.insert(m, 1, 0)).toThrow(RangeError);
  });

  test('subtables are visited by their current maximum priority', () => {
    const c = new Classifier<string>();
    const hi = c.insert(fm(ipv4(0x0a000000, 0xff000000)), 100, 'hi /8');
    c.insert(fm(ipv4(0x0a000000, 0xff000000)), 1, 'lo /8');
    c.insert(fm(ipv4(0x0a010000, 0xffff0000)), 50, '/16');
    const k = key({ [W.L2]: IP, [W.NW_SRC]: 0x0a010101 });
    expect(c.lookup(k)?.data).toBe('hi /8');
    c.remove(hi); // the /8 subtable's max falls to 1: the /16 subtable must now come first
    expect(c.lookup(k)?.data).toBe('/16');
  });
});
