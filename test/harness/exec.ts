/**
 * Running external commands for the testbed: a promisified execFile with a PATH that
 * always includes the sbin directories (ip, ovs-vswitchd, ovsdb-server live there)
 * and errors that carry the full command line, exit code and stderr.
 */
import { execFile, spawnSync } from 'node:child_process';

const SBIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** process.env with the sbin directories appended to PATH, plus `extra`. */
export function harnessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const dir of SBIN_DIRS) if (!path.includes(dir)) path.push(dir);
  return { ...process.env, ...extra, PATH: path.join(':') };
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Kill the command after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Resolve instead of rejecting when the command exits non-zero. */
  allowFailure?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal. */
  code: number | null;
}

/** A command that failed: message names the command, the exit status and its stderr. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
    readonly signal: string | null,
  ) {
    const status = signal ? `killed by ${signal}` : `exit code ${result.code}`;
    const output = (result.stderr.trim() || result.stdout.trim() || '(no output)').slice(-2000);
    super(`command failed (${status}): ${command}\n${output}`);
    this.name = 'CommandError';
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Shell-like rendering of a command line, for messages. */
function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(quote).join(' ');
}

/** Run `cmd args...`; rejects with CommandError on non-zero exit unless allowFailure. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        env: harnessEnv(opts.env),
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, code: 0 });
        const err = error as NodeJS.ErrnoException & {
          code?: unknown;
          signal?: string | null;
          killed?: boolean;
        };
        if (typeof err.code === 'string') {
          // Spawn failure (ENOENT, EACCES...): the binary could not be started at all.
          return reject(new Error(`cannot run ${commandLine(cmd, args)}: ${err.message}`));
        }
        const result: RunResult = {
          stdout,
          stderr,
          code: typeof err.code === 'number' ? err.code : null,
        };
        if (opts.allowFailure && !err.signal) return resolve(result);
        const signal = err.killed ? `SIGKILL (timed out after ${timeoutMs} ms)` : err.signal;
        reject(new CommandError(commandLine(cmd, args), result, signal ?? null));
      },
    );
  });
}

/** Synchronous best-effort run, for the process 'exit' safety net. Never throws. */
export function runSyncQuiet(cmd: string, args: readonly string[]): string {
  try {
    const r = spawnSync(cmd, args, { env: harnessEnv(), encoding: 'utf8', timeout: 5_000 });
    return r.stdout ?? '';
  } catch {
    return '';
  }
}
