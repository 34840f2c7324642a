/**
 * The OpenFlow 1.3 client the commands share: connects to a switch, exchanges HELLO
 * (version bitmap with 1.3 only), numbers requests with xids the way ovs-ofctl does (so
 * printed xids match), collects multipart replies until the last part, sends a barrier
 * after modifications so the switch's errors come back, and answers the switch's echo
 * requests. Every received message keeps its raw bytes for printing.
 */
import net from 'node:net';
import {
  decodeMessage,
  encodeMessage,
  Framer,
  FramingError,
  helloSupports,
  type Message,
  OFPMPF_REPLY_MORE,
} from '../codec/index.js';
import { CliError } from './io.js';
import type { Target } from './target.js';

/**
 * A received message: its bytes, decoded on first use of `msg` (undefined when they do not
 * decode). Routing needs only the header, so a reply printed straight from its bytes is
 * decoded once, by the printer.
 */
export class Received {
  private decoded: Message | undefined | null = null;
  constructor(readonly raw: Buffer) {}

  get msg(): Message | undefined {
    if (this.decoded === null) {
      const r = decodeMessage(this.raw);
      this.decoded = r.ok ? r.value : undefined;
    }
    return this.decoded;
  }

  /** The OpenFlow message type number. */
  get ofpType(): number {
    return this.raw[1]!;
  }
}

const OFPT_ERROR = 1;
const OFPT_ECHO_REQUEST = 2;
const OFPT_MULTIPART_REPLY = 19;

export interface PipelineOptions {
  readonly timeoutMs: number;
  readonly numbering: 'interleaved' | 'grouped';
  /** Messages between barriers (default 256). */
  readonly batch?: number;
  /** Barriers unanswered at most (default 8). */
  readonly window?: number;
  /** Called as messages go out and as barriers come back. */
  readonly onProgress?: (sent: number, acked: number) => void;
}

interface Waiter {
  readonly xid: number;
  readonly multipart: boolean;
  /** Called with each part as it arrives (streaming); otherwise parts are collected. */
  readonly onPart: ((r: Received) => void) | undefined;
  readonly got: Received[];
  readonly resolve: (r: Received[]) => void;
  readonly reject: (e: Error) => void;
}

const OF13 = 4;
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENOTSOCK: 'Socket operation on non-socket',
};

function connectHint(target: Target, code: string | undefined): string {
  if (target.kind === 'unix') {
    if (code === 'EACCES') return 'run as a user that may open the socket (often root)';
    return 'check that ovs-vswitchd is running and that OVS_RUNDIR names its run directory';
  }
  return `check that the switch listens on ${target.host}:${target.port} (ovs-vsctl set-controller BRIDGE ptcp:${target.port})`;
}

export class OfClient {
  private readonly framer = new Framer();
  private readonly waiters = new Map<number, Waiter>();
  private nextXidValue = 1;
  private helloWaiter: ((r: Received) => void) | undefined;
  private peerHello: Received | undefined;
  private failure: Error | undefined;
  private asyncHandler: ((r: Received) => void) | undefined;
  private closedHandler: (() => void) | undefined;
  /** sendPipelined's catcher of errors to its messages (which have no waiter). */
  private errorSink: ((r: Received) => boolean) | undefined;

  private constructor(
    private readonly sock: net.Socket,
    readonly target: Target,
  ) {
    sock.on('data', (chunk) => this.onData(chunk));
    sock.on('error', (e) =>
      this.fail(new CliError(`${target.name}: connection failed (${e.message})`)),
    );
    sock.on('close', () => {
      this.fail(new CliError(`${target.name}: connection closed by the switch`));
      this.closedHandler?.();
    });
  }

