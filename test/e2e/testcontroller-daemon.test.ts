/**
 * ovs-testcontroller's daemon options on `ofctl-ts controller`: --detach returns once
 * the controller listens, --pidfile names the background process, --log-file gets the
 * JSON log, and Open vSwitch's own `ovs-appctl` drives the --unixctl control socket
 * (version, vlog/set, exit). After `exit`, the pid file and the socket are gone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { controllerEntry } from '../runtime/controller-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-daemon-'));
let pid: number | undefined;

afterAll(() => {
  if (pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (p: number) => {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
};

const appctl = (...args: string[]) =>
  spawnSync('ovs-appctl', ['-t', join(dir, 'ctl'), ...args], { encoding: 'utf8' });

test('--detach, --pidfile, --log-file and ovs-appctl on --unixctl', async () => {
  const entry = controllerEntry('main');
  const pidfile = join(dir, 'c.pid');
  const r = spawnSync(
    process.execPath,
    [
      entry.file,
      ...entry.args,
      'ptcp:0:127.0.0.1',
      '--api',
      'off',
      '--detach',
      `--pidfile=${pidfile}`,
      `--log-file=${join(dir, 'c.log')}`,
      `--unixctl=${join(dir, 'ctl')}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  pid = Number(readFileSync(pidfile, 'utf8'));
  expect(alive(pid)).toBe(true);
  expect(readFileSync(join(dir, 'c.log'), 'utf8')).toMatch(
    /"msg":"ofctl-ts controller listening on tcp:127\.0\.0\.1:\d+/,
  );

  expect(appctl('version').stdout).toBe('ofctl-ts controller 0.1.0 (OpenFlow 1.3)\n');
  expect(appctl('vlog/set', 'dbg').status).toBe(0);
  expect(appctl('vlog/list').stdout).toBe('level: debug\n');
  const bad = appctl('no-such-command');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/"no-such-command" is not a valid command/);

  // A second daemon with the same pid file is refused while the first runs.
  const again = spawnSync(
    process.execPath,
    [entry.file, ...entry.args, 'ptcp:0:127.0.0.1', '--api', 'off', `--pidfile=${pidfile}`],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(again.status).toBe(1);
  expect(again.stderr).toMatch(/already runs as pid \d+/);

  expect(appctl('exit').status).toBe(0);
  await vi.waitFor(() => expect(alive(pid!)).toBe(false), { timeout: 20_000, interval: 100 });
  expect(existsSync(pidfile)).toBe(false);
  expect(existsSync(join(dir, 'ctl'))).toBe(false);
}, 120_000);

test('a controller that cannot start makes --detach fail with its error', () => {
  const entry = controllerEntry('main');
  const r = spawnSync(
    process.execPath,
    [
      entry.file,
      ...entry.args,
      'ptcp:0:127.0.0.1',
      '--api',
      'off',
      '--detach',
      '--with-flows',
      join(dir, 'missing.flows'),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/missing\.flows: cannot read flow file: no such file/);
}, 120_000);
