/**
 * One subtable of the classifier (see the essay in classifier.ts): the rules sharing a
 * mask, in an open-addressed hash table keyed by their masked values, with the chain of
 * rules per distinct masked value and the priority bookkeeping behind the early stop.
 * Also the rule type both files share.
 */
import type { WordFilter } from './classifier-filter.js';
import { KEY_WORDS } from './flow-key.js';

/**
 * A rule in the classifier; `data` is the caller's (a rule id, say). A class may extend
 * ClsRule and be its own data, saving an object per rule: FlowEntry does, overriding
 * `data` to return itself, and is inserted with Classifier.insertRule.
 */
export class ClsRule<T> {
  /** Insertion sequence number: the tie-breaker between equal priorities. */
  seq = 0;
  /** Next rule with the same masked key (never better than this one). */
  next: ClsRule<T> | undefined = undefined;
  /** The subtable holding the rule; undefined while it is not in a classifier. */
  subtable: Subtable<T> | undefined = undefined;
  node = -1;

  constructor(
    readonly priority: number,
    private readonly own?: T,
  ) {}

  get data(): T {
    return this.own as T;
  }
}

/**
 * Hash of the masked key words: a sum of products with one odd constant per position
 * (the multiplies are independent, so they overlap in the CPU), then a murmur3-style
 * finish. Weak spots cost only longer probes: keys are compared anyway.
 */
const MULT = Int32Array.from(
  Array.from({ length: KEY_WORDS }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) | 1) ^ 0x5bd1e995),
);
function finalMix(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return h ^ (h >>> 15);
}
/** Most occupied slots per slot before the table doubles: LOAD_NUM / LOAD_DEN. */
const LOAD_NUM = 4;
const LOAD_DEN = 5;

/** Stored hashes have the top bit set, so 0 marks an empty slot. */
const USED = 0x80000000 | 0;

/**
 * Hash of a whole mask: the classifier's index from masks to subtables. Zero words add
 * nothing, so given the indices of the non-zero words (`words`, the first `n`) it reads
 * only those and gives the same hash.
 */
export function maskHash(mask: Uint32Array, words?: Int32Array, n = KEY_WORDS): number {
  let h = 0;
  for (let j = 0; j < n; j++) {
    const i = words === undefined ? j : words[j]!;
    h = (h + Math.imul(mask[i]! | 0, MULT[i]!)) | 0;
  }
  return finalMix(h);
}

/** The rules sharing one mask. */
export class Subtable<T> {
  readonly mask: Uint32Array;
  /** Key word indices this mask covers, and the mask's value at each. */
  readonly words: Int32Array;
  readonly wmask: Int32Array;
  readonly n: number;
  /** Hash of `mask` (the classifier's index of subtables). */
  readonly hash: number;
  maxPriority = -1;
  count = 0;
  /** Distinct priorities of the rules, descending, with the number of rules at each. */
  private readonly prios: number[] = [];
  private readonly prioCounts: number[] = [];

  /**
   * Open-addressed table, `stride` = 1 + n int32 per slot: the node's hash (USED bit
   * set; 0 = empty) then its masked key words. `heads[slot]` is the node's best rule.
   */
  private recs: Int32Array;
  heads: (ClsRule<T> | undefined)[];
  private readonly stride: number;
  private capMask: number;
  /** find()'s masked key words (one lookup at a time: JavaScript is single-threaded). */
  private readonly masked: Int32Array;
  /** Distinct masked keys (occupied slots). */
  nodeCount = 0;
  /** Word-filter pairs this subtable registered, and the position j of each pair's word. */
  readonly filterIds: Int32Array;
  private readonly filterJ: Int32Array;

  constructor(
    mask: Uint32Array,
    hash: number,
    private readonly filter: WordFilter,
    filterWords: readonly number[],
  ) {
    this.mask = mask.slice();
    this.hash = hash;
    const words: number[] = [];
    for (let i = 0; i < KEY_WORDS; i++) if (mask[i] !== 0) words.push(i);
    this.words = Int32Array.from(words);
    this.wmask = Int32Array.from(words.map((i) => mask[i]! | 0));
    this.n = words.length;
    const js = words.flatMap((w, j) => (filterWords.includes(w) ? [j] : []));
    this.filterJ = Int32Array.from(js);
    this.filterIds = Int32Array.from(js.map((j) => filter.acquire(words[j]!, mask[words[j]!]!)));
    this.stride = 1 + this.n;
    this.masked = new Int32Array(this.n);
    this.capMask = 15;
    this.recs = new Int32Array(16 * this.stride);
    this.heads = new Array(16).fill(undefined);
  }

