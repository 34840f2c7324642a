/**
 * Faults on a private Open vSwitch: kill ovs-vswitchd and start it again on the same
 * database (as a crash and a supervisor's restart would), freeze and thaw it (SIGSTOP,
 * SIGCONT: a switch that stops reading), read its flows with their cookies and ages, and
 * a long ping run in the background.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Host, isAlive, type OvsInstance, run } from '../../harness/index.js';
import { readPidFile } from '../../harness/pids.js';
import { safetyNet } from '../../harness/safety-net.js';

/** SIGKILLs ovs-vswitchd and waits until it is gone. */
export async function killVswitchd(ovs: OvsInstance): Promise<void> {
  const pid = ovs.vswitchdPid!;
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 500 && isAlive(pid); i++) await sleep(10);
  if (isAlive(pid)) throw new Error(`ovs-vswitchd ${pid} survived SIGKILL`);
  safetyNet.removePid(pid);
}

/** Starts ovs-vswitchd again, in its namespace, on the instance's database and run dir. */
export async function startVswitchd(ovs: OvsInstance): Promise<void> {
  const d = ovs.rundir;
  await run(
    'ip',
    [
      'netns',
      'exec',
      ovs.netns,
      'ovs-vswitchd',
      `unix:${ovs.dbSocket}`,
      `--pidfile=${join(d, 'ovs-vswitchd.pid')}`,
      `--unixctl=${join(d, 'ovs-vswitchd.ctl')}`,
      `--log-file=${join(d, 'ovs-vswitchd.log')}`,
      '-vconsole:err',
      '-vsyslog:off',
      '-vfile:info',
      '--detach',
      '--no-chdir',
    ],
    { env: ovs.env },
  );
  ovs.vswitchdPid = await readPidFile(join(d, 'ovs-vswitchd.pid'));
  safetyNet.addPid(ovs.vswitchdPid);
}

/** Freezes ovs-vswitchd (it reads and answers nothing) until thaw(). */
export function freeze(ovs: OvsInstance): void {
  process.kill(ovs.vswitchdPid!, 'SIGSTOP');
}

export function thaw(ovs: OvsInstance): void {
  try {
    process.kill(ovs.vswitchdPid!, 'SIGCONT');
  } catch {
    // already gone
  }
}

export interface DumpedFlow {
  readonly cookie: bigint;
  readonly durationSec: number;
  readonly priority: number;
  /** The dump-flows line, for matching and messages. */
  readonly line: string;
}

/** `ovs-ofctl dump-flows`, each flow with its cookie, age and priority. */
export async function dumpFlows(ovs: OvsInstance, bridge: string): Promise<DumpedFlow[]> {
  const text = await ovs.ofctl('dump-flows', bridge);
  return text
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((line) => ({
      cookie: BigInt(/cookie=(0x[0-9a-f]+)/.exec(line)?.[1] ?? '0'),
      durationSec: Number(/duration=([\d.]+)s/.exec(line)?.[1] ?? 'NaN'),
      priority: Number(/priority=(\d+)/.exec(line)?.[1] ?? '32768'),
      line: line.trim(),
    }));
}

export interface PingRun {
  readonly sent: number;
  readonly received: number;
  readonly output: string;
}

/** `ping -c count -i interval` from `from` to `ip`, resolving when it has finished. */
export async function pingRun(
  from: Host,
  ip: string,
  count: number,
  interval: number,
): Promise<PingRun> {
  const args = ['-n', '-q', '-c', String(count), '-i', String(interval), '-W', '1', ip];
  const r = await run('ip', ['netns', 'exec', from.netns, 'ping', ...args], {
    allowFailure: true,
    timeoutMs: (count * interval + 30) * 1000,
  });
  const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  if (!m) throw new Error(`ping from ${from.name} did not run:\n${r.stdout}${r.stderr}`);
  return { sent: Number(m[1]), received: Number(m[2]), output: r.stdout };
}
