/**
 * The parent's side of the load generator: starts the generator in a worker thread,
 * relays its events, and lets the caller send 'proceed'/'stop'. The promise settles
 * with the summary, or rejects if the worker dies without one.
 */
import { Worker } from 'node:worker_threads';
import type {
  GeneratorCommand,
  GeneratorConfig,
  GeneratorEvent,
  GeneratorSummary,
} from './generator.js';

export interface GeneratorRun {
  readonly done: Promise<GeneratorSummary>;
  command(c: GeneratorCommand): void;
  /** Ends the worker at once (for SIGINT and errors). */
  kill(): Promise<void>;
}

export function startGenerator(
  cfg: GeneratorConfig,
  onEvent: (e: GeneratorEvent) => void,
): GeneratorRun {
  const worker = new Worker(new URL('./generator-worker.js', import.meta.url), {
    workerData: cfg,
  });
  const done = new Promise<GeneratorSummary>((resolve, reject) => {
    let summary: GeneratorSummary | undefined;
    worker.on('message', (e: GeneratorEvent) => {
      if (e.kind === 'done') summary = e.summary;
      onEvent(e);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (summary) resolve(summary);
      else reject(new Error(`load generator exited with code ${code} before its summary`));
    });
  });
  return {
    done,
    command: (c) => worker.postMessage(c),
    kill: async () => {
      await worker.terminate();
    },
  };
}
