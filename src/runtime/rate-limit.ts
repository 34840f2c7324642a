/**
 * Rate limiting for warnings about a misbehaving peer: at most `burst` records per
 * interval; the rest are counted and the count is reported with the next allowed record,
 * so a switch that sends garbage in a loop cannot flood the log.
 */

export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private dropped = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly burst = 1,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns undefined when the record must be dropped, otherwise how many records were
   * dropped since the last allowed one (usually 0).
   */
  take(): number | undefined {
    const t = this.now();
    if (t - this.windowStart >= this.intervalMs) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.burst) {
      this.dropped++;
      return undefined;
    }
    this.used++;
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }
}
