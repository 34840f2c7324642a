/**
 * A connection's warnings about its peer, rate limited: one line per kind of mistake
 * per 10 s, saying how many similar ones were suppressed since (see warn-limit.ts). A
 * switch that keeps sending garbage must not flood the log.
 */
import { errorCodeName, type OfpError } from '../codec/index.js';
import type { Logger } from './log.js';
import { WarnLimiter } from './warn-limit.js';

export class PeerWarnings {
  private readonly limit = new WarnLimiter(10_000, 1);

  /** `log` is read at each warning: a connection's logger gains the dpid after FEATURES. */
  constructor(private readonly log: () => Logger) {}

  warn(kind: string, text: string): void {
    const dropped = this.limit.take(kind);
    if (dropped === undefined) return;
    this.log().warn(
      { kind },
      dropped > 0 ? `${text} (${dropped} similar warnings suppressed)` : text,
    );
  }

  /** A message that did not decode (the caller answers it with OFPT_ERROR). */
  malformed(buf: Buffer, start: number, end: number, err: OfpError): void {
    const kind = `malformed ${errorCodeName(err.type, err.code) ?? `${err.type}/${err.code}`}`;
    const dropped = this.limit.take(kind);
    if (dropped === undefined) return;
    const head = buf.subarray(start, Math.min(end, start + 16)).toString('hex');
    const also = dropped > 0 ? ` (${dropped} similar warnings suppressed)` : '';
    this.log().warn(
      { kind, head, code: err.code, errType: err.type },
      `malformed message: ${err.message}${also}`,
    );
  }

  /** A handler of ours threw (a bug, not the peer's doing): logged, the connection goes on. */
  internalError(e: unknown, type: string): void {
    if (this.limit.take('internal error') !== undefined) {
      this.log().error({ err: e }, `internal error handling ${type}`);
    }
  }
}