  /** The best rule whose masked key equals `key`'s, or undefined. The hot path. */
  find(key: Uint32Array): ClsRule<T> | undefined {
    const words = this.words;
    const wmask = this.wmask;
    const masked = this.masked;
    const n = this.n;
    let h = 0;
    for (let j = 0; j < n; j++) {
      const v = key[words[j]!]! & wmask[j]!;
      masked[j] = v;
      h = (h + Math.imul(v, MULT[j]!)) | 0;
    }
    h = finalMix(h) | USED;
    const recs = this.recs;
    const stride = this.stride;
    const capMask = this.capMask;
    let s = h & capMask;
    for (;;) {
      const at = s * stride;
      const sh = recs[at]!;
      if (sh === 0) return undefined;
      if (sh === h) {
        let j = 0;
        while (j < n && recs[at + 1 + j] === masked[j]) j++;
        if (j === n) return this.heads[s];
      }
      s = (s + 1) & capMask;
    }
  }

  /** Hash of a masked full-width value (its words at this subtable's mask words). */
  private valueHash(value: Uint32Array): number {
    let h = 0;
    for (let j = 0; j < this.n; j++) h = (h + Math.imul(value[this.words[j]!]! | 0, MULT[j]!)) | 0;
    return finalMix(h) | USED;
  }

  /** The slot holding masked value `value`, or -1. */
  findNode(value: Uint32Array): number {
    const s = this.probe(value, this.valueHash(value));
    return s < 0 ? -1 : s;
  }

  /**
   * The slot holding masked value `value` (hash `h`), or, when there is none, -1 minus
   * the empty slot that ends its probe run: where linear probing would put it.
   */
  private probe(value: Uint32Array, h: number): number {
    const recs = this.recs;
    const stride = this.stride;
    const capMask = this.capMask;
    let s = h & capMask;
    for (;;) {
      const at = s * stride;
      const sh = recs[at]!;
      if (sh === 0) return -1 - s;
      if (sh === h && this.sameKey(at, value)) return s;
      s = (s + 1) & capMask;
    }
  }

  private sameKey(at: number, value: Uint32Array): boolean {
    for (let j = 0; j < this.n; j++) {
      if (this.recs[at + 1 + j] !== (value[this.words[j]!]! | 0)) return false;
    }
    return true;
  }

  /** Adds `rule` with masked value `value` to its node's chain (a new node if needed). */
  add(rule: ClsRule<T>, value: Uint32Array): void {
    const h = this.valueHash(value);
    // Grow first (one node early when the value is already there), then one probe
    // answers both "is it there" and "where does it go".
    if ((this.nodeCount + 1) * LOAD_DEN > (this.capMask + 1) * LOAD_NUM) {
      this.rehash((this.capMask + 1) * 2);
    }
    let node = this.probe(value, h);
    if (node < 0) {
      node = -1 - node;
      const at = node * this.stride;
      this.recs[at] = h;
      for (let j = 0; j < this.n; j++) this.recs[at + 1 + j] = value[this.words[j]!]! | 0;
      this.heads[node] = rule;
      this.nodeCount++;
      for (let k = 0; k < this.filterIds.length; k++) {
        this.filter.add(this.filterIds[k]!, value[this.words[this.filterJ[k]!]!]!);
      }
    } else this.link(node, rule);
    rule.subtable = this;
    rule.node = node;
    this.count++;
    this.countPriority(rule.priority);
  }

  /**
   * Puts `rule` in the place of `old`, a rule of this subtable with the same masked key
   * and priority: `old` leaves, `rule` joins its chain at its own (priority, seq) place.
   * Neither the slot, the counts nor the filter sets change.
   */
  replace(old: ClsRule<T>, rule: ClsRule<T>): void {
    const node = old.node;
    this.unlink(node, old);
    old.subtable = undefined;
    old.node = -1;
    this.link(node, rule);
    rule.subtable = this;
    rule.node = node;
  }

  /** Inserts `rule` into the chain of `node` (non-empty or not), in (priority desc, seq asc) order. */
  private link(node: number, rule: ClsRule<T>): void {
    let prev: ClsRule<T> | undefined;
    let cur = this.heads[node];
    while (
      cur &&
      (cur.priority > rule.priority || (cur.priority === rule.priority && cur.seq < rule.seq))
    ) {
      prev = cur;
      cur = cur.next;
    }
    rule.next = cur;
    if (prev) prev.next = rule;
    else this.heads[node] = rule;
  }

