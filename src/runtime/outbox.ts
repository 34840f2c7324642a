/**
 * Outgoing bytes of one connection: batching and back-pressure.
 *
 * Batching: every message is encoded straight into one reusable Writer. While a socket
 * read is being processed (begin/end), nothing is written; at end() the whole batch
 * goes out in ONE socket.write. Messages sent outside a read (timers, async app code)
 * are coalesced until the end of the current microtask turn.
 *
 * Back-pressure: Node buffers whatever the kernel will not take. When that backlog
 * passes the soft limit we stop reading from the peer (no new packet-ins, so no new
 * output) until the socket drains; if it does not drain within the stall timeout, or
 * the backlog passes the hard limit, the owner is told to disconnect. Memory per
 * connection is therefore bounded by the hard limit plus one message.
 */
import type { Socket } from 'node:net';
import { encodeInto, type Message, type MessageTemplate, Writer } from '../codec/index.js';

export interface OutboxLimits {
  /** Unflushed bytes past which reading from the peer stops until its socket drains. */
  readonly softLimit: number;
  /** Unflushed bytes past which the peer is disconnected. */
  readonly hardLimit: number;
  /** How long reading may stay stopped before the peer is disconnected (ms). */
  readonly stallTimeoutMs: number;
}

/** Smallest soft limit: above Node's 16 KiB high-water mark, so 'drain' always follows. */
export const MIN_SOFT_LIMIT = 64 * 1024;
const INITIAL_WRITER = 64 * 1024;
/** A writer that grew past this for one huge batch is replaced after the flush. */
const SHRINK_ABOVE = 1024 * 1024;

export class Outbox {
  private w = new Writer(INITIAL_WRITER);
  private depth = 0;
  private scheduled = false;
  private closed = false;
  private stallTimer: NodeJS.Timeout | undefined;
  /** True while reading is stopped because the peer is not taking our output. */
  paused = false;
  /** Socket writes issued and bytes written, for statistics and tests. */
  writes = 0;
  bytesOut = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: OutboxLimits,
    /** Called once when the peer must be disconnected; the outbox is closed by then. */
    private readonly onOverflow: (reason: string) => void,
  ) {}

  /** Bytes accepted but not yet handed to the kernel. */
  get backlog(): number {
    return this.w.pos + this.socket.writableLength;
  }

  /** Encodes `m` into the current batch. Throws (and writes nothing) if `m` cannot be encoded. */
  append(m: Message): void {
    if (this.closed) return;
    const at = this.w.pos;
    try {
      encodeInto(this.w, m);
    } catch (e) {
      this.w.pos = at;
      throw e;
    }
    this.appended();
  }

  /** append() for a template's bytes (see codec templates.ts); throws as append does. */
  appendTemplate(t: MessageTemplate, xid: number, data?: Uint8Array): void {
    if (this.closed) return;
    const at = this.w.pos;
    try {
      t.writeTo(this.w, xid, data);
    } catch (e) {
      this.w.pos = at;
      throw e;
    }
    this.appended();
  }

  private appended(): void {
    if (this.depth === 0 && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushTask);
    }
    if (this.w.pos + this.socket.writableLength > this.limits.hardLimit) {
      this.fail(`output backlog above ${this.limits.hardLimit} bytes: peer is not reading`);
    }
  }

  /** Starts (or nests) a batch: appends are held until the matching end(). */
  begin(): void {
    this.depth++;
  }

  end(): void {
    if (--this.depth === 0) this.flush();
  }

  /**
   * Writes the batch so far, in one socket write, straight from the writer's bytes. When
   * the kernel takes them all at once (the usual case: nothing is left pending) they are
   * free again for the next batch; otherwise the socket keeps a view of them until it has
   * written them, and the writer goes on in a fresh buffer. No copy either way.
   */
  flush(): void {
    this.scheduled = false;
    if (this.closed || this.w.pos === 0) return;
    const buf = this.w.takeView();
    this.writes++;
    this.bytesOut += buf.length;
    this.socket.write(buf);
    const pending = this.socket.writableLength;
    if (pending !== 0 || this.w.buf.length > SHRINK_ABOVE) this.w = new Writer(INITIAL_WRITER);
    if (!this.paused && pending > this.limits.softLimit) this.pause();
  }

  /** Stops writing and clears timers; the socket itself belongs to the caller. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.w.pos = 0;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.socket.off('drain', this.onDrain);
  }

  private readonly flushTask = () => this.flush();

  private pause(): void {
    this.paused = true;
    this.socket.pause();
    this.socket.once('drain', this.onDrain);
    this.stallTimer = setTimeout(
      () =>
        this.fail(
          `output backlog above ${this.limits.softLimit} bytes did not drain ` +
            `within ${this.limits.stallTimeoutMs} ms`,
        ),
      this.limits.stallTimeoutMs,
    );
  }

  private readonly onDrain = () => {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.paused = false;
    if (!this.closed) this.socket.resume();
  };

  private fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.onOverflow(reason);
  }
}
