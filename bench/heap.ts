/**
 * Heap measurement for the benchmarks that report bytes per entry: the garbage collector
 * (exposed at run time when node was not started with --expose-gc) and the heap in use
 * after collecting.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** The garbage collector, when it can be exposed at run time. */
export function findGc(): (() => void) | undefined {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return g.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Heap and array-buffer bytes in use, after two collections when `gc` is there. */
export function heap(gc: (() => void) | undefined): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
