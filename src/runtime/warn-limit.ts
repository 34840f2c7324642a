/**
 * Rate limiting of a peer's warnings by kind: each kind of problem (an error code, a
 * misplaced message type) is logged at most `burst` times per interval, so a switch that
 * repeats one mistake in a loop produces one line, and a second kind of mistake is still
 * seen rather than drowned by the first. The number of kinds kept is bounded: past
 * `maxKinds` every new kind shares one limiter.
 */
import { RateLimiter } from './rate-limit.js';

const OTHER = '(other)';

export class WarnLimiter {
  private readonly byKind = new Map<string, RateLimiter>();

  constructor(
    private readonly intervalMs: number,
    private readonly burst = 1,
    private readonly maxKinds = 64,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Undefined when a warning of `kind` must be dropped now; otherwise how many of that
   * kind were dropped since the last one logged.
   */
  take(kind: string): number | undefined {
    let limiter = this.byKind.get(kind);
    if (limiter === undefined) {
      const key = this.byKind.size < this.maxKinds ? kind : OTHER;
      limiter = this.byKind.get(key);
      if (limiter === undefined) {
        limiter = new RateLimiter(this.intervalMs, this.burst, this.now);
        this.byKind.set(key, limiter);
      }
    }
    return limiter.take();
  }
}
