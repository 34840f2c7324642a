/**
 * The classifier: finds the highest-priority rule whose masked match equals a packet's
 * flow key. Tuple space search, as in Open vSwitch's lib/classifier.c, with tuple
 * merging (classifier-relax.ts, after TupleMerge, Daly and Torng 2017) that keeps the
 * best rules of each merged node, plus a subtable filter in the spirit of OVS's prefix
 * tries.
 *
 * WHAT IT HOLDS. Rules (value, mask, priority, data) over the flow key of flow-key.ts:
 * KEY_WORDS 32-bit words. A key K matches a rule when, for every word i,
 * (K[i] & mask[i]) === value[i] (values are stored masked).
 *
 * STRUCTURE. Rules are grouped by mask into subtables ("tuples", classifier-subtable.ts):
 * all rules of a subtable share its mask, so within it a match is an exact lookup of
 * the masked key. A subtable keeps:
 *   - `words`, the indices of the mask's non-zero words, and `wmask` their masks: hashing
 *     and comparing touch only those (4 words for an exact L2 match, 2-5 for an IPv4
 *     ACL), never all KEY_WORDS;
 *   - an open-addressed hash table (linear probing, load <= 0.8, power-of-two size) in
 *     one Int32Array of records [hash | USED bit, masked key words...], so a probe reads
 *     the hash and the key from the same cache line, and `heads[slot]`, the best rule of
 *     the chain of rules sharing that masked key (same match, other priorities);
 *   - the sorted distinct priorities of its rules with their counts, giving `maxPriority`.
 * The classifier keeps its subtables in an array sorted by maxPriority, highest first,
 * and in a map from a hash of the mask (to find a rule's subtable on insert), and
 * remembers the last subtable it found that way: FLOW_MODs come in runs of one shape.
 * A rule is a ClsRule carrying the caller's data, or a subclass that is its own data
 * (FlowEntry: one object per flow entry, not two).
 *
 * MATCHES come as FlowMatch (full-width value and mask arrays), possibly a MatchKey
 * (match-key.ts), which also lists its non-zero mask words: with one, finding
 * the subtable (mask hash, mask comparison) and checking value & ~mask read only those
 * words; a plain FlowMatch is read in full. The classifier copies what it keeps, so one
 * MatchKey can be reused for every FLOW_MOD.
 * For a few words that rules mask many ways (IPv4 and IPv6 addresses), a WordFilter
 * (classifier-filter.ts) holds, per distinct (word, mask) pair, the multiset of masked
 * values present: a subtable whose pair does not contain the packet's value cannot
 * match and is skipped for the price of one small-set probe shared by every subtable
 * with that pair.
 *
 * TUPLE MERGING. A rule may sit in the subtable of a *relaxed* mask (IPv4 address
 * prefixes cut to /16 or dropped below it, the transport port word dropped), hashed on
 * those bits and checked on the rest (ClsRule.rest, its first triple kept inline). Each
 * node of such a shared subtable keeps the best chainCap (16) relaxed rules offered to
 * it, highest priority first, whatever the insertion order: a better newcomer evicts the
 * worst to the subtable of its own mask. So the highest-priority rules gather in a few
 * shared subtables, and the early stop below cuts the lookup short once one of them
 * matches. Rules whose own mask is not relaxable (exact L2 matches) are unaffected.
 *
 * WHY THIS STRUCTURE (measured 2026-12-04 on the bench rule sets, seed 1, rules
 * inserted in a shuffled order, process CPU time, medians of 5, machine loaded 14-22 on
 * 2 cores, so ratios matter more than absolutes). "acl" is the bench set; "acl-nowild"
 * its 6 400 rules with both addresses masked, an adversarial shape where answers are
 * rarely among the top rules. Relaxation written prefixes/dropped word/chainCap:
 *     structure                   acl subtables  acl M/s  acl-nowild M/s  acl ins k/s
 *     plain tuple space (OVS's)        75         1.0-1.24     1.10-1.15     355-457
 *     merge /8 /16, ports, cap 8       30-34      1.35-1.9     2.5-3.0       140-340
 *     merge /16, ports, cap 8          50         2.8          1.25          200
 *     merge /16, ports, cap 16 (WON)   45-48      2.8-3.4      1.5-1.8       180-540
 *     merge all addresses, cap 32      75         5.3-8.7      0.55-0.78     240-320
 *     same, first version (a node kept the *first* cap rules, not the best):
 *     merge /8 /16 ports cap 8, inserted in priority order 1.46, shuffled 1.16-1.51.
 *   The first version's gains were an artefact of the bench inserting rules in priority
 *   order; keeping the best rules per node made them independent of the order. Merging
 *   every address away is fastest on acl (its answers are among the top 20 rules for
 *   half the packets, top 77 for 90%) but halves acl-nowild: long chains of rules that
 *   never match. /16 with cap 16 is 2.8x plain tuple space on acl and 1.5x on
 *   acl-nowild, the best worst case, hence the default. PartitionSort and decision trees
 *   were not built: their updates (a wildcard rule touches many leaves) do not fit the
 *   500 k inserts/s target, and time ran out. Same-run figures against OVS itself: see
 *   the bench and the report of issue 15.
 *
 * LOOKUP. Visit subtables in decreasing maxPriority; stop as soon as the next one's
 * maxPriority is below the best priority found (OVS's early stop); skip those the filter
 * rules out; otherwise hash the packet's masked words, probe, compare. No allocation, no
 * BigInt, no strings: typed arrays and small integers only.
 *
 * TIES. OpenFlow leaves the choice between overlapping rules of equal priority
 * undefined (1.3.5 section 6.4). This classifier makes it deterministic: among the
 * matching rules of the best priority, the one inserted first wins. Rules carry a
 * sequence number; chains are sorted by (priority desc, seq asc); a subtable whose
 * maxPriority equals the best so far is still visited, and a rule of equal priority
 * replaces the best only with a smaller seq. The linear oracle applies the same rule.
 *
 * INVARIANTS. (1) value & ~mask == 0 for every rule (checked on insert). (2) Every
 * subtable is non-empty and its maxPriority is the maximum over its rules. (3) The
 * subtable array is sorted by maxPriority, descending. (4) Every occupied slot holds a
 * non-empty chain sorted by (priority desc, seq asc), and is reachable from its home
 * slot without crossing an empty slot (backward-shift deletion keeps this without
 * tombstones). (5) rule.subtable and rule.node (its slot) locate a live rule; a removed
 * rule has subtable === undefined. (6) Each filter multiset holds exactly the masked
 * values of the occupied slots of the subtables sharing its pair.
 *
 * COST (t subtables, w mask words of a subtable, c chain length, p distinct priorities
 * in a subtable, f filter pairs).
 *   lookup: O(f + t * w) worst case; usually far less (early stop, filter); O(w) for a
 *           single exact-match table.
 *   insert: O(KEY_WORDS) to find the subtable (O(w) for a MatchKey), O(w) to hash, one
 *           probe that finds the node or the empty slot for it, amortized O(1) growth,
 *           O(c) chain insert, O(p) for a new priority, O(t) when a subtable's
 *           maxPriority rises (one insertion step in the sorted array).
 *   replace (same match and priority, as an ADD over an existing flow): O(c); no hash,
 *           no probe, no change to counts, filter sets or the subtable order.
 *   remove: O(w + c + p), O(t) when the subtable's maxPriority falls or it empties.
 *   matching (non-strict selection): O(t * KEY_WORDS) to pick the subtables at least as
 *           specific as the filter, then O(w) for one whose mask equals the filter's
 *           (a hash probe) and a scan of every node for the others.
 *   memory: per rule one small object (none beyond the caller's for a ClsRule subclass),
 *           plus a small Int32Array for a relaxed rule's rest; per distinct masked key
 *           1 + w int32 of records (at load >= 0.4) and one pointer; 110-250 bytes per
 *           rule on the benchmark.
 *   A relaxed subtable's lookup also walks its node's chain (at most chainCap relaxed
 *   rules plus rules of exactly its mask), stopping at the first that matches or cannot
 *   beat the best so far. Deleting a rule does not pull an evicted one back: correct,
 *   only a little slower until the node fills again.
 */
