/**
 * `npm run bench classifier [-- --seed N] [--reps N] [--quick] [--json]`: the flow
 * classifier on the two rule sets of CLASSIFIER-RULESETS.md (100 000 exact L2 rules,
 * 10 000 IPv4 ACL rules). Prints the machine and its load, then medians over --reps
 * (default 5, at least 5) repetitions of lookups/s and inserts/s, timed in process CPU
 * time, deletes/s and heap bytes per rule, the linear scan's lookups/s on the same
 * data, and the ratio to Open vSwitch's figures. Those are a REFERENCE from another run
 * (OVS_REFERENCE below: its date, machine and load), not measured here: compare in one
 * run on one machine for a real ratio. --quick shortens the timed runs and the pool
 * (figures rougher, pool checksum not comparable); --json adds one JSON line per set.
 */
import os from 'node:os';
import { type Figures, measure, now } from './classifier-measure.js';
import {
  aclRuleSet,
  l2RuleSet,
  OVS_FIGURES,
  OVS_REFERENCE,
  POOL_SIZE,
  poolHash,
  type RuleSet,
  SEED1_CHECKSUMS,
} from './classifier-rulesets.js';
import { findGc } from './heap.js';

interface Options {
  readonly seed: number;
  readonly quick: boolean;
  readonly reps: number;
  readonly json: boolean;
}

function parseArgs(args: readonly string[]): Options {
  let seed = 1;
  let quick = false;
  let reps = 5;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--json') json = true;
    else if (a === '--reps') {
      reps = Number(args[++i]);
      if (!Number.isInteger(reps) || reps < 5) throw new Error('--reps needs an integer >= 5');
    } else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = a === '--seed' ? args[++i] : a.slice('--seed='.length);
      const n = Number(v);
      if (!Number.isInteger(n)) throw new Error(`--seed needs an integer, got ${String(v)}`);
      seed = n;
    }
  }
  return { seed, quick, reps, json };
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
  row('lookups/s (median)', M(f.lookupsPerSec), M(ovsLookup), f.lookupsPerSec / ovsLookup);
  row('ns/lookup', (1e9 / f.lookupsPerSec).toFixed(0), (1e9 / ovsLookup).toFixed(0), undefined);
  row(`inserts/s (median)`, K(f.insertsPerSec), K(ovsInsert), f.insertsPerSec / ovsInsert);
  row('deletes/s', K(f.deletesPerSec), '', undefined);
  row(
    `bytes/rule${f.gcForced ? '' : ' (no gc!)'}`,
    f.bytesPerRule.toFixed(0),
    String(ovs.bytesPerRule),
    f.bytesPerRule / ovs.bytesPerRule,
  );
  row('linear lookups/s', K(f.linearLookupsPerSec), '', undefined);
  console.log(
    `  repetitions: lookups/s ${f.lookupRates.map(M).join(', ')}; inserts/s ${f.insertRates.map(K).join(', ')}`,
  );
  row(
    'classifier / linear',
    `${(f.lookupsPerSec / f.linearLookupsPerSec).toFixed(0)}x`,
    '',
    undefined,
  );
  const target = TARGETS[set.name];
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  targets: lookups >= ${M(target.lookups)}/s ${verdict(f.lookupsPerSec >= target.lookups)}, ` +
      `inserts >= ${K(target.inserts)}/s ${verdict(f.insertsPerSec >= target.inserts)}, ` +
      `<= ${target.bytes} B/rule ${verdict(f.bytesPerRule <= target.bytes)}`,
  );
  if (opts.json) {
    const { answers: _, ...figures } = f;
    console.log(JSON.stringify({ impl: 'ofctl-ts', set: set.name, seed: opts.seed, ...figures }));
  }
}

/** The project's goals for one core (issues 4 and 15: 1.2x the OVS reference). */
const TARGETS = {
  l2: { lookups: 1.2 * 5.05e6, inserts: 5e5, bytes: 1024 },
  acl: { lookups: 1.2 * 1.775e6, inserts: 5e5, bytes: 1024 },
} as const;

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const gc = findGc();
  const pool = opts.quick ? 1 << 16 : POOL_SIZE;
  const cpus = os.cpus();
  console.log(
    `classifier: seed ${opts.seed}${opts.quick ? ', quick' : ''}, ${opts.reps} repetitions, one thread, Node ${process.version}`,
  );
  console.log(
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores; load average ${load()} (1, 5, 15 min)`,
  );
  console.log(`OVS column: ${OVS_REFERENCE}; a reference from another run, not measured here`);
  for (const make of [l2RuleSet, aclRuleSet]) {
    const t0 = now();
    const set = make(opts.seed, pool);
    const genSecs = now() - t0;
    const f = measure(set, {
      lookups: opts.quick ? 1 << 18 : 1 << 23,
      linearBudget: opts.quick ? 0.1 : 1,
      gc,
      reps: opts.reps,
    });
    report(set, f, opts, genSecs);
  }
  console.log(`\nload average at the end ${load()}`);
}
