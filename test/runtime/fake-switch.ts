/**
 * An in-process fake OpenFlow 1.3 switch over a real TCP (or TLS) socket, for the runtime
 * and reliability tests. It sends HELLO, answers the handshake (FEATURES, PORT_DESC, and
 * flow stats when given flows), echoes and barriers unless told not to, and records
 * everything the controller sends, decoded through the codec's framer. It can send any
 * bytes (at once, or trickled), read slowly, and wait for a message or for the connection
 * to end, whichever comes first (so a test never hangs on a closed socket).
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
  type MultipartReplyBody,
  type Port,
} from '../../src/codec/index.js';

export interface FakeSwitchOptions {
  readonly dpid?: bigint;
  readonly ports?: readonly Port[];
  /** The HELLO to send on connect; false sends none. Default: OpenFlow 1.3 with bitmap. */
  readonly hello?: Hello | false;
  /** Answer FEATURES_REQUEST, PORT_DESC and flow stats (default true). */
  readonly handshake?: boolean;
  /** Answer ECHO_REQUEST (default true). */
  readonly echo?: boolean;
  /** Answer BARRIER_REQUEST (default true). */
  readonly barrier?: boolean;
  /** Send the PORT_DESC reply in this many parts (REPLY_MORE on all but the last). */
  readonly portDescParts?: number;
  /** Answer flow stats requests with these flows, filtered by cookie (default: no answer). */
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

export function makePort(portNo: number, name = `p${portNo}`, state = 0): Port {
  return {
    portNo,
    hwAddr: 0x020000000000 + portNo,
    name,
    config: 0,
    state,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: 0,
    maxSpeed: 0,
  };
}

type Waiter = { match: (m: Message) => boolean; resolve: (m: Message | undefined) => void };

export class FakeSwitch {
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
    private readonly opts: FakeSwitchOptions,
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

  static connect(port: number, opts: FakeSwitchOptions = {}): Promise<FakeSwitch> {
    return new Promise((resolve, reject) => {
      const host = opts.host ?? '127.0.0.1';
      const connected = () => {
        socket.off('error', reject).off('close', onClose);
        const sw = new FakeSwitch(socket, opts);
        if (opts.hello !== false) sw.send(opts.hello ?? HELLO_13);
        resolve(sw);
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

  /** All received messages of `type`. */
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
    this.answer(m);
    const ready = this.waiters.filter((w) => w.match(m));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(m);
  }

  private answer(m: Message): void {
    const o = this.opts;
    const xid = m.xid;
    if (m.type === 'echo_request' && o.echo !== false) {
      this.send({ type: 'echo_reply', xid, data: m.data });
    } else if (m.type === 'barrier_request' && o.barrier !== false) {
      this.send({ type: 'barrier_reply', xid });
    } else if (o.handshake === false) {
      return;
    } else if (m.type === 'features_request') {
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
      const ports = o.ports ?? [makePort(1), makePort(2)];
      const bodies = ports.map((p): MultipartReplyBody => ({ kind: 'port_desc', ports: [p] }));
      const none: MultipartReplyBody = { kind: 'port_desc', ports: [] };
      this.replyInParts(xid, bodies.length > 0 ? bodies : [none], o.portDescParts ?? 1);
    } else if (m.type === 'multipart_request' && m.body.kind === 'flow' && o.flows) {
      const { cookie, cookieMask } = m.body;
      const flows = o.flows.filter((f) => (f.cookie & cookieMask) === (cookie & cookieMask));
      this.send({ type: 'multipart_reply', xid, flags: 0, body: { kind: 'flow', flows } });
    }
  }

  /** Sends `bodies` (all of one kind) as `parts` multipart replies, merging the rest. */
  replyInParts(xid: number, bodies: readonly MultipartReplyBody[], parts: number): void {
    const n = Math.max(1, Math.min(parts, bodies.length));
    const per = Math.ceil(bodies.length / n);
    for (let i = 0; i < n; i++) {
      const chunk = bodies.slice(i * per, (i + 1) * per);
      const body = mergeBodies(chunk);
      this.send({ type: 'multipart_reply', xid, flags: i < n - 1 ? 1 : 0, body });
    }
  }
}

function mergeBodies(bodies: readonly MultipartReplyBody[]): MultipartReplyBody {
  const first = bodies[0]!;
  if (first.kind === 'port_desc') {
    return {
      kind: 'port_desc',
      ports: bodies.flatMap((b) => (b.kind === 'port_desc' ? b.ports : [])),
    };
  }
  if (first.kind === 'flow') {
    return { kind: 'flow', flows: bodies.flatMap((b) => (b.kind === 'flow' ? b.flows : [])) };
  }
  return first;
}
