/**
 * ofctl-ts against ovs-ofctl at a size where the fast paths matter (issue 19): 12 000 flows
 * shaped like a security-group table (printed straight from the reply bytes) mixed with
 * about 1 000 seeded random flows of many kinds (printed the general way), in the same
 * replies.
 * add-flows and replace-flows must leave the same switch state as ovs-ofctl's; dump-flows
 * (plain, --no-stats, --names, --rsort), diff-flows against a file and between bridges
 * must print the same text. The bundled executable (dist/cli/ofctl-ts.js) is what runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { benchFlows, changedFlows } from '../../bench/cli-flows.js';
import { FlowModCommand } from '../../src/codec/index.js';
import { parseFlow } from '../../src/text/flow-parse.js';
import { randomFlows } from '../cli/random-flows.js';
import { createTestbed, type OvsInstance, run } from '../harness/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'cli', 'ofctl-ts.js');
const TIMEOUT = 300_000;

interface Out {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const mask = (s: string) => s.replace(/duration=[0-9.]+s/g, 'duration=X');
const asSet = (s: string) => mask(s).split('\n').sort();

describe('ofctl-ts agrees with ovs-ofctl on a bridge of about 13 000 flows', {
  timeout: TIMEOUT,
}, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let file1: string;
  let file2: string;

  const exec = (cmd: string, args: string[]): Promise<Out> =>
    new Promise((resolve) => {
      execFile(
        cmd,
        args,
        { env: { ...process.env, ...ovs.env }, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (error as { code?: unknown }).code : 0;
          // ovs-ofctl logs "Unreasonably long poll interval" warnings on a busy machine.
          const quiet = stderr.replace(/^.*\|(INFO|WARN)\|.*\n/gm, '');
          resolve({ stdout, stderr: quiet, code: typeof code === 'number' ? code : -1 });
        },
      );
    });
  const ofctl = (...args: string[]) => exec('ovs-ofctl', ['-O', 'OpenFlow13', ...args]);
  const ours = (...args: string[]) => exec(process.execPath, [BIN, ...args]);
  const state = async (br: string) =>
    (await ofctl('--sort', '--no-stats', 'dump-flows', br)).stdout;

  beforeAll(async () => {
    if (!existsSync(BIN)) await run('npm', ['run', 'build'], { timeoutMs: 300_000 });
    ovs = await tb.startOvs();
    for (const br of ['brA', 'brB']) {
      await ovs.addBridge(br, { failMode: 'secure' });
      for (const p of [1, 2, 3, 4]) {
        const name = `${br}p${p}`;
        const iface = ['set', 'Interface', name, 'type=internal', `ofport_request=${p}`];
        await ovs.vsctl('add-port', br, name, '--', ...iface);
      }
      await ovs.vsctl(
        'add-port',
        br,
        `${br}gre`,
        '--',
        'set',
        'Interface',
        `${br}gre`,
        'type=gre',
        `options:remote_ip=192.0.2.${br === 'brA' ? 1 : 2}`,
        'options:key=flow',
        'ofport_request=10',
      );
      for (const g of [1, 2, 3])
        await ofctl('add-group', br, `group_id=${g},type=all,bucket=output:${g}`);
      await ofctl('add-meter', br, 'meter=1,kbps,band=type=drop,rate=1000');
      await ofctl(
        'add-meter',
        br,
        'meter=2,pktps,burst,stats,bands=type=drop,rate=10,burst_size=5',
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-large-'));
    tb.defer(() => run('rm', ['-rf', dir]));
    // Random flows get priorities above the bench flows' range, so both sets stay distinct.
    // The generator makes a few flows whose actions do not fit their match (two tag pops
    // on one tag): both tools refuse those, so they are left out. So are flows pushing
    // more tags than OVS keeps track of (its VLAN depth: issue 17's, not this test's).
    const acceptable = (f: string) => {
      if (/push_vlan.*push_vlan|mod_vlan_vid.*push_vlan.*push_vlan/.test(f)) return false;
      // diff-flows prints a file's flows with ovs-ofctl's parsed action names (mod_nw_src,
      // strip_vlan); ofctl-ts prints them as OpenFlow 1.3 actions (a known difference).
      if (/\b(mod_\w+|strip_vlan)\b/.test(f)) return false;
      try {
        parseFlow(f, FlowModCommand.ADD, {});
        return true;
      } catch {
        return false;
      }
    };
    const random = randomFlows(20260601, 1500, ['1', '2', '10', 'LOCAL'])
      .filter(acceptable)
      .map((f) =>
        f.replace(/priority=(\d+)/, (_, p: string) => `priority=${60001 + (Number(p) % 5000)}`),
      );
    const flows = [...benchFlows(12_000, 7), ...random];
    file1 = join(dir, 'flows1');
    file2 = join(dir, 'flows2');
    writeFileSync(file1, `${flows.join('\n')}\n`);
    writeFileSync(file2, `${changedFlows(flows, 8).join('\n')}\n`);
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('add-flows leaves the state ovs-ofctl add-flows leaves', async () => {
    const [a, b] = [await ofctl('add-flows', 'brA', file1), await ours('add-flows', 'brB', file1)];
    expect(a).toMatchObject({ code: 0, stderr: '' });
    expect(b).toMatchObject({ code: 0, stderr: '' });
    const sa = await state('brA');
    expect(sa.split('\n').length).toBeGreaterThan(12_500);
    expect(await state('brB')).toBe(sa);
  });

  test.each([[[]], [['--no-stats']], [['--names']], [['--names', '--no-stats']]])(
    'dump-flows %j prints the same lines',
    async (opts) => {
      const [a, b] = [
        await ofctl(...opts, 'dump-flows', 'brA'),
        await ours(...opts, 'dump-flows', 'brA'),
      ];
      expect(b.code).toBe(0);
      expect(asSet(b.stdout)).toEqual(asSet(a.stdout));
    },
  );

  test('dump-flows --rsort and --sort=nw_src print the same text in the same order', async () => {
    for (const opts of [['--rsort'], ['--no-stats', '--sort=nw_src']]) {
      const [a, b] = [
        await ofctl(...opts, 'dump-flows', 'brA'),
        await ours(...opts, 'dump-flows', 'brA'),
      ];
      expect(mask(b.stdout), opts.join(' ')).toBe(mask(a.stdout));
    }
  });

  test('diff-flows against a file and between two bridges', async () => {
    for (const args of [
      ['diff-flows', 'brA', file1],
      ['diff-flows', 'brA', 'brB'],
      ['diff-flows', 'brA', file2],
      ['diff-flows', file2, 'brB'],
    ]) {
      const [a, b] = [await ofctl(...args), await ours(...args)];
      expect(b.code, args.join(' ')).toBe(a.code);
      expect(asSet(b.stdout), args.join(' ')).toEqual(asSet(a.stdout));
    }
  });

  test('replace-flows leaves the state ovs-ofctl replace-flows leaves', async () => {
    const [a, b] = [
      await ofctl('replace-flows', 'brA', file2),
      await ours('replace-flows', 'brB', file2),
    ];
    expect(a).toMatchObject({ code: 0, stderr: '' });
    expect(b).toMatchObject({ code: 0, stderr: '' });
    expect(await state('brB')).toBe(await state('brA'));
    expect((await ours('diff-flows', 'brB', file2)).code).toBe(0);
  });
});
