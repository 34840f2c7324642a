/**
 * Network namespaces: create (with lo up), list, find the processes inside, and
 * delete (killing every process inside first, so the namespace really goes away).
 * `sweepStaleNamespaces` removes harness namespaces whose owning process is dead.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.js';
import { NAME_PREFIX, ownerPid, tempBase } from './names.js';
import { isAlive, killAndWait } from './pids.js';
import { safetyNet } from './safety-net.js';

/** `ip netns add NAME` and bring its loopback up; registered with the safety net. */
export async function createNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'add', name]);
  safetyNet.addNetns(name);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Names of all network namespaces on the machine. */
export async function listNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Pids of the processes whose network namespace is `name` (empty if none or gone). */
export async function netnsPids(name: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', name], { allowFailure: true });
  return stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/** Kill everything inside `name`, then delete it. Idempotent. */
export async function deleteNetns(name: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const pids = await netnsPids(name);
    if (pids.length === 0) break;
    await Promise.all(pids.map((pid) => killAndWait(pid, 1_000)));
  }
  const { code, stderr } = await run('ip', ['netns', 'delete', name], { allowFailure: true });
  if (code !== 0 && (await listNetns()).includes(name)) {
    throw new Error(`cannot delete network namespace ${name}: ${stderr.trim()}`);
  }
  safetyNet.removeNetns(name);
}

/**
 * Delete harness namespaces and temp dirs left behind by processes that no longer
 * exist (e.g. a test runner killed with SIGKILL). Live owners are never touched.
 */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const stale = (await listNetns()).filter((ns) => {
    const pid = ownerPid(ns);
    return pid !== undefined && pid !== process.pid && !isAlive(pid);
  });
  // Host namespaces (longer names) before the OVS namespaces they hang off.
  stale.sort((a, b) => b.length - a.length);
  for (const ns of stale) await deleteNetns(ns);
  for (const dir of await readdir(tempBase()).catch(() => [] as string[])) {
    const pid = dir.startsWith(`${NAME_PREFIX}-`) ? ownerPid(dir) : undefined;
    if (pid !== undefined && pid !== process.pid && !isAlive(pid)) {
      await rm(join(tempBase(), dir), { recursive: true, force: true });
    }
  }
  return stale;
}
