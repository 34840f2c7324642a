/**
 * Measurements for the classifier benchmark: insert, lookup and delete rates and heap
 * bytes per rule of one rule set, on the tuple-space classifier and on the linear
 * oracle. Figures only; nothing here asserts a speed.
 */
import { Classifier, type ClsRule } from '../src/engine/classifier.js';
import { LinearClassifier } from '../src/engine/classifier-linear.js';
import { KEY_WORDS } from '../src/engine/flow-key.js';
import { type RuleSet, scratchMatch } from './classifier-rulesets.js';
import { heap } from './heap.js';

/**
 * Seconds of this process's CPU time, for timing differences: the machine is shared,
 * and wall time would count other processes' turns on the cores.
 */
export const now = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Median of a list of figures. */
export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

export interface Figures {
  readonly tuples: number;
  /** Medians of the repetitions, and each repetition's figure. */
  readonly insertsPerSec: number;
  readonly lookupsPerSec: number;
  readonly insertRates: readonly number[];
  readonly lookupRates: readonly number[];
  readonly deletesPerSec: number;
  readonly bytesPerRule: number;
  /** False when the garbage collector could not be reached (bytesPerRule is rough). */
  readonly gcForced: boolean;
  readonly answers: Int32Array;
  readonly linearLookupsPerSec: number;
}

export interface MeasureOptions {
  /** Lookups to time over the pool, cycling through it. */
  readonly lookups: number;
  /** Time budget for the linear scan, seconds. */
  readonly linearBudget: number;
  readonly gc: (() => void) | undefined;
  /** Timed repetitions of the build and of the lookup run; medians are reported. */
  readonly reps: number;
}

function build(set: RuleSet): { cls: Classifier<number>; rules: ClsRule<number>[]; secs: number } {
  const m = scratchMatch();
  const cls = new Classifier<number>();
  const rules: ClsRule<number>[] = new Array(set.n);
  const t0 = now();
  for (let i = 0; i < set.n; i++) {
    set.ruleMatch(i, m);
    rules[i] = cls.insert(m, set.priority[i]!, i);
  }
  return { cls, rules, secs: now() - t0 };
}

/** Looks up `count` pool packets (cycling); returns seconds and fills `answers`. */
function lookups(
  set: RuleSet,
  lookup: (key: Uint32Array) => number,
  count: number,
  answers: Int32Array | undefined,
): number {
  const key = new Uint32Array(KEY_WORDS);
  const p = set.poolSize;
  let sink = 0;
  const t0 = now();
  for (let i = 0, j = 0; i < count; i++) {
    set.packetKey(j, key);
    const r = lookup(key);
    sink += r;
    if (answers !== undefined) answers[j] = r;
    j = j + 1 === p ? 0 : j + 1;
  }
  const secs = now() - t0;
  if (sink === 0.5) console.log('unreachable');
  return secs;
}

export function measure(set: RuleSet, opts: MeasureOptions): Figures {
  const before = heap(opts.gc);
  const { cls, rules, secs: firstSecs } = build(set);
  // The bench's own array of rule references is not the classifier's memory.
  const bytesPerRule = (heap(opts.gc) - before - rules.length * 8) / set.n;
  const insertRates = [set.n / firstSecs];
  for (let i = 1; i < opts.reps; i++) insertRates.push(set.n / build(set).secs);

  // One untimed pass warms the code and records every answer; then the timed run.
  const answers = new Int32Array(set.poolSize);
  const byCls = (key: Uint32Array) => cls.lookup(key)?.data ?? -1;
  lookups(set, byCls, set.poolSize, answers);
  const lookupRates: number[] = [];
  for (let i = 0; i < opts.reps; i++) {
    lookupRates.push(opts.lookups / lookups(set, byCls, opts.lookups, undefined));
  }

  const tuples = cls.subtableCount;
  const t0 = now();
  for (let i = 0; i < rules.length; i++) cls.remove(rules[i]!);
  const deleteSecs = now() - t0;

  const lin = new LinearClassifier<number>();
  const m = scratchMatch();
  for (let i = 0; i < set.n; i++) {
    set.ruleMatch(i, m);
    lin.insert(m, set.priority[i]!, i);
  }
  const byLin = (key: Uint32Array) => lin.lookup(key)?.data ?? -1;
  let linCount = 16;
  let linSecs = lookups(set, byLin, linCount, undefined);
  while (linSecs < opts.linearBudget / 4 && linCount < set.poolSize) {
    linCount *= 4;
    linSecs = lookups(set, byLin, linCount, undefined);
  }
  return {
    tuples,
    insertsPerSec: median(insertRates),
    lookupsPerSec: median(lookupRates),
    insertRates,
    lookupRates,
    deletesPerSec: set.n / deleteSecs,
    bytesPerRule,
    gcForced: opts.gc !== undefined,
    answers,
    linearLookupsPerSec: linCount / linSecs,
  };
}
