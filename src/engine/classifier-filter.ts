/**
 * Subtable skipping for the classifier, a generalisation of Open vSwitch's prefix tries:
 * for a few key words that rules mask in many different ways (IPv4 and IPv6 addresses),
 * keep, per distinct (word, mask) pair, the multiset of masked values the rules of the
 * subtables with that mask hold at that word. A packet whose word, under that mask, is
 * not in the set cannot match any rule of those subtables, so the lookup skips them all
 * for the price of one small-set probe. Each pair is tested at most once per lookup (a
 * stamp remembers the answer), and only when a subtable that needs it is reached.
 */
import { W } from './flow-key.js';

/** Words worth filtering on: the IPv4 addresses and the top halves of IPv6 addresses. */
export const FILTER_WORDS: readonly number[] = [
  W.NW_SRC,
  W.NW_DST,
  W.IPV6_SRC,
  W.IPV6_SRC + 1,
  W.IPV6_DST,
  W.IPV6_DST + 1,
];

/** A multiset of int32 values: open addressing, linear probing, counts (0 = empty slot). */
export class IntCountSet {
  private keys = new Int32Array(8);
  private counts = new Int32Array(8);
  private capMask = 7;
  size = 0;

  private static slot(v: number, capMask: number): number {
    const h = Math.imul(v ^ (v >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) & capMask;
  }

  has(v: number): boolean {
    const keys = this.keys;
    const counts = this.counts;
    const capMask = this.capMask;
    let s = IntCountSet.slot(v, capMask);
    while (counts[s] !== 0) {
      if (keys[s] === v) return true;
      s = (s + 1) & capMask;
    }
    return false;
  }

  add(v: number): void {
    let s = IntCountSet.slot(v, this.capMask);
    while (this.counts[s] !== 0) {
      if (this.keys[s] === v) {
        this.counts[s]!++;
        return;
      }
      s = (s + 1) & this.capMask;
    }
    if ((this.size + 1) * 2 > this.capMask + 1) {
      this.grow();
      s = IntCountSet.slot(v, this.capMask);
      while (this.counts[s] !== 0) s = (s + 1) & this.capMask;
    }
    this.keys[s] = v;
    this.counts[s] = 1;
    this.size++;
  }

  /** Removes one occurrence of `v` (which must be present). */
  remove(v: number): void {
    const cap = this.capMask;
    let s = IntCountSet.slot(v, cap);
    while (this.keys[s] !== v || this.counts[s] === 0) {
      if (this.counts[s] === 0) throw new Error('IntCountSet: value not present');
      s = (s + 1) & cap;
    }
    if (--this.counts[s]! > 0) return;
    // Backward-shift deletion keeps every probe run unbroken.
    let hole = s;
    let j = (s + 1) & cap;
    while (this.counts[j] !== 0) {
      const home = IntCountSet.slot(this.keys[j]!, cap);
      if (((j - home) & cap) >= ((j - hole) & cap)) {
        this.keys[hole] = this.keys[j]!;
        this.counts[hole] = this.counts[j]!;
        this.counts[j] = 0;
        hole = j;
      }
      j = (j + 1) & cap;
    }
    this.counts[hole] = 0;
    this.size--;
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    const size = (this.capMask + 1) * 2;
    this.keys = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.capMask = size - 1;
    for (let i = 0; i < keys.length; i++) {
      if (counts[i] === 0) continue;
      let s = IntCountSet.slot(keys[i]!, this.capMask);
      while (this.counts[s] !== 0) s = (s + 1) & this.capMask;
      this.keys[s] = keys[i]!;
      this.counts[s] = counts[i]!;
    }
  }
}

/** The (word, mask) pairs in use and their value sets, with per-lookup memo. */
export class WordFilter {
  private readonly ids = new Map<string, number>();
  private sets: (IntCountSet | undefined)[] = [];
  private refs: number[] = [];
  private word = new Int32Array(8);
  private mask = new Int32Array(8);
  private stamps = new Int32Array(8);
  private hits = new Uint8Array(8);
  private readonly free: number[] = [];
  private stamp = 0;

  /** A pair id for (word, mask), shared by every subtable with that mask on that word. */
  acquire(word: number, mask: number): number {
    const name = `${word}/${mask >>> 0}`;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.free.pop() ?? this.sets.length;
      if (id >= this.word.length) this.grow();
      this.ids.set(name, id);
      this.sets[id] = new IntCountSet();
      this.refs[id] = 0;
      this.word[id] = word;
      this.mask[id] = mask | 0;
      this.stamps[id] = 0;
    }
    this.refs[id]!++;
    return id;
  }

  release(id: number): void {
    if (--this.refs[id]! > 0) return;
    this.ids.delete(`${this.word[id]}/${this.mask[id]! >>> 0}`);
    this.sets[id] = undefined;
    this.free.push(id);
  }

  add(id: number, maskedWord: number): void {
    this.sets[id]!.add(maskedWord | 0);
  }

  remove(id: number, maskedWord: number): void {
    this.sets[id]!.remove(maskedWord | 0);
  }

  /** Starts a lookup: earlier answers no longer count. */
  begin(): number {
    this.stamp = (this.stamp + 1) | 0;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Could some rule of the pair's subtables match `key` at the pair's word? */
  test(id: number, key: Uint32Array, stamp: number): boolean {
    if (this.stamps[id] === stamp) return this.hits[id] === 1;
    this.stamps[id] = stamp;
    const ok = this.sets[id]!.has(key[this.word[id]!]! & this.mask[id]!);
    this.hits[id] = ok ? 1 : 0;
    return ok;
  }

  private grow(): void {
    const n = this.word.length * 2;
    const copy = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.word = copy(this.word, (k) => new Int32Array(k));
    this.mask = copy(this.mask, (k) => new Int32Array(k));
    this.stamps = copy(this.stamps, (k) => new Int32Array(k));
    this.hits = copy(this.hits, (k) => new Uint8Array(k));
  }
}
