/**
 * The controller with `workers: 2` (node:cluster), as the built command line runs it:
 * switches are shared out between two worker processes, each served by its own
 * l2-learning, a switch that reconnects to the other worker replaces its old connection
 * there, a worker that dies is replaced, and SIGTERM stops every process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import {
  controllerOptions,
  DEFAULT_SETTINGS,
  parseConfigFile,
} from '../../src/runtime/internal.js';
import { type ControllerProcess, type LogRecord, spawnController } from './controller-process.js';
import { FakeSwitch, makePort } from './fake-switch.js';

const children: ChildProcess[] = [];
const spawner = (cmd: string, args: readonly string[]) => {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  return c;
};
const dir = mkdtempSync(join(tmpdir(), 'ofctl-workers-'));
const config = join(dir, 'workers.json');
writeFileSync(config, JSON.stringify({ workers: 2 }));

let ctl: ControllerProcess | undefined;
const switches: FakeSwitch[] = [];

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await ctl?.kill();
  ctl = undefined;
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A switch with dpid `dpid`, connected, once l2-learning has installed its table-miss flow. */
async function connect(dpid: bigint): Promise<FakeSwitch> {
  const sw = await FakeSwitch.connect(ctl!.port, {
    dpid,
    ports: [makePort(1), makePort(2)],
    flows: [],
  });
  switches.push(sw);
  await sw.waitFor('flow_mod', (m) => m.priority === 0 && m.command === 0);
  return sw;
}

const switchUp = (dpid: bigint) => (r: LogRecord) =>
  r.msg === 'switch up' && r.dpid === dpid.toString(16).padStart(16, '0');

/** The controller, once its primary says every worker listens. */
async function start(): Promise<ControllerProcess> {
  const c = await spawnController(spawner, ['--config', config, '--log-level', 'info']);
  await c.waitForLog((r) => r.msg === '2 worker processes serving switches', 'workers up');
  return c;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the workers key: 1 to 64 processes, 1 (no forking) unless the config file says', () => {
  expect(parseConfigFile('{"workers": 2}', 'c.json')).toEqual({ workers: 2 });
  expect(() => parseConfigFile('{"workers": 0}', 'c.json')).toThrow(/^c\.json: workers: /);
  expect(() => parseConfigFile('{"workers": 1.5}', 'c.json')).toThrow(/workers/);
  expect(controllerOptions({ ...DEFAULT_SETTINGS, workers: 2 }).workers).toBe(2);
  expect(controllerOptions(DEFAULT_SETTINGS).workers).toBeUndefined();
});

test('switches are shared between two workers, each answering its own', async () => {
  ctl = await start();
  for (let d = 1n; d <= 6n; d++) await connect(d);
  const ups = await Promise.all(
    [1n, 2n, 3n, 4n, 5n, 6n].map((d) => ctl!.waitForLog(switchUp(d), `switch up ${d}`)),
  );
  expect(new Set(ups.map((r) => r.worker))).toEqual(new Set([1, 2]));
  // A broadcast on every switch is flooded back by the l2-learning of its worker.
  for (const sw of switches) {
    sw.send({
      type: 'packet_in',
      xid: 9,
      bufferId: 0xffffffff,
      totalLen: 60,
      reason: 0,
      tableId: 0,
      cookie: 0xffff_ffff_ffff_ffffn,
      match: [{ field: 'in_port', value: 1 }],
      data: Buffer.concat([
        Buffer.alloc(6, 0xff),
        Buffer.from('020000000001', 'hex'),
        Buffer.alloc(48),
      ]),
    });
  }
  for (const sw of switches) {
    expect(await sw.waitFor('packet_out')).toMatchObject({ actions: [{ port: 0xfffffffb }] });
  }
  const pids = new Set(
    ctl.records.filter((r) => r.worker !== undefined).map((r) => r.pid as number),
  );
  expect(pids.size).toBe(2);
  expect(await ctl.stop()).toBe(0);
  expect([...pids].filter(alive)).toEqual([]);
});

test('a switch reconnecting to the other worker replaces its old connection there', async () => {
  ctl = await start();
  const first = await connect(1n);
  const second = await connect(1n);
  await first.closed;
  const third = await connect(1n);
  await second.closed;
  expect(third.isClosed).toBe(false);
  // Connections alternate between the workers, so one of the two replacements crossed over.
  const crossed = await ctl.waitForLog(
    (r) =>
      r.msg === 'switch down' &&
      /^replaced by a new connection in worker [12]$/.test(String(r.reason)),
    'a switch down replaced from the other worker',
  );
  expect(crossed.worker).not.toBe(Number(String(crossed.reason).slice(-1)));
});

test('a worker that dies is replaced, and the new one serves switches', async () => {
  ctl = await start();
  await connect(1n);
  await connect(2n);
  const victim = (await ctl.waitForLog(switchUp(1n), 'switch up 1')).pid as number;
  const from = ctl.records.length;
  process.kill(victim, 'SIGKILL');
  await ctl.waitForLog((r) => /^worker [12] died/.test(String(r.msg)), 'the death notice', from);
  const back = await ctl.waitForLog(
    (r) => /^worker [12] is back/.test(String(r.msg)),
    'the replacement worker listening',
    from,
  );
  expect(back.workerPid).not.toBe(victim);
  for (let d = 3n; d <= 6n; d++) await connect(d);
  const ups = await Promise.all(
    [3n, 4n, 5n, 6n].map((d) => ctl!.waitForLog(switchUp(d), `switch up ${d}`)),
  );
  expect(ups.some((r) => r.pid === back.workerPid)).toBe(true);
});
