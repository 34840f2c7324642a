/**
 * Smoke test of `npm run bench flow-setup -- --quick`: the built benchmark (dist/, as
 * scripts/test.sh builds it before the tests) runs against the trivial responder and
 * against our controller, and prints a RESULT line with responses counted in both
 * modes, round-trip figures and the summary. Counts must be above zero; no timing is
 * asserted.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { ROOT, requireBuilt } from '../support/built.js';

const benchJs = path.join(ROOT, 'dist/bench/index.js');
const controllerJs = path.join(ROOT, 'dist/src/cli/main.js');

async function runQuick(target: string): Promise<string> {
  requireBuilt(['bench/flow-setup.ts', 'bench/flow-setup']);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [benchJs, 'flow-setup', '--quick', '--target', target],
    { cwd: ROOT, timeout: 90_000, maxBuffer: 4 << 20 },
  );
  return stdout;
}

const num = (s: string) => Number(s.replaceAll(',', ''));

function checkFigures(out: string, target: string): void {
  expect(out).toMatch(/^machine: .+, \d+ cores?, .*Node v\d+/m);
  for (const mode of ['throughput', 'latency']) {
    const re = new RegExp(
      `RESULT ${target} ${mode}: (\\d+) switches (\\d+) tests min/max/avg/stdev = ([\\d,]+)/([\\d,]+)/([\\d,]+)/([\\d,]+) responses/s \\(packet-outs avg ([\\d,]+)/s\\)`,
    );
    const m = re.exec(out);
    expect(m, `${mode} RESULT line for ${target} in:\n${out}`).not.toBeNull();
    const [, switches, tests, min, max, avg, , packetOuts] = m!;
    expect(num(switches!)).toBe(16);
    expect(num(tests!)).toBe(2);
    expect(num(max!)).toBeGreaterThanOrEqual(num(min!));
    expect(num(avg!)).toBeGreaterThan(0);
    expect(num(packetOuts!)).toBeGreaterThan(0);
  }
  const rtt =
    /round trip .*: median ([\d.]+) (us|ms), p99 ([\d.]+) (us|ms).* over ([\d,]+) requests/.exec(
      out,
    );
  expect(rtt, `round-trip line in:\n${out}`).not.toBeNull();
  expect(Number(rtt![1])).toBeGreaterThan(0);
  expect(num(rtt![5]!)).toBeGreaterThan(0);
  expect(out).toMatch(new RegExp(`^${target}\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d.]+ (us|ms)`, 'm'));
  expect(out).not.toMatch(/failed:|not measured:/);
}

describe('flow-setup benchmark, --quick', { timeout: 120_000 }, () => {
  test('against the trivial responder (the generator ceiling)', async () => {
    checkFigures(await runQuick('trivial'), 'trivial');
  });

  test('against ofctl-ts with l2-learning', async () => {
    expect(existsSync(controllerJs), `${controllerJs} must be built`).toBe(true);
    const out = await runQuick('ofctl-ts');
    checkFigures(out, 'ofctl-ts');
  });
});
