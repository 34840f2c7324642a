/**
 * Waiting without asserting on time: poll a condition until it holds or a generous
 * deadline passes (then the caller's assertion reports what was seen), resolve a promise
 * or give up, and force a garbage collection for memory figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Polls `ok` every `everyMs` until it returns true or `deadlineMs` passes; returns the last result. */
export async function until(ok: () => boolean, deadlineMs = 10_000, everyMs = 5): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (!ok()) {
    if (performance.now() > end) return false;
    await sleep(everyMs);
  }
  return true;
}

/** True if `p` settles within `deadlineMs` (its value is ignored). */
export async function settles(p: Promise<unknown>, deadlineMs = 10_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const r = await Promise.race([p.then(() => true as const), late]);
  clearTimeout(timer);
  return r;
}

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (enabling --expose-gc on first use). */
function collectGarbage(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

/** Heap in use after a full collection, in bytes. */
export function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