  /** Connects and completes the HELLO exchange. */
  static async open(target: Target, timeoutMs: number): Promise<OfClient> {
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s =
        target.kind === 'unix'
          ? net.connect({ path: target.path })
          : net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(
          new CliError(`connecting to ${target.name} timed out; ${connectHint(target, undefined)}`),
        );
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = ERRNO_TEXT[e.code ?? ''] ?? e.message;
        reject(
          new CliError(`connecting to ${target.name} (${why}); ${connectHint(target, e.code)}`),
        );
      });
    });
    const client = new OfClient(sock, target);
    await client.handshake(timeoutMs);
    return client;
  }

  private async handshake(timeoutMs: number): Promise<void> {
    this.send({
      type: 'hello',
      xid: this.allocXid(),
      version: OF13,
      elements: [{ type: 'versionbitmap', bitmaps: [1 << OF13] }],
    });
    const hello = await this.withTimeout(
      new Promise<Received>((resolve) => {
        if (this.peerHello) resolve(this.peerHello);
        else this.helloWaiter = resolve;
      }),
      timeoutMs,
      'waiting for the switch to answer HELLO',
    );
    if (hello.msg?.type !== 'hello' || !helloSupports(hello.msg, OF13)) {
      const v = hello.raw[0] ?? 0;
      throw new CliError(
        `version negotiation failed (we support version 0x04, peer supports version 0x${v
          .toString(16)
          .padStart(2, '0')}); enable OpenFlow 1.3 on the bridge: ` +
          'ovs-vsctl set bridge BRIDGE protocols=OpenFlow13',
      );
    }
  }

  /** The next xid, as ovs-ofctl numbers them (HELLO is 1). */
  allocXid(): number {
    return this.nextXidValue++;
  }

  /** Uses up xids that ovs-ofctl would spend on its own extra connections. */
  skipXids(n: number): void {
    this.nextXidValue += n;
  }

  send(m: Message): void {
    if (this.failure) throw this.failure;
    this.sock.write(encodeMessage(m));
  }

  /** Messages that no request is waiting for (monitor). */
  onAsync(handler: (r: Received) => void): void {
    this.asyncHandler = handler;
  }

  onClose(handler: () => void): void {
    this.closedHandler = handler;
  }

  /**
   * Sends `m` and resolves with its replies: every part of a multipart reply, or the one
   * reply (or OFPT_ERROR) to anything else.
   */
  request(m: Message, timeoutMs: number): Promise<Received[]> {
    return this.expect(m, timeoutMs, undefined);
  }

  /**
   * Sends a multipart request and hands each part of the reply (or the OFPT_ERROR) to
   * `onPart` as it arrives, so a big table is printed while the switch is still sending
   * and nothing is kept; resolves after the last part.
   */
  async stream(m: Message, timeoutMs: number, onPart: (r: Received) => void): Promise<void> {
    await this.expect(m, timeoutMs, onPart);
  }

  private expect(
    m: Message,
    timeoutMs: number,
    onPart: ((r: Received) => void) | undefined,
  ): Promise<Received[]> {
    const p = new Promise<Received[]>((resolve, reject) => {
      this.waiters.set(m.xid, {
        xid: m.xid,
        multipart: m.type === 'multipart_request',
        onPart,
        got: [],
        resolve,
        reject,
      });
    });
    this.send(m);
    return this.withTimeout(p, timeoutMs, `waiting for the reply to xid 0x${m.xid.toString(16)}`);
  }

  /**
   * Sends each message followed by a barrier, as ovs-ofctl does; stops at the first
   * message the switch answers with OFPT_ERROR and returns that error.
   */
  async transact(msgs: readonly Message[], timeoutMs: number): Promise<Received | undefined> {
    for (const m of msgs) {
      const errors: Received[] = [];
      this.waiters.set(m.xid, {
        xid: m.xid,
        multipart: false,
        onPart: undefined,
        got: errors,
        resolve: () => undefined,
        reject: () => undefined,
      });
      this.send(m);
      await this.request({ type: 'barrier_request', xid: this.allocXid() }, timeoutMs);
      this.waiters.delete(m.xid);
      const err = errors.find((r) => r.ofpType === OFPT_ERROR);
      if (err) return err;
    }
    return undefined;
  }

  /**
   * Sends encoded messages back to back with a barrier after every `batch` of them and
   * after the last, at most `window` barriers unanswered (so at most batch * window
   * messages in flight), and returns the switch's first OFPT_ERROR among them. Sending
   * stops at the first error; messages already in flight after the failed one may have
   * been applied. Xids are those ovs-ofctl gives when it follows every message with a
   * barrier: 'interleaved' as add-flows numbers them (message 6, barrier 7, message 8,
   * ...), 'grouped' as replace-flows does (messages first, then their barriers), so an
   * error names the same xid as with ovs-ofctl.
   */
  async sendPipelined(
    msgs: readonly Buffer[],
    opts: PipelineOptions,
  ): Promise<Received | undefined> {
    const n = msgs.length;
    const batch = opts.batch ?? 256;
    const window = opts.window ?? 8;
    const base = this.nextXidValue;
    this.nextXidValue += 2 * n;
    const msgXid = (i: number) => (opts.numbering === 'grouped' ? base + i : base + 2 * i);
    const barrierXid = (i: number) =>
      opts.numbering === 'grouped' ? base + n + i : base + 2 * i + 1;
    let first: Received | undefined;
    let firstXid = Number.POSITIVE_INFINITY;
    this.errorSink = (rec) => {
      const xid = rec.raw.readUInt32BE(4);
      const i = opts.numbering === 'grouped' ? xid - base : (xid - base) / 2;
      if (rec.ofpType !== OFPT_ERROR || !(i >= 0 && i < n && msgXid(i) === xid)) return false;
      if (xid < firstXid) [first, firstXid] = [rec, xid];
      return true;
    };
    const unanswered: Promise<unknown>[] = [];
    let acked = 0;
    try {
      for (let i = 0; i < n && first === undefined; i++) {
        const b = msgs[i]!;
        b.writeUInt32BE(msgXid(i), 4);
        if (this.failure) throw this.failure;
        this.sock.write(b);
        if ((i + 1) % batch !== 0 && i !== n - 1) continue;
        const done = i + 1;
        unanswered.push(
          this.request({ type: 'barrier_request', xid: barrierXid(i) }, opts.timeoutMs).then(() => {
            acked = done;
            opts.onProgress?.(done, acked);
          }),
        );
        opts.onProgress?.(done, acked);
        if (unanswered.length >= window) await unanswered.shift();
      }
      await Promise.all(unanswered);
    } finally {
      this.errorSink = undefined;
    }
    return first;
  }

  close(): void {
    this.closedHandler = undefined;
    this.sock.destroy();
  }

  private withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    if (!Number.isFinite(ms) || ms <= 0) return p;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new CliError(
              `${this.target.name}: timed out after ${ms / 1000} s ${what}; the switch may be ` +
                'overloaded or not speaking OpenFlow (raise --timeout)',
            ),
          ),
        ms,
      );
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiters.values()) w.reject(e);
    this.waiters.clear();
  }

  private onData(chunk: Buffer): void {
    try {
      this.framer.push(chunk, (buf, start, end) =>
        this.onMessage(Buffer.from(buf.subarray(start, end))),
      );
    } catch (e) {
      if (e instanceof FramingError) {
        this.fail(
          new CliError(`${this.target.name}: received a malformed OpenFlow stream (${e.message})`),
        );
        this.sock.destroy();
      } else throw e;
    }
  }

  private onMessage(raw: Buffer): void {
    const xid = raw.readUInt32BE(4);
    const rec = new Received(raw);
    if (raw[1] === 0) {
      this.peerHello = rec;
      this.helloWaiter?.(rec);
      return;
    }
    if (raw[1] === OFPT_ECHO_REQUEST) {
      this.send({ type: 'echo_reply', xid, data: raw.subarray(8) });
      return;
    }
    const w = this.waiters.get(xid);
    if (!w) {
      if (!this.errorSink?.(rec)) this.asyncHandler?.(rec);
      return;
    }
    if (w.onPart) {
      try {
        w.onPart(rec);
      } catch (e) {
        this.waiters.delete(xid);
        w.reject(e as Error);
        return;
      }
    } else w.got.push(rec);
    // A multipart reply's flags are the two bytes after the type (offset 10).
    const more =
      raw[1] === OFPT_MULTIPART_REPLY &&
      raw.length >= 16 &&
      (raw.readUInt16BE(10) & OFPMPF_REPLY_MORE) !== 0;
    if (w.multipart && more) return;
    this.waiters.delete(xid);
    w.resolve(w.got);
  }
}
