/**
 * `npm run bench classifier [-- --seed N] [--quick]`: the flow classifier on the two rule
 * sets of CLASSIFIER-RULESETS.md (100 000 exact L2 rules, 10 000 IPv4 ACL rules). Prints
 * lookups/s, inserts/s, deletes/s and heap bytes per rule for the tuple-space classifier,
 * the linear scan's lookups/s on the same data, and the ratio to Open vSwitch's figures.
 * --quick shortens the timed runs and the pool (about 2 s in all); figures are then
 * rougher and the pool checksum is not comparable.
 */
import { type Figures, INSERT_ROUNDS, measure, now } from './classifier-measure.js';
import {
  aclRuleSet,
  l2RuleSet,
  OVS_FIGURES,
  POOL_SIZE,
  poolHash,
  type RuleSet,
  SEED1_CHECKSUMS,
} from './classifier-rulesets.js';
import { findGc } from './heap.js';

interface Options {
  readonly seed: number;
  readonly quick: boolean;
}

function parseArgs(args: readonly string[]): Options {
  let seed = 1;
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = a === '--seed' ? args[++i] : a.slice('--seed='.length);
      const n = Number(v);
      if (!Number.isInteger(n)) throw new Error(`--seed needs an integer, got ${String(v)}`);
      seed = n;
    }
  }
  return { seed, quick };
}

const M = (x: number) => `${(x / 1e6).toFixed(2)} M`;
const K = (x: number) => (x >= 1e4 ? `${(x / 1e3).toFixed(0)} k` : x.toFixed(0));
const pad = (s: string, n: number) => s.padStart(n);

function report(set: RuleSet, f: Figures, opts: Options, genSecs: number): void {
  const ovs = OVS_FIGURES[set.name];
  const ovsLookup = (ovs.lookupsPerSec[0] + ovs.lookupsPerSec[1]) / 2;
  const ovsInsert = 2e6 / (ovs.insertUsPerRule[0] + ovs.insertUsPerRule[1]);
  const hash = poolHash(f.answers);
  const expect = opts.seed === 1 && !opts.quick ? SEED1_CHECKSUMS[set.name] : undefined;
  const check = expect
    ? set.rulesHash === expect.rulesHash && hash === expect.poolHash
      ? ' (seed-1 checksums OK)'
      : ' (seed-1 checksums DIFFER)'
    : '';
  const hits = f.answers.reduce((n, a) => (a >= 0 ? n + 1 : n), 0);
  console.log(
    `\n${set.name}: ${set.n} rules, ${f.tuples} tuples (OVS ${ovs.tuples}), pool ${set.poolSize} ` +
      `packets, ${((100 * hits) / set.poolSize).toFixed(1)}% hits, generated in ${genSecs.toFixed(2)} s`,
  );
  console.log(
    `  rules_hash 0x${set.rulesHash.toString(16).padStart(8, '0')}  ` +
      `pool_hash 0x${hash.toString(16).padStart(8, '0')}${check}`,
  );
  console.log(`  ${'figure'.padEnd(24)}${pad('ofctl-ts', 12)}${pad('OVS', 12)}${pad('ratio', 8)}`);
  const row = (name: string, ours: string, theirs: string, ratio: number | undefined) =>
    console.log(
      `  ${name.padEnd(24)}${pad(ours, 12)}${pad(theirs, 12)}${pad(ratio === undefined ? '' : ratio.toFixed(2), 8)}`,
    );
  row('lookups/s', M(f.lookupsPerSec), M(ovsLookup), f.lookupsPerSec / ovsLookup);
  row('ns/lookup', (1e9 / f.lookupsPerSec).toFixed(0), (1e9 / ovsLookup).toFixed(0), undefined);
  row(
    `inserts/s (best of ${INSERT_ROUNDS})`,
    K(f.insertsPerSec),
    K(ovsInsert),
    f.insertsPerSec / ovsInsert,
  );
  row('deletes/s', K(f.deletesPerSec), '', undefined);
  row(
    `bytes/rule${f.gcForced ? '' : ' (no gc!)'}`,
    f.bytesPerRule.toFixed(0),
    String(ovs.bytesPerRule),
    f.bytesPerRule / ovs.bytesPerRule,
  );
  row('linear lookups/s', K(f.linearLookupsPerSec), '', undefined);
  row('tss / linear', `${(f.lookupsPerSec / f.linearLookupsPerSec).toFixed(0)}x`, '', undefined);
  const target = TARGETS[set.name];
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  targets: lookups >= ${M(target.lookups)}/s ${verdict(f.lookupsPerSec >= target.lookups)}, ` +
      `inserts >= ${K(target.inserts)}/s ${verdict(f.insertsPerSec >= target.inserts)}, ` +
      `<= ${target.bytes} B/rule ${verdict(f.bytesPerRule <= target.bytes)}`,
  );
}

/** The project's goals for one core (issue 4). */
const TARGETS = {
  l2: { lookups: 5e6, inserts: 5e5, bytes: 1024 },
  acl: { lookups: 1e6, inserts: 5e5, bytes: 1024 },
} as const;

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const gc = findGc();
  const pool = opts.quick ? 1 << 16 : POOL_SIZE;
  console.log(
    `classifier: seed ${opts.seed}${opts.quick ? ', quick' : ''}, one thread, Node ${process.version}`,
  );
  for (const make of [l2RuleSet, aclRuleSet]) {
    const t0 = now();
    const set = make(opts.seed, pool);
    const genSecs = now() - t0;
    const f = measure(set, {
      lookups: opts.quick ? 1 << 18 : 1 << 23,
      linearBudget: opts.quick ? 0.1 : 1,
      gc,
    });
    report(set, f, opts, genSecs);
  }
}
