/**
 * Killing processes by pid and waiting for them to be gone. A zombie counts as gone:
 * daemons detach from us, and in containers whose PID 1 does not reap orphans they
 * would otherwise look alive forever.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (state) follows the parenthesised command name, which may contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Send `signal`, ignoring "no such process". */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL and wait again. Resolves true when gone. */
export async function killAndWait(pid: number, graceMs = 3_000): Promise<boolean> {
  if (!isAlive(pid)) return true;
  signalPid(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return true;
  signalPid(pid, 'SIGKILL');
  return waitGone(pid, 2_000);
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Read a pid from an OVS --pidfile. */
export async function readPidFile(path: string): Promise<number> {
  const text = await readFile(path, 'utf8');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pid file ${path}: ${text}`);
  return pid;
}