  /** Takes `rule` out of the chain of `node` (the chain may become empty). */
  private unlink(node: number, rule: ClsRule<T>): void {
    let prev: ClsRule<T> | undefined;
    let cur = this.heads[node];
    while (cur && cur !== rule) {
      prev = cur;
      cur = cur.next;
    }
    if (!cur) throw new Error('classifier: rule not in its node chain');
    if (prev) prev.next = rule.next;
    else this.heads[node] = rule.next;
    rule.next = undefined;
  }

  /** Removes a rule of this subtable; returns true when the subtable's maxPriority fell. */
  delete(rule: ClsRule<T>): boolean {
    const node = rule.node;
    this.unlink(node, rule);
    if (this.heads[node] === undefined) this.freeSlot(node);
    rule.subtable = undefined;
    rule.node = -1;
    this.count--;
    return this.uncountPriority(rule.priority);
  }

  hasPriority(priority: number): boolean {
    return this.prioIndex(priority) >= 0;
  }

  /** Slots of the table: iterate 0..slots-1 and skip those not `live` (no array built). */
  get slots(): number {
    return this.capMask + 1;
  }

  /** Does slot `s` hold a node? */
  live(s: number): boolean {
    return this.recs[s * this.stride] !== 0;
  }

  /** Masked key word j (at key word words[j]) of the node in slot `node`. */
  nodeWord(node: number, j: number): number {
    return this.recs[node * this.stride + 1 + j]! >>> 0;
  }

  /** Index of `priority` in the descending list, or -(insertion point) - 1. */
  private prioIndex(priority: number): number {
    const a = this.prios;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! > priority) lo = mid + 1;
      else hi = mid;
    }
    return a[lo] === priority ? lo : -lo - 1;
  }

  private countPriority(priority: number): void {
    const i = this.prioIndex(priority);
    if (i >= 0) this.prioCounts[i]!++;
    else {
      this.prios.splice(-i - 1, 0, priority);
      this.prioCounts.splice(-i - 1, 0, 1);
    }
    this.maxPriority = this.prios[0]!;
  }

  private uncountPriority(priority: number): boolean {
    const i = this.prioIndex(priority);
    if (--this.prioCounts[i]! > 0) return false;
    this.prios.splice(i, 1);
    this.prioCounts.splice(i, 1);
    const before = this.maxPriority;
    this.maxPriority = this.prios.length > 0 ? this.prios[0]! : -1;
    return this.maxPriority !== before;
  }

  private emptySlot(h: number): number {
    let s = h & this.capMask;
    while (this.recs[s * this.stride] !== 0) s = (s + 1) & this.capMask;
    return s;
  }

  /** Points every rule of the chain in `slot` at that slot. */
  private relink(slot: number): void {
    for (let r = this.heads[slot]; r; r = r.next) r.node = slot;
  }

  private rehash(size: number): void {
    const old = this.recs;
    const oldHeads = this.heads;
    const oldSize = this.capMask + 1;
    const stride = this.stride;
    this.recs = new Int32Array(size * stride);
    this.heads = new Array(size).fill(undefined);
    this.capMask = size - 1;
    const recs = this.recs;
    for (let s = 0; s < oldSize; s++) {
      const h = old[s * stride]!;
      if (h === 0) continue;
      const to = this.emptySlot(h);
      for (let j = 0; j < stride; j++) recs[to * stride + j] = old[s * stride + j]!;
      this.heads[to] = oldHeads[s];
      this.relink(to);
    }
  }

  /** Gives back the filter pairs of a subtable that became empty. */
  dispose(): void {
    for (let k = 0; k < this.filterIds.length; k++) this.filter.release(this.filterIds[k]!);
  }

  /** Empties a slot whose chain became empty: backward-shift deletion, no tombstones. */
  private freeSlot(slot: number): void {
    const cap = this.capMask;
    const stride = this.stride;
    const recs = this.recs;
    for (let k = 0; k < this.filterIds.length; k++) {
      this.filter.remove(this.filterIds[k]!, recs[slot * stride + 1 + this.filterJ[k]!]!);
    }
    let hole = slot;
    let j = (slot + 1) & cap;
    while (recs[j * stride] !== 0) {
      const home = recs[j * stride]! & cap;
      // Move j back into the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & cap) >= ((j - hole) & cap)) {
        recs.copyWithin(hole * stride, j * stride, (j + 1) * stride);
        this.heads[hole] = this.heads[j];
        this.relink(hole);
        hole = j;
      }
      j = (j + 1) & cap;
    }
    recs.fill(0, hole * stride, (hole + 1) * stride);
    this.heads[hole] = undefined;
    this.nodeCount--;
  }
}