import { FILTER_WORDS, WordFilter } from './classifier-filter.js';
import { DEFAULT_RELAXATION, type Relaxation, Relaxer } from './classifier-relax.js';
import { ClsRule, maskHash, Subtable, setRest } from './classifier-subtable.js';
import { type FlowMatch, KEY_WORDS } from './flow-key.js';
import { MatchKey } from './match-key.js';

export { DEFAULT_RELAXATION, type Relaxation } from './classifier-relax.js';
export { ClsRule, Subtable } from './classifier-subtable.js';

export interface ClassifierOptions {
  /** How masks merge into shared subtables; false for plain tuple space search. */
  readonly relax?: Relaxation | false;
  /** Key words to keep subtable-skipping sets for (see classifier-filter). */
  readonly filterWords?: readonly number[];
}

/** Tuple space search with tuple merging over rules carrying `T`. */
export class Classifier<T> {
  /** Subtables by decreasing maxPriority. */
  private sorted: Subtable<T>[] = [];
  private readonly byMask = new Map<number, Subtable<T>[]>();
  private readonly filter = new WordFilter();
  private seq = 0;
  private rules = 0;
  /** The subtable subtableFor found last (FLOW_MODs come in runs of one shape). */
  private last: Subtable<T> | undefined = undefined;

  private readonly filterWords: readonly number[];
  private readonly relaxer: Relaxer | undefined;
  private readonly chainCap: number;
  /** Scratch arrays for rebuilding a rule's match on the slow paths. */
  private readonly scratchValue = new Uint32Array(KEY_WORDS);
  private readonly scratchMask = new Uint32Array(KEY_WORDS);

