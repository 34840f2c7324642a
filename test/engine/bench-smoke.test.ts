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
    expect(text).toContain('l2: 100000 rules, 1 tuples');
    expect(text).toMatch(/acl: 10000 rules, \d+ tuples/);
    expect(text).toMatch(/^machine: .+, \d+ cores; load average /m);
    expect(text).toMatch(/^OVS column: .*reference from another run/m);
    const figure = (name: string) =>
      [...text.matchAll(new RegExp(`^  ${name}\\s+([\\d.]+)`, 'gm'))].map((m) => Number(m[1]));
    for (const name of [
      'lookups/s \\(median\\)',
      'ns/lookup',
      'inserts/s \\(median\\)',
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
