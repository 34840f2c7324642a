/**
 * The two classifier rule sets of /work/shared/bench/CLASSIFIER-RULESETS.md (l2: 100 000
 * exact L2 rules; acl: 10 000 IPv4 ACL rules), generated draw for draw as that file
 * defines them, with their packet pools, and the checksums that prove it. Rules and
 * packets are kept in flat typed arrays; `ruleMatch` and `packetKey` write them into
 * reusable flow-key arrays so neither inserting nor looking up allocates.
 */
import { MatchKey, W } from '../src/engine/flow-key.js';

export const POOL_SIZE = 1 << 20;
const L2_RULES = 100_000;
const ACL_RULES = 10_000;

/** mulberry32, exactly as the rule-set definition gives it. */
export class Mulberry32 {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    const s = this.s;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }
  below(n: number): number {
    return Math.floor((this.u32() * n) / 2 ** 32);
  }
}

const prefixMask = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
export const fold = (h: number, x: number): number => (Math.imul(h, 0x01000193) ^ x) >>> 0;

/** A MAC as drawn by mac(): [hi16, lo32] in flow-key form, plus the checksum words. */
function drawMac(r: Mulberry32): { hi: number; lo: number; w0: number; w1: number } {
  const a = r.u32();
  const b = r.u32();
  const m = [((a >>> 24) & 0xfe) | 0x02, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff];
  m.push((b >>> 24) & 0xff, (b >>> 16) & 0xff);
  return {
    hi: (m[0]! << 8) | m[1]!,
    lo: ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0,
    w0: ((m[0]! << 24) | (m[1]! << 16) | (m[2]! << 8) | m[3]!) >>> 0,
    w1: (m[4]! << 8) | m[5]!,
  };
}

/** One rule set and its pool, in flow-key words. */
export interface RuleSet {
  readonly name: 'l2' | 'acl';
  readonly n: number;
  readonly priority: Int32Array;
  /** Per-rule fields, one typed array each (l2: port, srcHi, ...; acl: sa, sl, ...). */
  readonly fields: Readonly<Record<string, Uint32Array>>;
  readonly poolSize: number;
  readonly pool: Readonly<Record<string, Uint32Array>>;
  readonly rulesHash: number;
  /** Writes rule i into `m`, as the engine's FLOW_MOD path does (the previous match cleared). */
  ruleMatch(i: number, m: MatchKey): void;
  /** Writes pool packet j into `key` (only this set's words; the rest stay zero). */
  packetKey(j: number, key: Uint32Array): void;
}

