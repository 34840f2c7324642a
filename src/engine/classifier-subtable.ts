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
  /**
   * The rule's match beyond its subtable's mask, as (word, mask, value) triples: set
   * when the rule sits in a subtable of a relaxed mask (classifier-relax.ts), undefined
   * when its mask is the subtable's.
   */
  rest: Int32Array | undefined = undefined;
  /** rest's first triple, kept inline: most rules a chain walk rejects fail on it. */
  restWord = 0;
  restMask = 0;
  restValue = 0;

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

/** Gives `rule` its rest (see ClsRule.rest). */
export function setRest<T>(rule: ClsRule<T>, rest: Int32Array | undefined): void {
  rule.rest = rest;
  if (rest === undefined) return;
  rule.restWord = rest[0]!;
  rule.restMask = rest[1]!;
  rule.restValue = rest[2]!;
}

/** Does `key` satisfy every (word, mask, value) triple of `rest`? */
function restMatches(rest: Int32Array, key: Uint32Array): boolean {
  for (let i = 0; i < rest.length; i += 3) {
    if ((key[rest[i]!]! & rest[i + 1]!) !== rest[i + 2]) return false;
  }
  return true;
}

/**
 * The rules whose masks contain one mask (the subtable's): those of exactly that mask,
 * and rules of longer masks relaxed to it, which carry the rest of their match.
 */
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
  /** Rules carrying a `rest` (relaxed into this subtable). */
  restCount = 0;
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

  /**
   * The best rule of this subtable matching `key` that beats (`bestPri`, `bestSeq`):
   * higher priority, or equal priority and older. Undefined when there is none. The
   * hot path.
   */
  find(key: Uint32Array, bestPri: number, bestSeq: number): ClsRule<T> | undefined {
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
        if (j === n) {
          // The chain is sorted best first: the first rule whose rest matches wins,
          // and the walk stops at the first that cannot beat the best so far.
          for (let r = this.heads[s]; r !== undefined; r = r.next) {
            const p = r.priority;
            if (p < bestPri || (p === bestPri && r.seq > bestSeq)) return undefined;
            const rest = r.rest;
            if (rest === undefined) return r;
            if ((key[r.restWord]! & r.restMask) !== r.restValue) continue;
            if (rest.length === 3 || restMatches(rest, key)) return r;
          }
          return undefined;
        }
      }
      s = (s + 1) & capMask;
    }
  }

  /** Hash of a masked full-width value (its words at this subtable's mask words). */
  private valueHash(value: Uint32Array): number {
    let h = 0;
    for (let j = 0; j < this.n; j++) {
      h = (h + Math.imul(value[this.words[j]!]! & this.wmask[j]!, MULT[j]!)) | 0;
    }
    return finalMix(h) | USED;
  }

  /** The slot holding `value` (masked by this subtable's mask), or -1. */
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
      if (this.recs[at + 1 + j] !== (value[this.words[j]!]! & this.wmask[j]!)) return false;
    }
    return true;
  }

  /**
   * Adds `rule` with value `value` (any bits beyond this subtable's mask are the rule's
   * `rest`, already set by the caller) to its node's chain (a new node if needed).
   */
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
      for (let j = 0; j < this.n; j++)
        this.recs[at + 1 + j] = value[this.words[j]!]! & this.wmask[j]!;
      this.heads[node] = rule;
      this.nodeCount++;
      for (let k = 0; k < this.filterIds.length; k++) {
        const j = this.filterJ[k]!;
        this.filter.add(this.filterIds[k]!, value[this.words[j]!]! & this.wmask[j]!);
      }
    } else this.link(node, rule);
    rule.subtable = this;
    rule.node = node;
    if (rule.rest !== undefined) this.restCount++;
    this.count++;
    this.countPriority(rule.priority);
  }

  /** The best rule of the node of `value` (masked by this subtable's mask), or undefined. */
  chainOf(value: Uint32Array): ClsRule<T> | undefined {
    const node = this.findNode(value);
    return node < 0 ? undefined : this.heads[node];
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
    setRest(rule, old.rest);
    old.rest = undefined;
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
    if (rule.rest !== undefined) {
      this.restCount--;
      rule.rest = undefined;
    }
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

  /**
   * Writes live `rule`'s whole match (its node's words, then its rest) into `value` and
   * `mask`, which must be all zero.
   */
  ruleMatchInto(rule: ClsRule<T>, value: Uint32Array, mask: Uint32Array): void {
    for (let j = 0; j < this.n; j++) {
      const w = this.words[j]!;
      value[w] = this.nodeWord(rule.node, j);
      mask[w] = this.mask[w]!;
    }
    const rest = rule.rest;
    if (rest === undefined) return;
    for (let i = 0; i < rest.length; i += 3) {
      mask[rest[i]!] = rest[i + 1]!;
      value[rest[i]!] = rest[i + 2]!;
    }
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
