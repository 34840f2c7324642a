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

/** A received message; `msg` is undefined when the bytes did not decode. */
export interface Received {
  readonly msg: Message | undefined;
  readonly raw: Buffer;
}

interface Waiter {
  readonly xid: number;
  readonly multipart: boolean;
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
    const p = new Promise<Received[]>((resolve, reject) => {
      this.waiters.set(m.xid, {
        xid: m.xid,
        multipart: m.type === 'multipart_request',
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
        got: errors,
        resolve: () => undefined,
        reject: () => undefined,
      });
      this.send(m);
      await this.request({ type: 'barrier_request', xid: this.allocXid() }, timeoutMs);
      this.waiters.delete(m.xid);
      const err = errors.find((r) => r.raw[1] === 1);
      if (err) return err;
    }
    return undefined;
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
    const r = decodeMessage(raw);
    const xid = raw.readUInt32BE(4);
    const msg = r.ok ? r.value : undefined;
    const rec: Received = { msg, raw };
    if (raw[1] === 0) {
      this.peerHello = rec;
      this.helloWaiter?.(rec);
      return;
    }
    if (msg?.type === 'echo_request') {
      this.send({ type: 'echo_reply', xid: msg.xid, data: msg.data });
      return;
    }
    const w = this.waiters.get(xid);
    if (!w) {
      this.asyncHandler?.(rec);
      return;
    }
    w.got.push(rec);
    const more = msg?.type === 'multipart_reply' && (msg.flags & OFPMPF_REPLY_MORE) !== 0;
    if (w.multipart && more) return;
    this.waiters.delete(xid);
    w.resolve(w.got);
  }
}
