/**
 * The built controller as a child process, for end-to-end tests: spawned with the
 * testbed (inside an OVS namespace, so switches reach it at 127.0.0.1) or plainly,
 * listening on a free port (`--listen tcp:127.0.0.1:0`, the real port read from its
 * startup line), with every JSON log line parsed and searchable.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Testbed } from '../harness/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Sources (folders or files) whose compiled output the controller process runs. */
const SOURCES = [
  'src/runtime',
  'src/codec',
  'src/engine',
  'apps/l2-learning',
  'apps/index.ts',
  'src/cli/controller.ts',
  'src/cli/main.ts',
];

function tsFiles(path: string): string[] {
  if (path.endsWith('.ts')) return existsSync(join(ROOT, path)) ? [join(ROOT, path)] : [];
  return readdirSync(join(ROOT, path), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(ROOT, path, f));
}

/**
 * The compiled entry: `dist/src/cli/main.js controller` (the ofctl-ts executable) or
 * `dist/src/cli/controller.js` (runController run directly). Throws when dist is
 * missing or older than a source.
 */
export function controllerEntry(via: 'main' | 'controller'): { file: string; args: string[] } {
  for (const src of SOURCES.flatMap(tsFiles)) {
    const out = join(ROOT, 'dist', relative(ROOT, src)).replace(/\.ts$/, '.js');
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(
        `${relative(ROOT, out)} is missing or older than its source: run \`npm run build\` first`,
      );
    }
  }
  if (via === 'main') return { file: join(ROOT, 'dist/src/cli/main.js'), args: ['controller'] };
  return { file: join(ROOT, 'dist/src/cli/controller.js'), args: [] };
}

export type LogRecord = Record<string, unknown>;

export interface ControllerProcess {
  readonly child: ChildProcess;
  /** The TCP port it listens on. */
  readonly port: number;
  /** Every log line so far, parsed (non-JSON lines as { text }). */
  readonly records: LogRecord[];
  /** Resolves with the first record (from index `from`) satisfying `pred`. */
  waitForLog(pred: (r: LogRecord) => boolean, what: string, from?: number): Promise<LogRecord>;
  /** SIGTERM; resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
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
 * Starts the controller with `args` (a --listen is added), through runController's own
 * entry unless `via` says main.js; waits for its startup line.
 */
export async function spawnController(
  spawner: Spawner,
  args: readonly string[],
  via: 'main' | 'controller' = 'controller',
): Promise<ControllerProcess> {
  const entry = controllerEntry(via);
  const child = spawner(process.execPath, [
    entry.file,
    ...entry.args,
    '--listen',
    'tcp:127.0.0.1:0',
    ...args,
  ]);
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
  const listen = (started.listen as string[])[0]!;
  const port = Number(/:(\d+)$/.exec(listen)![1]);
  return {
    child,
    port,
    records,
    waitForLog,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}