  constructor(options: ClassifierOptions = {}) {
    this.filterWords = options.filterWords ?? FILTER_WORDS;
    const relax = options.relax ?? DEFAULT_RELAXATION;
    this.relaxer = relax === false ? undefined : new Relaxer(relax);
    this.chainCap = relax === false ? 0 : relax.chainCap;
  }

  get size(): number {
    return this.rules;
  }

  get subtableCount(): number {
    return this.sorted.length;
  }

  /** Adds a rule. `match.value` must already be masked (flow-key's toFlowMatch does it). */
  insert(match: FlowMatch, priority: number, data: T): ClsRule<T> {
    return this.insertRule(match, new ClsRule(priority, data));
  }

  /** Adds `rule`, made by the caller (a ClsRule subclass), which is in no classifier. */
  insertRule<R extends ClsRule<T>>(match: FlowMatch, rule: R): R {
    if (rule.subtable !== undefined) throw new Error('classifier: rule is already inserted');
    checkMasked(match);
    rule.seq = ++this.seq;
    this.rules++;
    const rx = this.relaxer;
    if (rx?.relax(match) && this.addShared(rule, match, rx.out)) return rule;
    this.addTo(this.subtableFor(match) ?? this.createSubtable(match), rule, match);
    return rule;
  }

  /**
   * Puts `rule` in the subtable of its relaxed mask `relaxed` when its node there has
   * room for one more relaxed rule, or holds a worse one, which then moves to its own
   * mask's subtable: each node of a shared subtable keeps the best chainCap relaxed
   * rules offered to it, whatever the order they came in (rules whose own mask is the
   * subtable's have no other place and do not count). Returns false when `rule` is the
   * worse one.
   */
  private addShared(rule: ClsRule<T>, match: FlowMatch, relaxed: FlowMatch): boolean {
    const shared = this.subtableFor(relaxed) ?? this.createSubtable(relaxed);
    let worst: ClsRule<T> | undefined;
    let length = 0;
    for (let r = shared.chainOf(match.value); r !== undefined; r = r.next) {
      if (r.rest === undefined) continue;
      worst = r;
      length++;
    }
    if (length >= this.chainCap) {
      // The chain is sorted best first, and `rule` is the newest: it beats `worst` only
      // with a higher priority.
      if (worst!.priority >= rule.priority) return false;
      const value = this.scratchValue;
      const mask = this.scratchMask;
      value.fill(0);
      mask.fill(0);
      shared.ruleMatchInto(worst!, value, mask);
      const before = shared.maxPriority;
      shared.delete(worst!);
      this.reposition(shared, before);
      const own = { value, mask };
      this.addTo(this.subtableFor(own) ?? this.createSubtable(own), worst!, own);
    }
    setRest(rule, restOf(match, shared));
    this.addTo(shared, rule, match);
    return true;
  }

