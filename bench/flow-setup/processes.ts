/**
 * Child processes of the benchmark (controllers under test): spawned with their output
 * in a log file, tracked so that every one is stopped by pid (TERM, then KILL after a
 * grace period) on success, on error and on SIGINT; plus the /proc readers the
 * benchmark needs (is a TCP port listening, a process's resident memory).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

const live = new Set<ChildProcess>();

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<string>;
}

export function spawnLogged(
  cmd: string,
  args: readonly string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): Spawned {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  live.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? String(code));
    });
    child.once('error', (e) => {
      live.delete(child);
      resolve(`spawn error: ${e.message}`);
    });
  });
  return { child, pid: child.pid, exited };
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopProcess(p: Spawned, graceMs = 3000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Synchronous last resort (process 'exit' and signal handlers): SIGKILL every child still running. */
export function killAllNow(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/** True when some socket in this network namespace listens on TCP `port` (IPv4 or IPv6). */
function isListening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const cols = line.trim().split(/\s+/);
      // cols[1] is local_address ("0100007F:1F90"), cols[3] the state (0A = LISTEN).
      if (cols[3] === '0A' && cols[1]?.endsWith(hex)) return true;
    }
  }
  return false;
}

/** Waits until `port` listens; fails early if the process exits first. */
export async function waitListening(p: Spawned, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void p.exited.then((e) => {
    exit = e;
  });
  while (!isListening(port)) {
    if (exit !== undefined) throw new Error(`exited (${exit}) before listening on port ${port}`);
    if (Date.now() > deadline)
      throw new Error(`not listening on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP port that was free a moment ago (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** VmRSS of a process in KiB, or undefined when it cannot be read. */
export function rssKib(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of a log file ('' when unreadable). */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
