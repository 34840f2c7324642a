/**
 * The built controller as a child process inside an OVS namespace (so switches reach it
 * at 127.0.0.1), for fault tests that kill it: started with the caller's --listen (a
 * fixed address, so a restarted controller is found again at the same place), every
 * JSON log line parsed, and a wait for a log record that names what it waited for
 * when it gives up. The compiled files must be up to date (`npm run build`).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Testbed } from '../../harness/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SOURCES = ['src/runtime', 'src/codec', 'src/cli', 'apps'];
const ENTRY = join(ROOT, 'dist/src/cli/controller.js');

/** Throws, saying what to run, unless every compiled file is newer than its source. */
export function checkBuilt(): void {
  for (const dir of SOURCES) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const src = join(ROOT, dir, f);
      const out = join(ROOT, 'dist', relative(ROOT, src)).replace(/\.ts$/, '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
        throw new Error(`${relative(ROOT, out)} is missing or stale: run \`npm run build\` first`);
      }
    }
  }
}

export type LogLine = { readonly [k: string]: unknown };

export interface ControllerProcess {
  readonly child: ChildProcess;
  readonly records: LogLine[];
  /** The first record from index `from` on that satisfies `pred`. */
  waitForLog(pred: (r: LogLine) => boolean, what: string, from?: number): Promise<LogLine>;
  /** SIGKILL, no goodbye: resolves once the process is gone. */
  kill(): Promise<void>;
}

const LOG_WAIT_MS = 45_000;

/** Starts `node dist/src/cli/controller.js ARGS` in `netns`; waits for its startup line. */
export async function spawnController(
  tb: Testbed,
  netns: string,
  args: readonly string[],
): Promise<ControllerProcess> {
  checkBuilt();
  const child = tb.spawnInNetns(netns, process.execPath, [ENTRY, ...args]);
  const records: LogLine[] = [];
  let stderr = '';
  let waiters: { pred: (r: LogLine) => boolean; resolve: (r: LogLine) => void }[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      let rec: LogLine;
      try {
        rec = JSON.parse(line) as LogLine;
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitForLog = (pred: (r: LogLine) => boolean, what: string, from = 0) => {
    const seen = records.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        const tail = records.slice(-15).map((r) => JSON.stringify(r));
        reject(new Error(`controller never logged ${what}; last:\n${tail.join('\n')}\n${stderr}`));
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

  await Promise.race([
    waitForLog((r) => Array.isArray(r.listen), 'its startup line'),
    exited.then(() => {
      throw new Error(`controller exited before listening:\n${stderr}`);
    }),
  ]);
  return {
    child,
    records,
    waitForLog,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
