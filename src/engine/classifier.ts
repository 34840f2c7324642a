/**
 * The classifier: finds the highest-priority rule whose masked match equals a packet's
 * flow key. Tuple space search, as in Open vSwitch's lib/classifier.c.
 *
 * WHAT IT HOLDS. Rules of the form (value, mask, priority) over the flow key of
 * flow-key.ts (KEY_WORDS 32-bit words). A key K matches a rule when, for every word i,
 * (K[i] & mask[i]) === value[i] (values are stored masked).
 *
 * STRUCTURE. Rules are grouped by mask into subtables ("tuples"): all rules of one
 * subtable share the same mask, so within it a match is an exact lookup of the masked
 * key. Each subtable keeps:
 *   - `words`, the indices of the mask's non-zero words, and `wmask` their mask values:
 *     hashing and comparing touch only those words (4 for an L2 exact match, 2-5 for
 *     an IPv4 ACL), never all KEY_WORDS;
 *   - an open-addressed hash table (linear probing, load <= 1/2, power-of-two size) of
 *     `slots` (node + 1, 0 = empty) beside the full 32-bit hash of each slot's node, so
 *     a probe compares an int before it compares keys;
 *   - nodes, one per distinct masked key, in struct-of-arrays typed storage
 *     (`nodeKeys`: the masked key words, `nodeHash`), with `nodeHead[node]`, the first
 *     rule of a chain of the rules sharing that masked key (same match, different
 *     priorities) sorted best first;
 *   - `maxPriority`, the highest priority of its rules, kept exact through a count of
 *     rules per priority.
 * Subtables sit in an array sorted by maxPriority, highest first, and in a map from a
 * hash of the mask, to find a rule's subtable on insert.
 *
 * LOOKUP. Visit subtables in decreasing maxPriority; in each, hash the packet's masked
 * words, probe, and compare the candidate's words. Stop as soon as the next subtable's
 * maxPriority is below the best priority found: nothing later can beat it (OVS's early
 * stop). No allocation, no BigInt, no strings: the key is a Uint32Array and every table
 * a typed array, so the loop stays in V8's optimized integer code.
 *
 * TIES. OpenFlow leaves the choice between overlapping rules of equal priority
 * undefined (1.3.5 section 6.4). This classifier makes it deterministic: among matching
 * rules of the best priority, the one inserted first wins. Every rule has a sequence
 * number from a counter; chains are sorted by (priority desc, seq asc); a subtable whose
 * maxPriority equals the best so far is still visited, and a rule of equal priority
 * replaces the best only with a smaller seq. The linear oracle applies the same rule.
 *
 * INVARIANTS. (1) value & ~mask == 0 for every rule (ensured on insert). (2) Every
 * subtable is non-empty and its maxPriority is the maximum over its rules. (3) The
 * subtable array is sorted by maxPriority, descending. (4) Every node has a non-empty
 * chain sorted by (priority desc, seq asc), and each live node is in exactly one slot,
 * reachable from its home slot without crossing an empty slot (backward-shift deletion
 * keeps this without tombstones). (5) rule.subtable/rule.node locate a live rule;
 * removed rules have subtable === undefined.
 *
 * COST (n rules, t subtables, w mask words of a subtable, c chain length).
 *   lookup: O(t * w) worst case, usually far less thanks to the early stop; O(w) for a
 *           single exact-match table.
 *   insert: O(w) to hash plus O(1) amortized table growth, O(c) chain insert, O(t) to
 *           re-sort a subtable whose maxPriority rose (an insertion step, not a sort).
 *   remove: O(w + c) plus, when the last rule of the subtable's top priority goes,
 *           O(distinct priorities in the subtable) to find the new maximum.
 *   memory: per rule one small object; per distinct masked key w + 2 words of typed
 *           storage and two 8-byte slot words.
 */
import { FILTER_WORDS, WordFilter } from './classifier-filter.js';
import { type FlowMatch, KEY_WORDS } from './flow-key.js';

/** A rule in the classifier; `data` is the caller's (a flow entry, a rule id). */
export class ClsRule<T> {
  /** Insertion sequence number: the tie-breaker between equal priorities. */
  seq = 0;
  /** Next rule with the same masked key (never better than this one). */
  next: ClsRule<T> | undefined = undefined;
  subtable: Subtable<T> | undefined = undefined;
  node = -1;

