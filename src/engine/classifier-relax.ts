/**
 * Tuple merging for the classifier (see the essay in classifier.ts), after TupleMerge
 * (Daly and Torng, ICCCN 2017): a rule need not sit in the subtable of its own mask. It
 * may sit in a subtable whose mask is a *relaxation* of its own (fewer bits), hashed on
 * those bits only and checked on the rest, so rules of many masks share one subtable
 * and a lookup probes fewer. This file says how a mask is relaxed; the subtable keeps
 * each rule's remaining words (ClsRule.rest) and checks them after the probe.
 *
 * The relaxation is fixed per key word, not learned:
 *   - IPv4 address words (nw_src, nw_dst, arp_spa, arp_tpa) with a prefix mask of length
 *     l keep the longest of `prefixLengths` that is <= l (with [0, 16]: /16 to /32 rules
 *     share a /16 subtable, shorter prefixes leave the word out);
 *   - `dropWords` (the transport port word) are left out of the subtable mask: rules of
 *     one address pair and protocol but different ports share a node;
 *   - every other word, and an address word whose mask is not a prefix, is kept whole.
 * The price of sharing is a longer chain per node (more rules to check after a probe),
 * so a node holds at most `chainCap` relaxed rules: the best ones offered to it (highest
 * priority, then oldest), whatever the insertion order; a worse rule goes to the
 * subtable of its own mask, where it is found by hashing alone.
 */

import { type FlowMatch, KEY_WORDS, W } from './flow-key.js';
import { MatchKey } from './match-key.js';

export interface Relaxation {
  /** Prefix lengths IPv4 address words relax to (0 must be among them). */
  readonly prefixLengths: readonly number[];
  /** Key words left out of a relaxed mask. */
  readonly dropWords: readonly number[];
  /** Most rules one node of a relaxed subtable holds before rules go to their own mask's. */
  readonly chainCap: number;
}

/** The relaxation measured best on the benchmark rule sets (see the essay in classifier.ts). */
export const DEFAULT_RELAXATION: Relaxation = {
  prefixLengths: [0, 16],
  dropWords: [W.TP],
  chainCap: 16,
};

/** Words whose prefix masks relax. */
const PREFIX_WORDS = [W.NW_SRC, W.NW_DST, W.ARP_SPA, W.ARP_TPA];

const KEEP = 0;
const PREFIX = 1;
const DROP = 2;

/** A relaxation compiled for the insert path: per-word kind and per-length target. */
export class Relaxer {
  private readonly kind = new Uint8Array(KEY_WORDS);
  /** relaxed[l]: the mask a prefix of length l relaxes to. */
  private readonly relaxed = new Uint32Array(33);
  /** The relaxed form of the last match given to relax(): mask and masked value. */
  readonly out = new MatchKey();

  constructor(readonly config: Relaxation) {
    for (const w of PREFIX_WORDS) this.kind[w] = PREFIX;
    for (const w of config.dropWords) this.kind[w] = DROP;
    const lens = [...config.prefixLengths].sort((a, b) => a - b);
    if (lens[0] !== 0) throw new RangeError('classifier: prefixLengths must include 0');
    for (let l = 0; l <= 32; l++) {
      let keep = 0;
      for (const x of lens) if (x <= l) keep = x;
      this.relaxed[l] = keep === 0 ? 0 : (0xffffffff << (32 - keep)) >>> 0;
    }
  }

  /** The mask word `m` of key word `w` relaxes to. */
  word(w: number, m: number): number {
    const k = this.kind[w]!;
    if (k === KEEP || m === 0) return m;
    if (k === DROP) return 0;
    const len = Math.clz32(~m);
    // A prefix of length len is exactly the top len bits.
    if (len < 32 && m << len !== 0) return m;
    return this.relaxed[len]!;
  }

  /**
   * Relaxes `match` into `out` (mask and masked value, non-zero words listed). Returns
   * false, leaving `out` unspecified, when nothing relaxes: the rule's own mask is its
   * subtable's.
   */
  relax(match: FlowMatch): boolean {
    const { value, mask } = match;
    const sparse = match instanceof MatchKey;
    const n = sparse ? match.n : KEY_WORDS;
    let changed = false;
    for (let j = 0; j < n && !changed; j++) {
      const w = sparse ? match.words[j]! : j;
      const m = mask[w]!;
      if (m !== 0 && this.kind[w] !== KEEP && this.word(w, m) !== m) changed = true;
    }
    if (!changed) return false;
    const out = this.out;
    out.clear();
    for (let j = 0; j < n; j++) {
      const w = sparse ? match.words[j]! : j;
      const m = mask[w]!;
      if (m === 0) continue;
      const r = this.word(w, m);
      if (r === 0) continue;
      out.words[out.n++] = w;
      out.mask[w] = r;
      out.value[w] = (value[w]! & r) >>> 0;
    }
    return true;
  }
}
