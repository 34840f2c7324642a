/** Summary statistics for the flow-setup benchmark: per-loop rates and round-trip times. */

export interface RateSummary {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  /** Population standard deviation over the loops, as cbench prints it. */
  readonly stdev: number;
}

export function summarize(values: readonly number[]): RateSummary {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, stdev: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const avg = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - avg) * (v - avg);
  return { min, max, avg, stdev: Math.sqrt(sq / values.length) };
}

/** Nearest-rank percentile of an ascending array: the smallest value with >= p% at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  readonly count: number;
  readonly meanUs: number;
  readonly medianUs: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** A growable array of round-trip times in microseconds. */
export class LatencySamples {
  private data = new Float64Array(1 << 14);
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(us: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = us;
  }

  summary(): LatencySummary | undefined {
    if (this.n === 0) return undefined;
    const sorted = this.data.slice(0, this.n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.n,
      meanUs: sum / this.n,
      medianUs: percentile(sorted, 50),
      p99Us: percentile(sorted, 99),
      maxUs: sorted[this.n - 1]!,
    };
  }
}
