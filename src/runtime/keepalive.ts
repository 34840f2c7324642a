/**
 * Echo keepalive and dead-peer detection for one connection. Any message from the peer
 * proves it alive (the read path only records the time, so the hot path pays one clock
 * read per socket read, not a timer reset). After `intervalMs` of silence we send an
 * ECHO_REQUEST; if nothing at all arrives within `timeoutMs` after it, the peer is
 * declared dead. While the outbox has stopped reading (back-pressure) silence is our
 * own doing, so the outbox's stall timer decides instead.
 */

export interface KeepaliveOptions {
  /** Silence after which we send ECHO_REQUEST (ms). */
  readonly intervalMs: number;
  /** How long to wait for any message after that echo (ms). */
  readonly timeoutMs: number;
}

export class Keepalive {
  private lastRx = 0;
  private echoSentAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly opts: KeepaliveOptions,
    private readonly sendEcho: () => void,
    private readonly onDead: (reason: string) => void,
    private readonly readingPaused: () => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.lastRx = this.now();
    this.schedule(this.opts.intervalMs);
  }

  /** Records that the peer just sent something. */
  alive(): void {
    this.lastRx = this.now();
  }

  /**
   * An ECHO_REPLY arrived: the round trip of our last echo request in ms, or undefined
   * when none is outstanding (a reply to someone else's echo).
   */
  echoAnswered(): number | undefined {
    const sent = this.echoSentAt;
    if (sent === undefined) return undefined;
    this.echoSentAt = undefined;
    return this.now() - sent;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(this.tick, Math.max(1, Math.ceil(ms)));
  }

  private readonly tick = () => {
    this.timer = undefined;
    const t = this.now();
    if (this.readingPaused()) {
      this.lastRx = t;
      this.echoSentAt = undefined;
      return this.schedule(this.opts.intervalMs);
    }
    const sent = this.echoSentAt;
    if (sent !== undefined && this.lastRx < sent) {
      if (t - sent >= this.opts.timeoutMs) {
        this.stopped = true;
        return this.onDead(`no message for ${Math.round(t - this.lastRx)} ms (echo unanswered)`);
      }
      return this.schedule(sent + this.opts.timeoutMs - t);
    }
    this.echoSentAt = undefined;
    const idle = t - this.lastRx;
    if (idle >= this.opts.intervalMs) {
      this.echoSentAt = t;
      this.sendEcho();
      // Look again after the interval (the answer is usually back by then) or the timeout.
      return this.schedule(Math.min(this.opts.intervalMs, this.opts.timeoutMs));
    }
    this.schedule(this.opts.intervalMs - idle);
  };
}
