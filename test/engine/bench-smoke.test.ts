/**
 * The classifier benchmark runs in --quick mode and prints its figures for both rule
 * sets. No timing is asserted: only that every figure is there and is a number.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../bench/classifier.js';

describe('bench classifier --quick', () => {
  afterEach(() => vi.restoreAllMocks());

  test('prints lookups/s, inserts/s, deletes/s, bytes/rule, the linear ratio and OVS ratios', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    await run(['--quick', '--seed', '3']);
    const text = lines.join('\n');
    expect(text).toMatch(/seed 3, quick/);
    for (const set of ['l2: 100000 rules, 1 tuples', 'acl: 10000 rules, 75 tuples']) {
      expect(text).toContain(set);
    }
    const figure = (name: string) =>
      [...text.matchAll(new RegExp(`^  ${name}\\s+([\\d.]+)`, 'gm'))].map((m) => Number(m[1]));
    for (const name of [
      'lookups/s',
      'ns/lookup',
      'inserts/s \\(best of 3\\)',
      'deletes/s',
      'bytes/rule',
      'linear lookups/s',
    ]) {
      const values = figure(name);
      expect(values, name).toHaveLength(2);
      for (const v of values) expect(v, name).toBeGreaterThan(0);
    }
    expect(text.match(/^ {2}targets: /gm)).toHaveLength(2);
  }, 60_000);
});
