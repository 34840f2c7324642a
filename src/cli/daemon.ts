/**
 * Running as a daemon the way Open vSwitch's programs do (lib/daemon-unix.c), for the
 * ovs-testcontroller options --pidfile, --overwrite-pidfile, --detach and --log-file:
 *
 * - `--pidfile[=FILE]` writes the process id once the controller listens (default
 *   `$OVS_RUNDIR/ofctl-ts.pid`, OVS_RUNDIR defaulting to /var/run/openvswitch) and
 *   removes it at exit; a pid file naming a live process is an error unless
 *   --overwrite-pidfile is given.
 * - `--detach` runs the controller in a new background process and returns (exit 0)
 *   only once it listens; if it fails to start, its error is printed and the exit code
 *   passed on. Its standard output goes nowhere: use --log-file.
 * - `--log-file[=FILE]` appends the JSON log lines to FILE (default
 *   `$OVS_LOGDIR/ofctl-ts.log`, OVS_LOGDIR defaulting to /var/log/openvswitch) as well
 *   as to standard output.
 *
 * Unlike Open vSwitch, the detached process keeps its working directory (so relative
 * paths in the command line and the config file keep working at SIGHUP).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DestinationStream, pino } from 'pino';
import type { DaemonOptions } from './testcontroller-options.js';

/** Set in the environment of the process that --detach starts. */
export const DETACHED_ENV = 'OFCTL_TS_DETACHED';
const READY = 'ofctl-ts-ready';

export function rundir(): string {
  return process.env.OVS_RUNDIR ?? '/var/run/openvswitch';
}

export function defaultPidfile(): string {
  return join(rundir(), 'ofctl-ts.pid');
}

export function defaultLogFile(): string {
  return join(process.env.OVS_LOGDIR ?? '/var/log/openvswitch', 'ofctl-ts.log');
}

export class DaemonError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid file to write, checked to be free; undefined without --pidfile. */
export function checkPidfile(opts: DaemonOptions): string | undefined {
  if (opts.pidfile === undefined) return undefined;
  const file = opts.pidfile === '' ? defaultPidfile() : opts.pidfile;
  if (existsSync(file) && !opts.overwritePidfile) {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new DaemonError(
        `pid file ${file} says ofctl-ts already runs as pid ${pid}; stop it first, or give ` +
          '--overwrite-pidfile',
      );
    }
  }
  return file;
}

/** Writes the pid file; returns a function removing it (only if it still names us). */
export function writePidfile(file: string): () => void {
  try {
    writeFileSync(file, `${process.pid}\n`);
  } catch (e) {
    throw new DaemonError(
      `cannot write pid file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // Already gone: nothing to clean.
    }
  };
}

/** A log destination writing every line to stdout (unless detached) and to the log file. */
export function logDestination(
  opts: DaemonOptions,
  detached: boolean,
): DestinationStream | undefined {
  if (opts.logFile === undefined) return undefined;
  const file = opts.logFile === '' ? defaultLogFile() : opts.logFile;
  let fileStream: DestinationStream;
  try {
    closeSync(openSync(file, 'a'));
    fileStream = pino.destination({ dest: file, append: true, sync: true });
  } catch (e) {
    throw new DaemonError(
      `cannot open log file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  if (detached) return fileStream;
  const stdout = pino.destination({ fd: 1, sync: true });
  return {
    write(line: string) {
      stdout.write(line);
      fileStream.write(line);
    },
  };
}

/** True in the background process --detach started. */
export function isDetachedChild(): boolean {
  return process.env[DETACHED_ENV] === '1';
}

/** In the background process: tells the waiting parent that the controller listens. */
export function signalReady(): void {
  if (isDetachedChild() && process.send) {
    process.send(READY);
    process.disconnect();
  }
}

/**
 * Starts `argv` (without --detach) again in the background and resolves with the exit
 * code for this process: 0 once the background one listens, or its own failure code
 * (its error output printed) if it stops first.
 */
export function detach(argv: readonly string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-detach-'));
  const errFile = join(dir, 'stderr');
  const errFd = openSync(errFile, 'w+');
  const args = argv.filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', errFd, 'ipc'],
    env: { ...process.env, [DETACHED_ENV]: '1' },
  });
  closeSync(errFd);
  return new Promise((resolve) => {
    const done = (code: number) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(code);
    };
    child.once('message', (m) => {
      if (m !== READY) return;
      child.removeAllListeners('exit');
      child.unref();
      child.disconnect?.();
      done(0);
    });
    child.once('exit', (code, signal) => {
      process.stderr.write(readFileSync(errFile, 'utf8'));
      done(code ?? (signal ? 1 : 0));
    });
  });
}