  constructor(
    readonly priority: number,
    readonly data: T,
  ) {}
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
/** Stored hashes have the top bit set, so 0 marks an empty slot. */
const USED = 0x80000000 | 0;

function maskHash(mask: Uint32Array): number {
  let h = 0;
  for (let i = 0; i < KEY_WORDS; i++) h = (h + Math.imul(mask[i]! | 0, MULT[i]!)) | 0;
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
  findNode(value: Uint32Array, h = this.valueHash(value)): number {
    let s = h & this.capMask;
    for (;;) {
      const at = s * this.stride;
      const sh = this.recs[at]!;
      if (sh === 0) return -1;
      if (sh === h && this.sameKey(at, value)) return s;
      s = (s + 1) & this.capMask;
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
    let node = this.findNode(value, h);
    if (node < 0) {
      if ((this.nodeCount + 1) * 5 > (this.capMask + 1) * 4) this.rehash((this.capMask + 1) * 2);
      node = this.emptySlot(h);
      const at = node * this.stride;
      this.recs[at] = h;
      for (let j = 0; j < this.n; j++) this.recs[at + 1 + j] = value[this.words[j]!]! | 0;
      this.heads[node] = rule;
      this.nodeCount++;
      for (let k = 0; k < this.filterIds.length; k++) {
        this.filter.add(this.filterIds[k]!, value[this.words[this.filterJ[k]!]!]!);
      }
    } else {
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
    rule.subtable = this;
    rule.node = node;
    this.count++;
    this.countPriority(rule.priority);
  }

  /** Removes a rule of this subtable; returns true when the subtable's maxPriority fell. */
  delete(rule: ClsRule<T>): boolean {
    const node = rule.node;
    let prev: ClsRule<T> | undefined;
    let cur = this.heads[node];
    while (cur && cur !== rule) {
      prev = cur;
      cur = cur.next;
    }
    if (!cur) throw new Error('classifier: rule not in its node chain');
    if (prev) prev.next = rule.next;
    else this.heads[node] = rule.next;
    if (this.heads[node] === undefined) this.freeSlot(node);
    rule.next = undefined;
    rule.subtable = undefined;
    rule.node = -1;
    this.count--;
    return this.uncountPriority(rule.priority);
  }

  hasPriority(priority: number): boolean {
    return this.prioIndex(priority) >= 0;
  }

  /** Slots holding a node (for iteration). */
  liveNodes(): number[] {
    const out: number[] = [];
    for (let s = 0; s <= this.capMask; s++) if (this.recs[s * this.stride] !== 0) out.push(s);
    return out;
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

/** Tuple space search over rules carrying `T`. */
export class Classifier<T> {
  /** Subtables by decreasing maxPriority. */
  private sorted: Subtable<T>[] = [];
  private readonly byMask = new Map<number, Subtable<T>[]>();
  private readonly filter = new WordFilter();
  private seq = 0;
  private rules = 0;

  /** `filterWords`: key words to keep subtable-skipping sets for (see classifier-filter). */
  constructor(private readonly filterWords: readonly number[] = FILTER_WORDS) {}

  get size(): number {
    return this.rules;
  }

  get subtableCount(): number {
    return this.sorted.length;
  }

  /** Adds a rule. `match.value` must already be masked (flow-key's toFlowMatch does it). */
  insert(match: FlowMatch, priority: number, data: T): ClsRule<T> {
    for (let i = 0; i < KEY_WORDS; i++) {
      if ((match.value[i]! & ~match.mask[i]!) !== 0) {
        throw new RangeError(`classifier: value word ${i} has bits outside its mask`);
      }
    }
    const rule = new ClsRule(priority, data);
    rule.seq = ++this.seq;
    let st = this.subtableFor(match.mask);
    if (!st) {
      const h = maskHash(match.mask);
      st = new Subtable<T>(match.mask, h, this.filter, this.filterWords);
      const list = this.byMask.get(h);
      if (list) list.push(st);
      else this.byMask.set(h, [st]);
      this.sorted.push(st);
    }
    const before = st.maxPriority;
    st.add(rule, match.value);
    if (st.maxPriority !== before) this.bubbleUp(st);
    this.rules++;
    return rule;
  }

  /** Removes a rule returned by insert (a no-op for a rule already removed). */
  remove(rule: ClsRule<T>): void {
    const st = rule.subtable;
    if (!st) return;
    const fell = st.delete(rule);
    this.rules--;
    if (st.count === 0) {
      st.dispose();
      this.sorted.splice(this.sorted.indexOf(st), 1);
      const list = this.byMask.get(st.hash)!;
      if (list.length === 1) this.byMask.delete(st.hash);
      else list.splice(list.indexOf(st), 1);
    } else if (fell) this.bubbleDown(st);
  }

  /** The best rule matching flow key `key` (highest priority, then first inserted). */
  lookup(key: Uint32Array): ClsRule<T> | undefined {
    const subs = this.sorted;
    const n = subs.length;
    const filter = this.filter;
    const stamp = filter.begin();
    let best: ClsRule<T> | undefined;
    let bestPri = -1;
    next: for (let i = 0; i < n; i++) {
      const st = subs[i]!;
      if (st.maxPriority < bestPri) break;
      const ids = st.filterIds;
      for (let k = 0; k < ids.length; k++) if (!filter.test(ids[k]!, key, stamp)) continue next;
      const r = st.find(key);
      if (
        r !== undefined &&
        (r.priority > bestPri || (r.priority === bestPri && r.seq < best!.seq))
      ) {
        best = r;
        bestPri = r.priority;
      }
    }
    return best;
  }

  /** The rule with exactly this match and priority (the oldest, if several). */
  findExact(match: FlowMatch, priority: number): ClsRule<T> | undefined {
    const st = this.subtableFor(match.mask);
    if (!st?.hasPriority(priority)) return undefined;
    const node = st.findNode(match.value);
    for (let r = node < 0 ? undefined : st.heads[node]; r; r = r.next) {
      if (r.priority === priority) return r;
    }
    return undefined;
  }

  /** Calls `fn` for every rule (any order). `fn` must not insert or remove. */
  forEach(fn: (rule: ClsRule<T>) => void): void {
    for (const st of this.sorted) {
      for (const node of st.liveNodes()) {
        for (let r = st.heads[node]; r; r = r.next) fn(r);
      }
    }
  }

  /**
   * Rules at least as specific as `filter`: every bit `filter` masks, the rule masks too,
   * with the same value (OpenFlow's non-strict match for MODIFY, DELETE and stats).
   */
  matching(filter: FlowMatch): ClsRule<T>[] {
    const out: ClsRule<T>[] = [];
    for (const st of this.sorted) {
      let covers = true;
      for (let i = 0; i < KEY_WORDS && covers; i++) {
        if ((filter.mask[i]! & ~st.mask[i]!) !== 0) covers = false;
      }
      if (!covers) continue;
      for (const node of st.liveNodes()) {
        let ok = true;
        for (let j = 0; j < st.n && ok; j++) {
          const w = st.words[j]!;
          if ((st.nodeWord(node, j) & filter.mask[w]!) >>> 0 !== filter.value[w]) ok = false;
        }
        if (ok) for (let r = st.heads[node]; r; r = r.next) out.push(r);
      }
    }
    return out;
  }

  /**
   * A rule of priority `priority` that some packet could match together with `match`
   * (OpenFlow's overlap for OFPFF_CHECK_OVERLAP), or undefined.
   */
  findOverlap(match: FlowMatch, priority: number): ClsRule<T> | undefined {
    for (const st of this.sorted) {
      if (!st.hasPriority(priority)) continue;
      for (const node of st.liveNodes()) {
        let disjoint = false;
        for (let j = 0; j < st.n && !disjoint; j++) {
          const w = st.words[j]!;
          if (
            ((st.nodeWord(node, j) ^ match.value[w]!) & match.mask[w]! & st.wmask[j]!) >>> 0 !==
            0
          ) {
            disjoint = true;
          }
        }
        if (disjoint) continue;
        for (let r = st.heads[node]; r; r = r.next) if (r.priority === priority) return r;
      }
    }
    return undefined;
  }

  /** A live rule's match, rebuilt in full key width. */
  ruleMatch(rule: ClsRule<T>): FlowMatch {
    const st = rule.subtable;
    if (!st) throw new Error('classifier: rule was removed');
    const value = new Uint32Array(KEY_WORDS);
    for (let j = 0; j < st.n; j++) value[st.words[j]!] = st.nodeWord(rule.node, j);
    return { value, mask: st.mask.slice() };
  }

  private subtableFor(mask: Uint32Array): Subtable<T> | undefined {
    const list = this.byMask.get(maskHash(mask));
    if (!list) return undefined;
    for (const st of list) {
      let same = true;
      for (let i = 0; i < KEY_WORDS && same; i++) if (st.mask[i] !== mask[i]) same = false;
      if (same) return st;
    }
    return undefined;
  }

  private bubbleUp(st: Subtable<T>): void {
    const a = this.sorted;
    let i = a.indexOf(st);
    while (i > 0 && a[i - 1]!.maxPriority < st.maxPriority) {
      a[i] = a[i - 1]!;
      i--;
    }
    a[i] = st;
  }

  private bubbleDown(st: Subtable<T>): void {
    const a = this.sorted;
    let i = a.indexOf(st);
    while (i < a.length - 1 && a[i + 1]!.maxPriority > st.maxPriority) {
      a[i] = a[i + 1]!;
      i++;
    }
    a[i] = st;
  }
}
