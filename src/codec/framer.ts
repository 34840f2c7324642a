/**
 * Incremental framing of an OpenFlow byte stream (TCP, TLS, unix socket). Feed it
 * chunks as they arrive; it calls back with each whole message's bytes, however the
 * stream was split. A header with length < 8 or above the configured maximum is a
 * framing error: the stream cannot be resynchronised, so the caller should send
 * OFPBRC_BAD_LEN and close. A length is judged as soon as its two bytes arrive, and
 * nothing is allocated for a length that was not received.
 */

export interface FramerOptions {
  /** Largest accepted message, header included (OpenFlow's own limit is 65535). */
  readonly maxMessageLength?: number;
}

export type FrameHandler = (buf: Buffer, start: number, end: number) => void;

export class FramingError extends Error {
  constructor(
    message: string,
    /** The header bytes that were rejected (fewer than 8 when only they had arrived). */
    readonly header: Buffer,
  ) {
    super(message);
  }
}

export class Framer {
  private pending: Buffer | undefined;
  private readonly max: number;
  private failed = false;

  constructor(opts: FramerOptions = {}) {
    this.max = opts.maxMessageLength ?? 0xffff;
  }

  /** Bytes buffered while waiting for the rest of a message. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Calls `onFrame(buf, start, end)` for every complete message in the stream so far.
   * The slice is valid only during the callback. Throws FramingError on a bad length;
   * after that, the framer rejects further input.
   */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    if (this.failed) throw new FramingError('framer already failed', Buffer.alloc(0));
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let pos = 0;
    const n = buf.length;
    // The length field is bytes 2-3: judge it as soon as it has arrived.
    while (n - pos >= 4) {
      const len = buf.readUInt16BE(pos + 2);
      if (len < 8 || len > this.max) {
        this.failed = true;
        this.pending = undefined;
        throw new FramingError(
          `message length ${len} is ${len < 8 ? 'below the 8-byte header' : `above the maximum ${this.max}`}`,
          Buffer.from(buf.subarray(pos, Math.min(pos + 8, n))),
        );
      }
      if (n - pos < len) break;
      onFrame(buf, pos, pos + len);
      pos += len;
    }
    if (pos < n) this.pending = Buffer.from(buf.subarray(pos));
  }
}
