/**
 * The benchmark's rule sets are generated exactly as CLASSIFIER-RULESETS.md defines
 * them: the seed-1 checksums of the rules and of the pool answers must match the
 * published ones. The pool answers come from the tuple-space classifier, so this also
 * checks it on 2 x 2^20 lookups; a sample is re-checked against the linear oracle.
 */
import { describe, expect, test } from 'vitest';
import {
  aclRuleSet,
  l2RuleSet,
  poolHash,
  type RuleSet,
  SEED1_CHECKSUMS,
  scratchMatch,
} from '../../bench/classifier-rulesets.js';
import { Classifier } from '../../src/engine/classifier.js';
import { LinearClassifier } from '../../src/engine/classifier-linear.js';
import { KEY_WORDS } from '../../src/engine/flow-key.js';

function answers(set: RuleSet): { all: Int32Array; cls: Classifier<number> } {
  const cls = new Classifier<number>();
  const m = scratchMatch();
  for (let i = 0; i < set.n; i++) {
    set.ruleMatch(i, m);
    cls.insert(m, set.priority[i]!, i);
  }
  const key = new Uint32Array(KEY_WORDS);
  const all = new Int32Array(set.poolSize);
  for (let j = 0; j < set.poolSize; j++) {
    set.packetKey(j, key);
    all[j] = cls.lookup(key)?.data ?? -1;
  }
  return { all, cls };
}

function sampleAgainstOracle(set: RuleSet, all: Int32Array, samples: number): void {
  const lin = new LinearClassifier<number>();
  const m = scratchMatch();
  for (let i = 0; i < set.n; i++) {
    set.ruleMatch(i, m);
    lin.insert(m, set.priority[i]!, i);
  }
  const key = new Uint32Array(KEY_WORDS);
  const step = Math.floor(set.poolSize / samples);
  for (let j = 0; j < set.poolSize; j += step) {
    set.packetKey(j, key);
    expect(lin.lookup(key)?.data ?? -1, `pool packet ${j}`).toBe(all[j]);
  }
}

describe('classifier benchmark rule sets (seed 1)', () => {
  test('l2: rules and pool answers match the published checksums', () => {
    const set = l2RuleSet(1);
    expect(set.rulesHash.toString(16)).toBe(SEED1_CHECKSUMS.l2.rulesHash.toString(16));
    const { all, cls } = answers(set);
    expect(cls.subtableCount).toBe(1);
    expect(poolHash(all).toString(16)).toBe(SEED1_CHECKSUMS.l2.poolHash.toString(16));
    sampleAgainstOracle(set, all, 64);
  });

  test('acl: rules and pool answers match the published checksums', () => {
    const set = aclRuleSet(1);
    expect(set.rulesHash.toString(16)).toBe(SEED1_CHECKSUMS.acl.rulesHash.toString(16));
    const { all, cls } = answers(set);
    // 75 masks (OVS's tuples), fewer subtables: tuple merging shares them.
    expect(cls.subtableCount).toBeLessThan(75);
    expect(poolHash(all).toString(16)).toBe(SEED1_CHECKSUMS.acl.poolHash.toString(16));
    sampleAgainstOracle(set, all, 2000);
  });

  test('another seed gives other rules', () => {
    expect(l2RuleSet(2, 16, 1000).rulesHash).not.toBe(l2RuleSet(1, 16, 1000).rulesHash);
    expect(aclRuleSet(2, 16).rulesHash).not.toBe(SEED1_CHECKSUMS.acl.rulesHash);
  });
});