  private addTo(st: Subtable<T>, rule: ClsRule<T>, match: FlowMatch): void {
    const before = st.maxPriority;
    st.add(rule, match.value);
    this.reposition(st, before);
  }

  /** Moves `st` to its place in the order after its maxPriority changed from `before`. */
  private reposition(st: Subtable<T>, before: number): void {
    if (st.maxPriority > before) this.bubbleUp(st);
    else if (st.maxPriority < before) this.bubbleDown(st);
  }

  private createSubtable(match: FlowMatch): Subtable<T> {
    const h = matchMaskHash(match);
    const st = new Subtable<T>(match.mask, h, this.filter, this.filterWords);
    const list = this.byMask.get(h);
    if (list) list.push(st);
    else this.byMask.set(h, [st]);
    this.sorted.push(st);
    this.last = st;
    return st;
  }

  /**
   * Replaces live rule `old` by a new rule with the same match and priority carrying
   * `data`: what removing `old` and inserting the new one does (the new rule takes a new
   * sequence number, so it is the newest in ties), without rehashing or touching the
   * subtable's slot, counts or filter sets.
   */
  replace(old: ClsRule<T>, data: T): ClsRule<T> {
    return this.replaceRule(old, new ClsRule(old.priority, data));
  }

  /** replace() with a rule made by the caller, of `old`'s priority and in no classifier. */
  replaceRule<R extends ClsRule<T>>(old: ClsRule<T>, rule: R): R {
    const st = old.subtable;
    if (!st) throw new Error('classifier: rule was removed');
    if (rule.subtable !== undefined) throw new Error('classifier: rule is already inserted');
    if (rule.priority !== old.priority) throw new Error('classifier: replacing across priorities');
    rule.seq = ++this.seq;
    st.replace(old, rule);
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
      if (this.last === st) this.last = undefined;
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
    let bestSeq = 0;
    next: for (let i = 0; i < n; i++) {
      const st = subs[i]!;
      if (st.maxPriority < bestPri) break;
      const ids = st.filterIds;
      for (let k = 0; k < ids.length; k++) if (!filter.test(ids[k]!, key, stamp)) continue next;
      const r = st.find(key, bestPri, bestSeq);
      if (r !== undefined) {
        best = r;
        bestPri = r.priority;
        bestSeq = r.seq;
      }
    }
    return best;
  }

  /** The rule with exactly this match and priority (the oldest, if several). */
  findExact(match: FlowMatch, priority: number): ClsRule<T> | undefined {
    // A rule sits in its own mask's subtable or in its relaxed mask's.
    const own = this.subtableFor(match);
    let found = own === undefined ? undefined : exactIn(own, match, priority);
    const rx = this.relaxer;
    if (rx?.relax(match)) {
      const shared = this.subtableFor(rx.out);
      const r = shared === undefined ? undefined : exactIn(shared, match, priority);
      if (r !== undefined && (found === undefined || r.seq < found.seq)) found = r;
    }
    return found;
  }

