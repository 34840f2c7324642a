/**
 * ofctl-ts as people install it (issue 16): `npm pack` of the checkout, then
 *  - a standalone app project (its own package.json, "type": "module") installs the
 *    tarball, writes an app that imports only from 'ofctl-ts', and runs the controller
 *    with `--app ./app.js` against a real Open vSwitch: the app's flow arrives;
 *  - `npm install -g` of the tarball into a temporary --prefix puts `ofctl-ts` on PATH,
 *    and `ofctl-ts --help` and `ofctl-ts dump-flows` work from there.
 * Offline: `npm install --offline` uses the npm cache; when the cache lacks a package's
 * metadata it falls back to --prefer-offline (the registry only for what is missing).
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestbed, type OvsInstance, run } from '../harness/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TIMEOUT = 600_000;

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
  });
}

/** npm install of the tarball, from the cache when it can. */
async function npmInstall(args: string[], cwd: string) {
  const quiet = ['--no-audit', '--no-fund'];
  const offline = await sh('npm', ['install', '--offline', ...quiet, ...args], { cwd });
  if (offline.code === 0) return offline;
  return sh('npm', ['install', '--prefer-offline', ...quiet, ...args], { cwd });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the npm package', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let dir: string;
  let tarball: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-pkg-'));
    tb.defer(() => run('rm', ['-rf', dir]));
    const packed = await sh('npm', ['pack', '--pack-destination', dir], { cwd: ROOT });
    expect(packed.code, packed.stderr).toBe(0);
    tarball = join(dir, packed.stdout.trim().split('\n').pop()!);
    ovs = await tb.startOvs();
    await ovs.addBridge('br0', { failMode: 'secure', controller: 'tcp:127.0.0.1:16653' });
    await ovs.vsctl(
      'add-port',
      'br0',
      'p1',
      '--',
      'set',
      'Interface',
      'p1',
      'type=internal',
      'ofport_request=1',
    );
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('a standalone app project imports ofctl-ts and its flows reach the switch', async () => {
    const proj = join(dir, 'my-app');
    await run('mkdir', ['-p', proj]);
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'my-app', version: '1.0.0', private: true, type: 'module' }),
    );
    const installed = await npmInstall([tarball], proj);
    expect(installed.code, installed.stderr).toBe(0);
    writeFileSync(
      join(proj, 'app.js'),
      `import { defineApp, OFPP } from 'ofctl-ts';

export default defineApp({
  name: 'hub',
  create: () => ({
    switchUp(dp) {
      dp.flowMod({ priority: 7, cookie: 0x77n, actions: [{ type: 'output', port: OFPP.FLOOD, maxLen: 0 }] });
    },
  }),
});
`,
    );
    const bin = join(proj, 'node_modules', '.bin', 'ofctl-ts');
    const child: ChildProcess = tb.spawnInNetns(
      ovs.netns,
      bin,
      ['controller', '--listen', 'tcp:127.0.0.1:16653', '--app', './app.js', '--log-level', 'warn'],
      { cwd: proj },
    );
    let log = '';
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    let flows = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(500)) {
      flows = await ovs.ofctl('dump-flows', 'br0');
      if (flows.includes('cookie=0x77')) break;
    }
    expect(flows, log).toMatch(/cookie=0x77, .*priority=7 actions=FLOOD/);
  });

  test('npm install -g into a prefix puts ofctl-ts on PATH', async () => {
    const prefix = join(dir, 'prefix');
    const installed = await npmInstall(['-g', '--prefix', prefix, tarball], dir);
    expect(installed.code, installed.stderr).toBe(0);
    const env = { ...process.env, ...ovs.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
    const help = await sh('ofctl-ts', ['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}controller \[OPTIONS\]/m);
    await ovs.ofctl('add-flow', 'br0', 'priority=3,actions=drop');
    const dump = await sh('ofctl-ts', ['--no-stats', 'dump-flows', 'br0'], { env });
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain(' priority=3 actions=drop');
  });
});
