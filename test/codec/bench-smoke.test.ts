/**
 * The codec benchmark runs in quick mode and prints its figures: every case, every
 * implementation, a rate and a throughput. No timing is asserted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../bench/codec.js';

describe('bench codec --quick', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints a rate and a throughput for every case and implementation', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    await run(['--quick']);
    const out = lines.join('\n');
    for (const title of [
      'decode PACKET_IN',
      'encode FLOW_MOD',
      'decode FLOW stats reply, 1000 entries',
    ]) {
      expect(out).toContain(title);
    }
    const figures = lines.filter((l) =>
      /^ {2}\S.*\d+(\.\d+)? [kM]? ?(msg|entries)\/s +\d+\.\d MB\/s/.test(l),
    );
    // 4 cases x 3 implementations each.
    expect(figures.length).toBe(12);
    for (const name of ['ofctl-ts', 'binary-parser', 'smart-buffer']) {
      expect(figures.some((l) => l.trimStart().startsWith(name))).toBe(true);
    }
    expect(figures.filter((l) => /target >= .*: (met|MISSED)$/.test(l)).length).toBe(5);
  });
});
