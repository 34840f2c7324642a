/**
 * The "trivial classifier" (Open vSwitch tests/test-classifier.c): rules in a list, a
 * lookup checks every one. Obviously right, hence the oracle the tuple-space classifier
 * is tested against, and the baseline the benchmark prints a ratio to. It applies the
 * same tie-break: highest priority, then the rule inserted first.
 */
import { type FlowMatch, KEY_WORDS } from './flow-key.js';

export interface LinearRule<T> {
  readonly value: Uint32Array;
  readonly mask: Uint32Array;
  readonly priority: number;
  readonly seq: number;
  readonly data: T;
}

export class LinearClassifier<T> {
  /** Kept sorted by (priority desc, seq asc), so the first match is the answer. */
  private rules: LinearRule<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.rules.length;
  }

  insert(match: FlowMatch, priority: number, data: T): LinearRule<T> {
    const rule = {
      value: match.value.slice(),
      mask: match.mask.slice(),
      priority,
      seq: ++this.seq,
      data,
    };
    let i = this.rules.length;
    while (i > 0 && this.rules[i - 1]!.priority < priority) i--;
    this.rules.splice(i, 0, rule);
    return rule;
  }

  remove(rule: LinearRule<T>): void {
    const i = this.rules.indexOf(rule);
    if (i >= 0) this.rules.splice(i, 1);
  }

  lookup(key: Uint32Array): LinearRule<T> | undefined {
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      const v = rule.value;
      const m = rule.mask;
      let i = 0;
      while (i < KEY_WORDS && (key[i]! & m[i]!) >>> 0 === v[i]) i++;
      if (i === KEY_WORDS) return rule;
    }
    return undefined;
  }
}