/** Builds the l2 set: exact in_port, eth_src, eth_dst; all priority 1. */
export function l2RuleSet(seed: number, poolSize = POOL_SIZE, n = L2_RULES): RuleSet {
  const r = new Mulberry32(seed);
  const f = {
    port: new Uint32Array(n),
    srcHi: new Uint32Array(n),
    srcLo: new Uint32Array(n),
    dstHi: new Uint32Array(n),
    dstLo: new Uint32Array(n),
  };
  const seen = new Set<string>();
  let h = 0;
  for (let i = 0; i < n; i++) {
    for (;;) {
      const port = 1 + r.below(64);
      const src = drawMac(r);
      const dst = drawMac(r);
      const id = `${port}/${src.hi}/${src.lo}/${dst.hi}/${dst.lo}`;
      if (seen.has(id)) continue;
      seen.add(id);
      f.port[i] = port;
      f.srcHi[i] = src.hi;
      f.srcLo[i] = src.lo;
      f.dstHi[i] = dst.hi;
      f.dstLo[i] = dst.lo;
      h = fold(fold(fold(fold(fold(h, port), src.w0), src.w1), dst.w0), dst.w1);
      break;
    }
  }
  const pool = {
    port: new Uint32Array(poolSize),
    srcHi: new Uint32Array(poolSize),
    srcLo: new Uint32Array(poolSize),
    dstHi: new Uint32Array(poolSize),
    dstLo: new Uint32Array(poolSize),
  };
  for (let j = 0; j < poolSize; j++) {
    if (r.below(10) < 9) {
      const k = r.below(n);
      pool.port[j] = f.port[k]!;
      pool.srcHi[j] = f.srcHi[k]!;
      pool.srcLo[j] = f.srcLo[k]!;
      pool.dstHi[j] = f.dstHi[k]!;
      pool.dstLo[j] = f.dstLo[k]!;
    } else {
      pool.port[j] = 1 + r.below(64);
      const src = drawMac(r);
      const dst = drawMac(r);
      pool.srcHi[j] = src.hi;
      pool.srcLo[j] = src.lo;
      pool.dstHi[j] = dst.hi;
      pool.dstLo[j] = dst.lo;
    }
  }
  return {
    name: 'l2',
    n,
    priority: new Int32Array(n).fill(1),
    fields: f,
    poolSize,
    pool,
    rulesHash: h,
    ruleMatch(i, m) {
      m.clear();
      put(m, W.IN_PORT, 0xffffffff, f.port[i]!);
      put(m, W.DL_SRC, 0xffffffff, f.srcLo[i]!);
      put(m, W.DL_DST, 0xffffffff, f.dstLo[i]!);
      put(m, W.DL_HI, 0xffffffff, ((f.dstHi[i]! << 16) | f.srcHi[i]!) >>> 0);
    },
    packetKey(j, key) {
      key[W.IN_PORT] = pool.port[j]!;
      key[W.DL_SRC] = pool.srcLo[j]!;
      key[W.DL_DST] = pool.dstLo[j]!;
      key[W.DL_HI] = ((pool.dstHi[j]! << 16) | pool.srcHi[j]!) >>> 0;
    },
  };
}

const LENS = [0, 8, 16, 24, 32];
const PORTS = [20, 21, 22, 23, 25, 53, 80, 110, 123, 143, 161, 389, 443, 993, 3306, 8080];
/** Protocol 0 and port 65536 mean "any" in the acl set's fields. */
const ANY_PROTO = 0;
const ANY_PORT = 65536;

