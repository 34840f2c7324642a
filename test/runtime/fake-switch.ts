/**
 * An in-process fake OpenFlow 1.3 switch over a real TCP socket, for runtime tests. It
 * sends HELLO, answers the handshake (FEATURES, PORT_DESC), echoes and barriers unless
 * told not to, records everything it receives, and lets a test wait for a message.
 */
import net from 'node:net';
import {
  decodeMessage,
  encodeMessage,
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
  /** Answer FEATURES_REQUEST and PORT_DESC (default true). */
  readonly handshake?: boolean;
  /** Answer ECHO_REQUEST (default true). */
  readonly echo?: boolean;
  /** Answer BARRIER_REQUEST (default true). */
  readonly barrier?: boolean;
  /** Send the PORT_DESC reply in this many parts (REPLY_MORE on all but the last). */
  readonly portDescParts?: number;
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

type Waiter = { match: (m: Message) => boolean; resolve: (m: Message) => void };

export class FakeSwitch {
  /** Every message received from the controller, in order. */
  readonly received: Message[] = [];
  /** Bytes that did not decode (should stay empty). */
  readonly undecodable: Buffer[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly framer = new Framer();
  private waiters: Waiter[] = [];

  private constructor(
    readonly socket: net.Socket,
    private readonly opts: FakeSwitchOptions,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.framer.push(chunk, (buf, start, end) => this.onFrame(buf, start, end));
      } catch {
        this.undecodable.push(chunk);
      }
    });
  }

  static connect(port: number, opts: FakeSwitchOptions = {}): Promise<FakeSwitch> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.off('error', reject);
        const sw = new FakeSwitch(socket, opts);
        if (opts.hello !== false) sw.send(opts.hello ?? HELLO_13);
        resolve(sw);
      });
      socket.once('error', reject);
    });
  }

  get dpid(): bigint {
    return this.opts.dpid ?? 1n;
  }

  send(m: Message): void {
    this.socket.write(encodeMessage(m));
  }

  sendRaw(b: Buffer): void {
    this.socket.write(b);
  }

  /** The first received message of `type` (after `from`) that satisfies `pred`, or the next to come. */
  waitFor<T extends MessageType>(
    type: T,
    pred: (m: MessageOf<T>) => boolean = () => true,
    from = 0,
  ): Promise<MessageOf<T>> {
    const match = (m: Message) => m.type === type && pred(m as MessageOf<T>);
    const found = this.received.slice(from).find(match);
    if (found) return Promise.resolve(found as MessageOf<T>);
    return new Promise((resolve) => {
      this.waiters.push({ match, resolve: resolve as (m: Message) => void });
    });
  }

  /** All received messages of `type`. */
  all<T extends MessageType>(type: T): MessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as MessageOf<T>[];
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

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
    this.waiters = this.waiters.filter((w) => !w.match(m));
    for (const w of ready) w.resolve(m);
  }

  private answer(m: Message): void {
    const o = this.opts;
    if (m.type === 'echo_request' && o.echo !== false) {
      this.send({ type: 'echo_reply', xid: m.xid, data: m.data });
    } else if (m.type === 'barrier_request' && o.barrier !== false) {
      this.send({ type: 'barrier_reply', xid: m.xid });
    } else if (m.type === 'features_request' && o.handshake !== false) {
      this.send({
        type: 'features_reply',
        xid: m.xid,
        datapathId: this.dpid,
        nBuffers: 0,
        nTables: 254,
        auxiliaryId: 0,
        capabilities: 0x4f,
        reserved: 0,
      });
    } else if (
      m.type === 'multipart_request' &&
      m.body.kind === 'port_desc' &&
      o.handshake !== false
    ) {
      this.replyInParts(
        m.xid,
        (o.ports ?? [makePort(1), makePort(2)]).map((p) => ({ kind: 'port_desc', ports: [p] })),
        o.portDescParts ?? 1,
      );
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