  /** Calls `fn` for every rule (any order). `fn` must not insert or remove. */
  forEach(fn: (rule: ClsRule<T>) => void): void {
    for (const st of this.sorted) {
      for (let node = 0, slots = st.slots; node < slots; node++) {
        if (st.live(node)) for (let r = st.heads[node]; r; r = r.next) fn(r);
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
      if (!covers) {
        // Rules relaxed into this subtable may still cover the filter with their rest.
        if (st.restCount > 0) this.matchingByRule(st, filter, out);
        continue;
      }
      if (hasMaskOf(st, filter)) {
        // The filter's mask is the subtable's: one node at most, found by hashing.
        const node = st.findNode(filter.value);
        for (let r = node < 0 ? undefined : st.heads[node]; r; r = r.next) out.push(r);
        continue;
      }
      for (let node = 0, slots = st.slots; node < slots; node++) {
        if (!st.live(node)) continue;
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
      if (st.restCount > 0) {
        const r = this.overlapByRule(st, match, priority);
        if (r !== undefined) return r;
        continue;
      }
      for (let node = 0, slots = st.slots; node < slots; node++) {
        if (!st.live(node)) continue;
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
    const mask = new Uint32Array(KEY_WORDS);
    st.ruleMatchInto(rule, value, mask);
    return { value, mask };
  }

  /** matching() over the rules of one subtable, each by its whole match. */
  private matchingByRule(st: Subtable<T>, filter: FlowMatch, out: ClsRule<T>[]): void {
    const value = this.scratchValue;
    const mask = this.scratchMask;
    for (let node = 0, slots = st.slots; node < slots; node++) {
      if (!st.live(node)) continue;
      for (let r = st.heads[node]; r; r = r.next) {
        if (r.rest === undefined) continue;
        value.fill(0);
        mask.fill(0);
        st.ruleMatchInto(r, value, mask);
        let ok = true;
        for (let w = 0; w < KEY_WORDS && ok; w++) {
          const f = filter.mask[w]!;
          if ((f & ~mask[w]!) !== 0 || (value[w]! & f) >>> 0 !== filter.value[w]) ok = false;
        }
        if (ok) out.push(r);
      }
    }
  }

  /** findOverlap() in one subtable, each rule by its whole match. */
  private overlapByRule(
    st: Subtable<T>,
    match: FlowMatch,
    priority: number,
  ): ClsRule<T> | undefined {
    const value = this.scratchValue;
    const mask = this.scratchMask;
    for (let node = 0, slots = st.slots; node < slots; node++) {
      if (!st.live(node)) continue;
      for (let r = st.heads[node]; r; r = r.next) {
        if (r.priority !== priority) continue;
        value.fill(0);
        mask.fill(0);
        st.ruleMatchInto(r, value, mask);
        let disjoint = false;
        for (let w = 0; w < KEY_WORDS && !disjoint; w++) {
          if (((value[w]! ^ match.value[w]!) & mask[w]! & match.mask[w]!) !== 0) disjoint = true;
        }
        if (!disjoint) return r;
      }
    }
    return undefined;
  }

  /** The subtable of rules with `match`'s mask; the last one found is tried before hashing. */
  private subtableFor(match: FlowMatch): Subtable<T> | undefined {
    const last = this.last;
    if (last !== undefined && hasMaskOf(last, match)) return last;
    const list = this.byMask.get(matchMaskHash(match));
    if (!list) return undefined;
    for (const st of list) {
      if (hasMaskOf(st, match)) {
        this.last = st;
        return st;
      }
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

/*
 * A MatchKey lists its non-zero mask words, so the helpers below touch only those (a
 * learning switch's match: 4 of KEY_WORDS); any other FlowMatch is read in full.
 */

/** Throws when a value word has bits outside its mask (a caller's bug). */
function checkMasked(match: FlowMatch): void {
  const { value, mask } = match;
  const sparse = match instanceof MatchKey;
  const n = sparse ? match.n : KEY_WORDS;
  for (let j = 0; j < n; j++) {
    const i = sparse ? match.words[j]! : j;
    if ((value[i]! & ~mask[i]!) !== 0) {
      throw new RangeError(`classifier: value word ${i} has bits outside its mask`);
    }
  }
}

function matchMaskHash(match: FlowMatch): number {
  return match instanceof MatchKey
    ? maskHash(match.mask, match.words, match.n)
    : maskHash(match.mask);
}

/**
 * `match` beyond `st`'s mask (which its own mask contains): (word, mask, value) triples,
 * the word with the most mask bits first (it rejects most non-matching keys).
 */
function restOf<T>(match: FlowMatch, st: Subtable<T>): Int32Array | undefined {
  const { value, mask } = match;
  const sparse = match instanceof MatchKey;
  const n = sparse ? match.n : KEY_WORDS;
  let beyond = 0;
  for (let j = 0; j < n; j++) {
    const w = sparse ? match.words[j]! : j;
    if (mask[w] !== 0 && mask[w] !== st.mask[w]) beyond++;
  }
  if (beyond === 0) return undefined;
  const out = new Int32Array(beyond * 3);
  let best = 0;
  for (let j = 0, k = 0; j < n; j++) {
    const w = sparse ? match.words[j]! : j;
    if (mask[w] === 0 || mask[w] === st.mask[w]) continue;
    out[k] = w;
    out[k + 1] = mask[w]!;
    out[k + 2] = value[w]!;
    if (popcount(mask[w]!) > popcount(out[best + 1]!)) best = k;
    k += 3;
  }
  if (best !== 0) {
    for (let i = 0; i < 3; i++) {
      const t = out[i]!;
      out[i] = out[best + i]!;
      out[best + i] = t;
    }
  }
  return out;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The oldest rule of `st` with exactly `match` and `priority`. */
function exactIn<T>(st: Subtable<T>, match: FlowMatch, priority: number): ClsRule<T> | undefined {
  if (!st.hasPriority(priority)) return undefined;
  const node = st.findNode(match.value);
  if (node < 0) return undefined;
  const own = hasMaskOf(st, match);
  for (let r = st.heads[node]; r; r = r.next) {
    if (r.priority !== priority) continue;
    if (r.rest === undefined ? own : !own && sameRest(r.rest, match, st)) return r;
  }
  return undefined;
}

/** Is `rest` exactly `match` beyond `st`'s mask? */
function sameRest<T>(rest: Int32Array, match: FlowMatch, st: Subtable<T>): boolean {
  const { value, mask } = match;
  for (let i = 0; i < rest.length; i += 3) {
    const w = rest[i]!;
    if ((mask[w]! | 0) !== rest[i + 1] || (value[w]! | 0) !== rest[i + 2]) return false;
  }
  // And no other word of the match goes beyond the subtable's mask.
  const sparse = match instanceof MatchKey;
  const n = sparse ? match.n : KEY_WORDS;
  let beyond = 0;
  for (let j = 0; j < n; j++) {
    const w = sparse ? match.words[j]! : j;
    if (mask[w] !== 0 && mask[w] !== st.mask[w]) beyond++;
  }
  return beyond * 3 === rest.length;
}

/** Is `match`'s mask the subtable's? */
function hasMaskOf<T>(st: Subtable<T>, match: FlowMatch): boolean {
  const mask = match.mask;
  if (!(match instanceof MatchKey)) {
    for (let i = 0; i < KEY_WORDS; i++) if (st.mask[i] !== mask[i]) return false;
    return true;
  }
  // Same number of non-zero words, and the subtable's are equal: the masks are equal.
  if (match.n !== st.n) return false;
  const words = st.words;
  const wmask = st.wmask;
  for (let j = 0; j < st.n; j++) if ((mask[words[j]!]! | 0) !== wmask[j]) return false;
  return true;
}
