/**
 * A switch-side peer for the reliability tests, over real TCP: optionally a well-behaved
 * OpenFlow 1.3 switch (HELLO, FEATURES, PORT_DESC, empty or given flow stats, echo,
 * barrier), and always a recorder of everything the controller sends, decoded through
 * the codec's framer. It can send any bytes, and waits for a message or for the
 * connection to end, whichever comes first (so a test never hangs on a closed socket).
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  decodeMessage,
  encodeMessage,
  type FlowStats,
  Framer,
  type Hello,
  type Message,
  type MessageOf,
  type MessageType,
  type Port,
} from '../../../src/codec/index.js';

export interface PeerOptions {
  readonly dpid?: bigint;
  readonly ports?: readonly Port[];
  /** Send this HELLO on connect (default 1.3 with a bitmap); false: none. */
  readonly hello?: Hello | false;
  /** Answer FEATURES, PORT_DESC and flow stats requests (default true). */
  readonly handshake?: boolean;
  /** The flows a flow-stats request is answered with, filtered by cookie (default none). */
  readonly flows?: readonly FlowStats[];
  readonly host?: string;
  /** Connect over TLS with these options (certificate, key, CA) instead of plain TCP. */
  readonly tls?: tls.ConnectionOptions;
}

export const HELLO_13: Hello = {
  type: 'hello',
  xid: 1,
  version: 4,
  elements: [{ type: 'versionbitmap', bitmaps: [1 << 4] }],
};

export function port(portNo: number): Port {
  return {
    portNo,
    hwAddr: 0x0a0000000000 + portNo,
    name: `p${portNo}`,
    config: 0,
    state: 0,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: 0,
    maxSpeed: 0,
  };
}

type Waiter = { match: (m: Message) => boolean; resolve: (m: Message | undefined) => void };

export class Peer {
  /** Every message received from the controller, in order. */
  readonly received: Message[] = [];
  /** Frames that did not decode, and a framing failure if any (should stay empty). */
  readonly undecodable: Buffer[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly framer = new Framer();
  private waiters: Waiter[] = [];
  /** Writes waiting behind a trickle, and the end of that queue. */
  private queued = 0;
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    readonly socket: net.Socket,
    private readonly opts: PeerOptions,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        for (const w of this.waiters) w.resolve(undefined);
        this.waiters = [];
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', this.onData);
  }

  static connect(port: number, opts: PeerOptions = {}): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const host = opts.host ?? '127.0.0.1';
      const connected = () => {
        socket.off('error', reject).off('close', onClose);
        const peer = new Peer(socket, opts);
        if (opts.hello !== false) peer.send(opts.hello ?? HELLO_13);
        resolve(peer);
      };
      const onClose = () => reject(new Error('connection closed before it was established'));
      const socket: net.Socket = opts.tls
        ? tls.connect({ host, port, ...opts.tls }, connected)
        : net.connect({ host, port, noDelay: true }, connected);
      socket.once('error', reject).once('close', onClose);
    });
  }

  get dpid(): bigint {
    return this.opts.dpid ?? 1n;
  }

  send(m: Message): void {
    this.sendRaw(encodeMessage(m));
  }

  /** Writes `b`, after any trickle() still in progress (a switch never interleaves). */
  sendRaw(b: Uint8Array): void {
    if (this.queued === 0) return this.write(b);
    this.queued++;
    const copy = Buffer.from(b);
    this.tail = this.tail.then(() => {
      this.queued--;
      this.write(copy);
    });
  }

  /** Writes `b` one byte at a time, awaiting `pause()` after each: a slow uplink. */
  trickle(b: Uint8Array, pause: () => Promise<void>): Promise<void> {
    this.queued++;
    const copy = Buffer.from(b);
    this.tail = this.tail.then(async () => {
      for (let i = 0; i < copy.length && !this.isClosed; i++) {
        this.write(copy.subarray(i, i + 1));
        await pause();
      }
      this.queued--;
    });
    return this.tail;
  }

  private write(b: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(b);
  }

  /**
   * The first message of `type` received at or after index `from` that satisfies
   * `pred`; undefined if the connection ends first.
   */
  next<T extends MessageType>(
    type: T,
    pred: (m: MessageOf<T>) => boolean = () => true,
    from = 0,
  ): Promise<MessageOf<T> | undefined> {
    const match = (m: Message) => m.type === type && pred(m as MessageOf<T>);
    const found = this.received.slice(from).find(match);
    if (found) return Promise.resolve(found as MessageOf<T>);
    if (this.isClosed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiters.push({ match, resolve: resolve as (m: Message | undefined) => void });
    });
  }

  /** Like next(), but a closed connection is an error naming what was awaited. */
  async waitFor<T extends MessageType>(
    type: T,
    pred: (m: MessageOf<T>) => boolean = () => true,
    from = 0,
  ): Promise<MessageOf<T>> {
    const m = await this.next(type, pred, from);
    if (!m) throw new Error(`connection closed while waiting for ${type}`);
    return m;
  }

  all<T extends MessageType>(type: T): MessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as MessageOf<T>[];
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  /**
   * From now on reads the controller's bytes `size()` at a time, calling `pause()` between
   * reads: a slow link, or a switch that reads little and late. Kernel buffers fill up
   * behind it, so the controller's writes become partial and its output backs up.
   */
  throttle(size: () => number, pause: () => Promise<void>): void {
    const s = this.socket;
    s.off('data', this.onData);
    s.pause();
    const loop = async () => {
      while (!this.isClosed && !s.readableEnded) {
        const n = Math.min(size(), s.readableLength);
        if (n === 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              s.off('readable', done).off('close', done);
              resolve();
            };
            s.on('readable', done).on('close', done);
          });
          continue;
        }
        this.onData(s.read(n) as Buffer);
        await pause();
      }
    };
    void loop();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.framer.push(chunk, (buf, start, end) => this.onFrame(buf, start, end));
    } catch {
      this.undecodable.push(Buffer.from(chunk));
    }
  };

  private onFrame(buf: Buffer, start: number, end: number): void {
    const r = decodeMessage(buf, start, end);
    if (!r.ok) {
      this.undecodable.push(Buffer.from(buf.subarray(start, end)));
      return;
    }
    const m = r.value;
    this.received.push(m);
    if (this.opts.handshake !== false) this.answer(m);
    const ready = this.waiters.filter((w) => w.match(m));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(m);
  }

  private answer(m: Message): void {
    const xid = m.xid;
    if (m.type === 'echo_request') this.send({ type: 'echo_reply', xid, data: m.data });
    else if (m.type === 'barrier_request') this.send({ type: 'barrier_reply', xid });
    else if (m.type === 'features_request') {
      this.send({
        type: 'features_reply',
        xid,
        datapathId: this.dpid,
        nBuffers: 0,
        nTables: 254,
        auxiliaryId: 0,
        capabilities: 0x4f,
        reserved: 0,
      });
    } else if (m.type === 'multipart_request' && m.body.kind === 'port_desc') {
      const ports = this.opts.ports ?? [port(1), port(2), port(3)];
      this.send({ type: 'multipart_reply', xid, flags: 0, body: { kind: 'port_desc', ports } });
    } else if (m.type === 'multipart_request' && m.body.kind === 'flow') {
      const { cookie, cookieMask } = m.body;
      const flows = (this.opts.flows ?? []).filter(
        (f) => (f.cookie & cookieMask) === (cookie & cookieMask),
      );
      this.send({ type: 'multipart_reply', xid, flags: 0, body: { kind: 'flow', flows } });
    }
  }
}
