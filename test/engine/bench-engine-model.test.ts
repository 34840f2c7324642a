/**
 * The engine-model benchmark runs in --quick mode (on fewer flows) and prints every
 * figure. No timing is asserted: only that each figure is there and is a positive number
 * (the benchmark itself checks that every ADD was accepted and every DELETE removed).
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { run } from '../../bench/engine-model.js';

describe('bench engine-model --quick', () => {
  afterEach(() => vi.restoreAllMocks());

  test('prints applyFlowMod/s for ADD, re-ADD and DELETE_STRICT, flowStats/s and bytes/entry', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    await run(['--quick', '--flows', '3000']);
    const text = lines.join('\n');
    expect(text).toMatch(/engine-model: 3000 learning-switch flows, 254 tables, quick/);
    const figure = (name: string) => {
      const m = text.match(new RegExp(`^  ${name}\\s+(-?[\\d.]+)( [kM])?`, 'm'));
      return m ? Number(m[1]) : undefined;
    };
    // Heap figures need a forced garbage collection; without one they are only printed.
    const gcForced = !text.includes('(no gc!)');
    for (const name of [
      'ADD applyFlowMod',
      're-ADD \\(replace\\) applyFlowMod',
      'DELETE_STRICT applyFlowMod',
      'flowStats dumps',
      'DELETE by cookie \\(all flows\\)',
      "bytes/entry, model's own",
      'bytes/entry, with match\\+ins',
    ]) {
      const value = figure(name);
      expect(value, name).toBeDefined();
      if (gcForced || !name.startsWith('bytes')) expect(value, name).toBeGreaterThan(0);
    }
    expect(text).toMatch(/^ {2}target >= 1 M\/s for ADD (met|MISSED)/m);
  }, 60_000);
});
