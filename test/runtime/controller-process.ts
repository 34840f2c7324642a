/**
 * The built controller as a child process, for end-to-end and fault tests: spawned with
 * the testbed (inside an OVS namespace, so switches reach it at 127.0.0.1) or plainly,
 * listening where the caller's --listen says (a fixed address, so a restarted controller
 * is found again at the same place) or else on a free port (`tcp:127.0.0.1:0`, the real
 * port read from its startup line), with every JSON log line parsed and searchable and a
 * wait for a log record that names what it waited for when it gives up. The compiled
 * files must be up to date (`npm run build`).
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Testbed } from '../harness/index.js';
import { ROOT, requireBuilt } from '../support/built.js';

/** Source folders whose compiled output the controller process runs. */
const SOURCES = [
  'src/runtime',
  'src/codec',
  'src/engine',
  'src/ovsdb',
  'src/cli',
  'src/api',
  'src/cluster',
  'apps',
];

/**
 * The compiled entry: `dist/src/cli/main.js controller` (the ofctl-ts executable) or
 * `dist/src/cli/controller.js` (runController run directly). Throws, saying what to run,
 * when dist is missing or older than a source.
 */
export function controllerEntry(via: 'main' | 'controller'): { file: string; args: string[] } {
  requireBuilt(SOURCES);
  if (via === 'main') return { file: join(ROOT, 'dist/src/cli/main.js'), args: ['controller'] };
  return { file: join(ROOT, 'dist/src/cli/controller.js'), args: [] };
}

export type LogRecord = Record<string, unknown>;

export interface ControllerProcess {
  readonly child: ChildProcess;
  /** The TCP port of its first listener. */
  readonly port: number;
  /** Every log line so far, parsed (non-JSON lines as { text }). */
  readonly records: LogRecord[];
  /** Resolves with the first record (from index `from`) satisfying `pred`. */
  waitForLog(pred: (r: LogRecord) => boolean, what: string, from?: number): Promise<LogRecord>;
  /** SIGTERM; resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILL, no goodbye: resolves once the process is gone. */
  kill(): Promise<void>;
}

const LOG_WAIT_MS = 45_000;

/** Starts a process: the testbed's spawnInNetns for a namespace, or plain spawn. */
export type Spawner = (cmd: string, args: readonly string[]) => ChildProcess;

/** A spawner that runs the process inside `netns` (tracked by the testbed). */
export const inNetns =
  (tb: Testbed, netns: string): Spawner =>
  (cmd, args) =>
    tb.spawnInNetns(netns, cmd, args);

/**
 * Starts the controller with `args` (plus `--listen tcp:127.0.0.1:0` unless they have a
 * --listen), through runController's own entry unless `via` says main.js; waits for its
 * startup line.
 */
export async function spawnController(
  spawner: Spawner,
  args: readonly string[],
  via: 'main' | 'controller' = 'controller',
): Promise<ControllerProcess> {
  const entry = controllerEntry(via);
  const listen = args.includes('--listen') ? [] : ['--listen', 'tcp:127.0.0.1:0'];
  // The API listens on a fixed port by default: off unless the test asks for it.
  const api = args.some((a) => a === '--api' || a.startsWith('--api=')) ? [] : ['--api', 'off'];
  const child = spawner(process.execPath, [entry.file, ...entry.args, ...listen, ...api, ...args]);
  const records: LogRecord[] = [];
  let stderr = '';
  let waiters: { pred: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      let rec: LogRecord;
      try {
        rec = JSON.parse(line) as LogRecord;
      } catch {
        rec = { text: line };
      }
      records.push(rec);
      const ready = waiters.filter((w) => w.pred(rec));
      waiters = waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(rec);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const running = () => child.exitCode === null && child.signalCode === null;

  const waitForLog = (pred: (r: LogRecord) => boolean, what: string, from = 0) => {
    const seen = records.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogRecord>((resolve, reject) => {
      const timer = setTimeout(() => {
        const tail = records.slice(-15).map((r) => JSON.stringify(r));
        reject(
          new Error(`controller never logged ${what}; last lines:\n${tail.join('\n')}\n${stderr}`),
        );
      }, LOG_WAIT_MS);
      waiters.push({
        pred,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  };

  const started = await Promise.race([
    waitForLog((r) => Array.isArray(r.listen), 'its startup line'),
    exited.then((code) => {
      throw new Error(`controller exited with ${code} before listening:\n${stderr}`);
    }),
  ]);
  const first = (started.listen as string[])[0]!;
  const port = Number(/:(\d+)$/.exec(first)?.[1] ?? 0);
  return {
    child,
    port,
    records,
    waitForLog,
    async stop() {
      if (!running()) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}
