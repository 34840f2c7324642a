/**
 * The controller through the ofctl-ts executable, as `npm start` runs it: `main.js
 * controller OPTIONS...` hands every option after `controller` to runController, which
 * prints its startup line, shuts down on SIGTERM with exit code 0, and refuses bad
 * arguments with exit code 2 and a message. No switch is needed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type ControllerProcess,
  controllerEntry,
  spawnController,
} from '../runtime/controller-process.js';

describe('ofctl-ts controller (main.js)', { timeout: 60_000 }, () => {
  const children: ChildProcess[] = [];
  const spawner = (cmd: string, args: readonly string[]) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    return c;
  };
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  test('starts with its options, logs where it listens, exits 0 on SIGTERM', async () => {
    const ctl: ControllerProcess = await spawnController(
      spawner,
      ['--app', 'l2-learning', '--echo-interval', '2', '--log-level', 'info'],
      'main',
    );
    expect(ctl.port).toBeGreaterThan(0);
    expect(ctl.records[0]).toMatchObject({
      apps: ['l2-learning'],
      msg: expect.stringMatching(
        /^ofctl-ts controller listening on tcp:127\.0\.0\.1:\d+; apps: l2-learning$/,
      ),
    });
    expect(await ctl.stop()).toBe(0);
    expect(ctl.records.at(-1)?.msg).toBe('controller stopped');
  });

  test('a bad option is refused with exit code 2 and says what to do', () => {
    const { file, args } = controllerEntry('main');
    const r = spawnSync(process.execPath, [file, ...args, '--listen', 'localhost:6653'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ofctl-ts controller: --listen: listen address "localhost:6653"');
    expect(r.stderr).toContain("run 'ofctl-ts controller --help' for the options");
  });
});
