/**
 * Child processes inside a network namespace (`ip netns exec NS cmd...`, which execs,
 * so the child's pid is the command's pid). Typical use: run a controller inside the
 * OVS instance's namespace so the switch reaches it at 127.0.0.1. Every child is
 * registered with the process exit safety net; stopChild() ends it.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { harnessEnv } from './exec.js';
import { safetyNet } from './safety-net.js';

/** Spawn `cmd args` inside `netns`. opts.env is merged over process.env. */
export function spawnInNetns(
  netns: string,
  cmd: string,
  args: readonly string[] = [],
  opts: SpawnOptions = {},
): ChildProcess {
  const env = harnessEnv(opts.env as Record<string, string> | undefined);
  const child = spawn('ip', ['netns', 'exec', netns, cmd, ...args], { ...opts, env });
  const pid = child.pid;
  if (pid !== undefined) {
    safetyNet.addPid(pid);
    child.once('exit', () => safetyNet.removePid(pid));
  }
  return child;
}

/** True once the child has exited or was killed by a signal. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM the child, SIGKILL after graceMs; resolves when it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.pid === undefined || exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