/** Builds the acl set: eth_type=IPv4, src/dst prefixes, protocol and destination port. */
export function aclRuleSet(seed: number, poolSize = POOL_SIZE, n = ACL_RULES): RuleSet {
  const r = new Mulberry32(seed);
  const srcNet: number[] = [];
  const dstNet: number[] = [];
  for (let q = 0; q < 64; q++) srcNet.push((r.u32() & 0xffff0000) >>> 0);
  for (let q = 0; q < 64; q++) dstNet.push((r.u32() & 0xffff0000) >>> 0);
  const f = {
    sa: new Uint32Array(n),
    sl: new Uint32Array(n),
    da: new Uint32Array(n),
    dl: new Uint32Array(n),
    proto: new Uint32Array(n),
    dport: new Uint32Array(n),
  };
  const priority = new Int32Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    priority[i] = n - i;
    const sl = LENS[r.below(5)]!;
    const sa = ((srcNet[r.below(64)]! | (r.u32() & 0xffff)) & prefixMask(sl)) >>> 0;
    const dl = LENS[r.below(5)]!;
    const da = ((dstNet[r.below(64)]! | (r.u32() & 0xffff)) & prefixMask(dl)) >>> 0;
    const c = r.below(3);
    const proto = c === 0 ? 6 : c === 1 ? 17 : ANY_PROTO;
    let dport = ANY_PORT;
    if (proto !== ANY_PROTO && r.below(2) === 0) dport = PORTS[r.below(16)]!;
    f.sa[i] = sa;
    f.sl[i] = sl;
    f.da[i] = da;
    f.dl[i] = dl;
    f.proto[i] = proto;
    f.dport[i] = dport;
    h = fold(fold(fold(fold(fold(fold(fold(h, sa), sl), da), dl), proto), dport), n - i);
  }
  const pool = {
    sa: new Uint32Array(poolSize),
    da: new Uint32Array(poolSize),
    proto: new Uint32Array(poolSize),
    tp: new Uint32Array(poolSize),
  };
  for (let j = 0; j < poolSize; j++) {
    let sa: number;
    let da: number;
    let proto: number;
    let dport: number;
    if (r.below(2) === 0) {
      const k = r.below(n);
      sa = (f.sa[k]! | (r.u32() & ~prefixMask(f.sl[k]!))) >>> 0;
      da = (f.da[k]! | (r.u32() & ~prefixMask(f.dl[k]!))) >>> 0;
      proto = f.proto[k] !== ANY_PROTO ? f.proto[k]! : r.below(2) === 0 ? 6 : 17;
      dport = f.dport[k] !== ANY_PORT ? f.dport[k]! : r.below(65536);
    } else {
      sa = r.u32();
      da = r.u32();
      proto = r.below(2) === 0 ? 6 : 17;
      dport = r.below(65536);
    }
    const sport = r.below(65536);
    pool.sa[j] = sa;
    pool.da[j] = da;
    pool.proto[j] = proto;
    pool.tp[j] = ((sport << 16) | dport) >>> 0;
  }
  return {
    name: 'acl',
    n,
    priority,
    fields: f,
    poolSize,
    pool,
    rulesHash: h,
    ruleMatch(i, m) {
      m.clear();
      put(m, W.L2, 0xffff0000, 0x0800 << 16);
      put(m, W.NW_SRC, prefixMask(f.sl[i]!), f.sa[i]!);
      put(m, W.NW_DST, prefixMask(f.dl[i]!), f.da[i]!);
      if (f.proto[i] !== ANY_PROTO) put(m, W.NW, 0xff000000, (f.proto[i]! << 24) >>> 0);
      if (f.dport[i] !== ANY_PORT) put(m, W.TP, 0xffff, f.dport[i]!);
    },
    packetKey(j, key) {
      key[W.L2] = 0x0800 << 16;
      key[W.NW] = (pool.proto[j]! << 24) >>> 0;
      key[W.NW_SRC] = pool.sa[j]!;
      key[W.NW_DST] = pool.da[j]!;
      key[W.TP] = pool.tp[j]!;
    },
  };
}

/** A match for ruleMatch to fill. */
export function scratchMatch(): MatchKey {
  return new MatchKey();
}

/** Sets word `w` of `m` (one not set since the last clear); a zero mask sets nothing. */
function put(m: MatchKey, w: number, mask: number, value: number): void {
  if (mask === 0) return;
  m.words[m.n++] = w;
  m.mask[w] = mask;
  m.value[w] = (value & mask) >>> 0;
}

/** fold over the pool of (answer ? ruleId + 1 : 0), given the answers in pool order. */
export function poolHash(answers: Int32Array): number {
  let h = 0;
  for (let j = 0; j < answers.length; j++) h = fold(h, answers[j]! + 1);
  return h;
}

/** Seed-1 checksums from the rule-set definition. */
export const SEED1_CHECKSUMS = {
  l2: { rulesHash: 0xc7682827, poolHash: 0x39d3586a },
  acl: { rulesHash: 0xd754e9cd, poolHash: 0x48eaf6fe },
} as const;

/** Where OVS_FIGURES come from. */
export const OVS_REFERENCE =
  'Open vSwitch 3.x lib/classifier.c, plain lookups (no wildcard tracking), gcc -O2, ' +
  '2-core AMD EPYC VM, quiet, from CLASSIFIER-RULESETS.md (2026-12, earlier session)';

/**
 * Figures measured on Open vSwitch's classifier, from the rule-set definition: a
 * reference from another run (OVS_REFERENCE), not a same-run measurement.
 */
export const OVS_FIGURES = {
  l2: { tuples: 1, lookupsPerSec: [4.7e6, 5.4e6], insertUsPerRule: [1.2, 1.8], bytesPerRule: 285 },
  acl: {
    tuples: 75,
    lookupsPerSec: [1.76e6, 1.79e6],
    insertUsPerRule: [2.1, 2.5],
    bytesPerRule: 365,
  },
} as const;
