/**
 * Process-wide safety net: every pid, network namespace and temp dir the harness
 * creates is registered here and forgotten when it is removed normally. Whatever is
 * still registered when the process exits (or dies of SIGINT/SIGTERM/SIGHUP) is
 * destroyed synchronously: pids SIGKILLed, namespaces emptied and deleted, dirs removed.
 * The same happens when a forked test worker loses its runner (IPC disconnect).
 */
import { rmSync } from 'node:fs';
import { runSyncQuiet } from './exec.js';
import { signalPid } from './pids.js';

const pids = new Set<number>();
const namespaces = new Set<string>();
const dirs = new Set<string>();
let installed = false;

export const safetyNet = {
  addPid(pid: number): void {
    install();
    pids.add(pid);
  },
  removePid(pid: number): void {
    pids.delete(pid);
  },
  addNetns(name: string): void {
    install();
    namespaces.add(name);
  },
  removeNetns(name: string): void {
    namespaces.delete(name);
  },
  addDir(path: string): void {
    install();
    dirs.add(path);
  },
  removeDir(path: string): void {
    dirs.delete(path);
  },
  /** Destroy everything still registered, synchronously. */
  runNow(): void {
    for (const pid of pids) signalPid(pid, 'SIGKILL');
    pids.clear();
    // Host namespaces (longer names) before the OVS namespaces they hang off.
    for (const ns of [...namespaces].sort((a, b) => b.length - a.length)) {
      for (const pid of runSyncQuiet('ip', ['netns', 'pids', ns]).split(/\s+/)) {
        if (/^\d+$/.test(pid)) signalPid(Number(pid), 'SIGKILL');
      }
      runSyncQuiet('ip', ['netns', 'delete', ns]);
    }
    namespaces.clear();
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
    dirs.clear();
  },
};

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  safetyNet.runNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Keep the default "die of this signal" behaviour unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => safetyNet.runNow());
  for (const s of SIGNALS) process.on(s, onSignal);
  // A forked test worker (vitest's default pool) whose runner died is orphaned and may
  // never exit on its own: clean up and exit when the IPC channel to the runner drops.
  if (process.send) {
    process.once('disconnect', () => {
      safetyNet.runNow();
      process.exit(1);
    });
  }
}
