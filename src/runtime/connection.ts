/**
 * One switch connection: framing and decoding of the byte stream, the handshake
 * (HELLO and version negotiation, then FEATURES, SET_CONFIG, PORT_DESC: see
 * switch-features.ts), echo both ways, requests with their xids, OFPT_ERROR routing,
 * the protocol-error answers to bad input (rate-limited warnings: peer-warnings.ts),
 * and the single path by which every message leaves (send, sendTemplate: see
 * switch-output.ts), which is also where the flow model sees each FLOW_MOD.
 *
 * The hot path is a PACKET_IN once ready: it is read in place (codec packet-in-view.ts)
 * instead of decoded, and every answer sent while one socket read is handled goes out
 * in one socket write at the end of the read (outbox.ts).
 *
 * Life cycle: 'hello' (ours is sent at once; the peer's must come first) -> 'features'
 * (FEATURES_REQUEST, then SET_CONFIG + PORT_DESC) -> 'ready' (events flow to the apps)
 * -> 'closed'. Asynchronous messages that arrive before 'ready' are dropped: the
 * PORT_DESC reply already reflects any PORT_STATUS sent before it, and a lost
 * PACKET_IN is retried by the host.
 *
 * Bad input: a message that does not decode is answered with OFPT_ERROR (the codec's
 * type and code, the first 64 bytes of the message) and the connection is kept; a
 * framing error (length < 8 or too big) cannot be resynchronised, so it is answered
 * with OFPBRC_BAD_LEN and the connection is closed.
 */
import type { Socket } from 'node:net';
import {
  assertNever,
  decodeMessage,
  type FlowModTemplate,
  type FlowRemoved,
  Framer,
  FramingError,
  type Message,
  OFPERR,
  OFPPR_DELETE,
  type OfpError,
  ofpError,
  type PacketIn,
  type PacketOutTemplate,
  type Port,
  type PortStatus,
  readPacketIn,
} from '../codec/index.js';
import type { SwitchFeatures } from './app.js';
import type { ConnectionOptions, ConnectionState } from './connection-types.js';
import { ConnectionClosedError, OpenFlowError } from './errors.js';
import { beginEvent, endEvent } from './event-time.js';
import type { FlowModel } from './flow-model.js';
import { errorReply, helloFailed, helloMessage, negotiate } from './handshake.js';
import { Keepalive } from './keepalive.js';
import { formatDpid, type Logger } from './log.js';
import { Outbox } from './outbox.js';
import { PeerWarnings } from './peer-warnings.js';
import { PendingRequests, type ReplyOf, type RequestType } from './pending.js';
import { describeSwitch } from './switch-features.js';
import { SwitchOutput } from './switch-output.js';

export type { ConnectionOptions, ConnectionState } from './connection-types.js';

/** What a connection reports to its owner (the controller). */
export interface ConnectionEvents {
  ready(c: Connection): void;
  closed(c: Connection, reason: string, wasReady: boolean): void;
  packetIn(c: Connection, m: PacketIn): void;
  portStatus(c: Connection, m: PortStatus): void;
  flowRemoved(c: Connection, m: FlowRemoved): void;
  /** An OFPT_ERROR not answering a request; `owner` is the sending app's index or -1. */
  switchError(c: Connection, err: OpenFlowError, owner: number): void;
  /** Any other unsolicited message once ready. */
  message(c: Connection, m: Message): void;
  /** The answer to our keepalive ECHO_REQUEST came back after `ms` milliseconds. */
  echoRtt?(c: Connection, ms: number): void;
}

/** A graceful close waits this long for the peer before destroying the socket. */
const LINGER_MS = 1000;
/** OFPT_PACKET_IN's type number: the one message the hot path reads in place. */
const OFPT_PACKET_IN = 10;

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly peer: string;
  state: ConnectionState = 'hello';
  dpid: bigint | undefined;
  dpidHex = '';
  features: SwitchFeatures | undefined;
  readonly ports = new Map<number, Port>();
  log: Logger;
  closeReason: string | undefined;
  /** Epoch ms when the handshake finished (0 before). */
  connectedAt = 0;
  /**
   * Our OpenFlow role on this switch as the API shows it: 'equal' (the OpenFlow 1.3
   * default) until a role request changes it.
   */
  role = 'equal';
  /** Counters for statistics, metrics and tests (errors: OFPT_ERRORs the switch sent). */
  readonly stats = {
    reads: 0,
    messagesIn: 0,
    packetIns: 0,
    droppedBeforeReady: 0,
    malformed: 0,
    errors: 0,
    flowsRemoved: 0,
  };

  private readonly framer = new Framer();
  private readonly outbox: Outbox;
  private readonly pending: PendingRequests;
  private readonly keepalive: Keepalive;
  private readonly warnings = new PeerWarnings(() => this.log);
  private handshakeTimer: NodeJS.Timeout | undefined;
  private readonly output: SwitchOutput;

  constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
    private readonly events: ConnectionEvents,
    private readonly rootLog: Logger,
  ) {
    this.peer =
      socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix';
    this.log = rootLog.child({ peer: this.peer });
    this.pending = new PendingRequests(opts.maxReplyBytes);
    this.outbox = new Outbox(
      socket,
      {
        softLimit: opts.outputSoftLimit,
        hardLimit: opts.outputHardLimit,
        stallTimeoutMs: opts.echoTimeoutMs,
      },
      (reason) => this.close(reason),
    );
    this.output = new SwitchOutput(this.outbox, () => this.nextXid());
    this.keepalive = new Keepalive(
      { intervalMs: opts.echoIntervalMs, timeoutMs: opts.echoTimeoutMs },
      () => this.send({ type: 'echo_request', xid: this.nextXid(), data: new Uint8Array(0) }),
      (reason) => this.close(`dead peer: ${reason}`),
      () => this.outbox.paused,
    );
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    this.handshakeTimer = setTimeout(
      () => this.close(`handshake not finished within ${opts.handshakeTimeoutMs} ms`),
      opts.handshakeTimeoutMs,
    );
    this.send(helloMessage(this.nextXid()));
  }

  /** The flow model of this datapath, set by the controller when it has a factory. */
  get model(): FlowModel | undefined {
    return this.output.model;
  }
  set model(m: FlowModel | undefined) {
    this.output.model = m;
  }

  /** Bytes accepted for sending but not yet taken by the kernel. */
  get backlog(): number {
    return this.outbox.backlog;
  }

  /** True while reading is stopped because the switch is not taking our output. */
  get readingPaused(): boolean {
    return this.outbox.paused;
  }

  /** Socket writes so far (one per read that produced output, plus timer-driven ones). */
  get writes(): number {
    return this.outbox.writes;
  }

  /** FLOW_MODs and PACKET_OUTs sent so far (metrics). */
  get sent(): { readonly flowMods: number; readonly packetOuts: number } {
    return this.output.counts;
  }

  /** Requests waiting for a reply. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  nextXid(): number {
    return this.pending.nextXid();
  }

  /** (A method, so that TypeScript does not carry a narrowed `state` across an await.) */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  /**
   * The one way out for every message (see switch-output.ts). `owner` is the sending
   * app's index (-1 for the runtime), for routing an OFPT_ERROR about this xid. After
   * close, dropped.
   */
  send(m: Message, owner = -1): void {
    if (this.state !== 'closed') this.output.send(m, owner);
  }

  /** send() for a template's current bytes (see codec templates.ts). */
  sendTemplate(
    t: FlowModTemplate | PacketOutTemplate,
    xid: number,
    owner = -1,
    data?: Uint8Array,
  ): void {
    if (this.state !== 'closed') this.output.sendTemplate(t, xid, owner, data);
  }

  /** Sends a request and resolves with its reply; see PendingRequests. */
  request<T extends RequestType>(
    m: Extract<Message, { type: T }>,
    timeoutMs = this.opts.requestTimeoutMs,
    owner = -1,
  ): Promise<ReplyOf<T>> {
    if (this.state === 'closed') {
      return Promise.reject(new ConnectionClosedError(this.closeReason ?? 'closed'));
    }
    const msg = m as Message;
    try {
      this.send(msg, owner);
    } catch (e) {
      return Promise.reject(e);
    }
    // No reply can be read before this returns; a send that overflowed has closed us.
    if (this.isClosed()) {
      return Promise.reject(new ConnectionClosedError(this.closeReason ?? 'closed'));
    }
    return this.pending.add(msg.xid, msg.type as T, timeoutMs);
  }

  /**
   * Closes the connection: timers stopped, pending requests rejected, socket destroyed
   * (or, with a farewell message such as an OFPT_ERROR, flushed and ended). Idempotent.
   */
  close(reason: string, farewell?: Message): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    this.closeReason = reason;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.keepalive.stop();
    if (farewell) {
      this.outbox.append(farewell);
      this.outbox.flush();
    }
    this.outbox.close();
    this.socket.off('data', this.onData);
    if (farewell) {
      this.socket.end();
      const linger = setTimeout(() => this.socket.destroy(), LINGER_MS);
      this.socket.once('close', () => clearTimeout(linger));
    } else {
      this.socket.destroy();
    }
    this.pending.rejectAll(new ConnectionClosedError(reason));
    this.events.closed(this, reason, wasReady);
  }

  private readonly onData = (chunk: Buffer) => {
    this.keepalive.alive();
    this.stats.reads++;
    beginEvent();
    this.outbox.begin();
    try {
      this.framer.push(chunk, this.onFrame);
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      this.stats.malformed++;
      this.log.warn({ header: e.header.toString('hex') }, `framing error, closing: ${e.message}`);
      const err: OfpError = ofpError(OFPERR.OFPBRC_BAD_LEN, e.message);
      this.close(`framing error: ${e.message}`, errorReply(e.header, 0, e.header.length, err));
    } finally {
      this.outbox.end();
      endEvent();
    }
  };

  private readonly onFrame = (buf: Buffer, start: number, end: number) => {
    if (this.state === 'closed') return;
    this.stats.messagesIn++;
    // The hot path: once ready, a PACKET_IN is read in place (see packet-in-view.ts);
    // anything unusual about it takes the general path below.
    if (this.state === 'ready' && buf[start + 1] === OFPT_PACKET_IN) {
      const pi = readPacketIn(buf, start, end);
      if (pi !== undefined) {
        this.stats.packetIns++;
        try {
          this.events.packetIn(this, pi);
        } catch (e) {
          this.warnings.internalError(e, 'packet_in');
        }
        return;
      }
    }
    const r = decodeMessage(buf, start, end);
    if (!r.ok) return this.malformed(buf, start, end, r.error);
    try {
      this.dispatch(r.value, buf, start, end);
    } catch (e) {
      this.warnings.internalError(e, r.value.type);
    }
  };

  private dispatch(m: Message, buf: Buffer, start: number, end: number): void {
    if (this.state === 'hello' && m.type !== 'hello') {
      const reason = `expected HELLO first, got ${m.type}`;
      return this.close(reason, helloFailed(m.xid, reason));
    }
    switch (m.type) {
      case 'packet_in':
        this.stats.packetIns++;
        if (this.state === 'ready') this.events.packetIn(this, m);
        else this.stats.droppedBeforeReady++;
        return;
      case 'echo_request':
        this.send({ type: 'echo_reply', xid: m.xid, data: m.data });
        return;
      case 'port_status':
        return this.onPortStatus(m);
      case 'flow_removed':
        if (this.state !== 'ready') return;
        this.stats.flowsRemoved++;
        this.model?.applyFlowRemoved(m);
        return this.events.flowRemoved(this, m);
      case 'error':
        return this.onSwitchError(m);
      case 'hello':
        return this.onHello(m);
      case 'echo_reply':
      case 'features_reply':
      case 'get_config_reply':
      case 'multipart_reply':
      case 'barrier_reply':
      case 'queue_get_config_reply':
      case 'role_reply':
      case 'get_async_reply':
        if (!this.pending.settle(m, end - start)) this.unsolicited(m);
        return;
      case 'experimenter':
        return this.unsolicited(m);
      case 'features_request':
      case 'get_config_request':
      case 'set_config':
      case 'packet_out':
      case 'flow_mod':
      case 'group_mod':
      case 'port_mod':
      case 'table_mod':
      case 'meter_mod':
      case 'multipart_request':
      case 'barrier_request':
      case 'queue_get_config_request':
      case 'role_request':
      case 'get_async_request':
      case 'set_async': {
        // Controller-to-switch messages make no sense from a switch: OFPBRC_BAD_TYPE.
        const message = `${m.type} is a controller-to-switch message`;
        this.warnings.warn(
          `${m.type} from switch`,
          `switch sent ${m.type}; answered OFPBRC_BAD_TYPE`,
        );
        return this.send(errorReply(buf, start, end, ofpError(OFPERR.OFPBRC_BAD_TYPE, message)));
      }
      default:
        return assertNever(m);
    }
  }

  private onHello(m: Extract<Message, { type: 'hello' }>): void {
    if (this.state !== 'hello') return;
    const n = negotiate(m);
    if (!n.ok) {
      this.log.warn(`version negotiation failed: ${n.reason}`);
      return this.close(`HELLO failed: ${n.reason}`, helloFailed(m.xid, n.reason));
    }
    this.state = 'features';
    this.keepalive.start();
    this.handshake().catch((e: Error) => this.close(`handshake failed: ${e.message}`));
  }

  private async handshake(): Promise<void> {
    const d = await describeSwitch(this, this.opts.missSendLen);
    if (d === undefined || this.isClosed()) return;
    if (!d.ok) return this.close(d.reason);
    this.dpid = d.features.datapathId;
    this.dpidHex = formatDpid(this.dpid);
    this.features = d.features;
    this.log = this.rootLog.child({ dpid: this.dpidHex, peer: this.peer });
    for (const p of d.ports) this.ports.set(p.portNo, p);
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.state = 'ready';
    this.connectedAt = Date.now();
    this.events.ready(this);
  }

  private onPortStatus(m: PortStatus): void {
    if (this.state !== 'ready') return;
    if (m.reason === OFPPR_DELETE) this.ports.delete(m.port.portNo);
    else this.ports.set(m.port.portNo, m.port);
    this.model?.applyPortStatus?.(m);
    this.events.portStatus(this, m);
  }

  private onSwitchError(m: Extract<Message, { type: 'error' }>): void {
    this.stats.errors++;
    if (this.pending.settle(m)) return;
    const err = new OpenFlowError(m);
    if (this.state !== 'ready')
      return this.warnings.warn(
        'error during handshake',
        `error from switch during handshake: ${err.message}`,
      );
    this.events.switchError(this, err, this.output.ownerOf(m.xid));
  }

  /** Replies nobody waits for: our keepalive echoes and automatic barriers are expected. */
  private unsolicited(m: Message): void {
    if (m.type === 'echo_reply') {
      const ms = this.keepalive.echoAnswered();
      if (ms !== undefined && this.state === 'ready') this.events.echoRtt?.(this, ms);
      return;
    }
    if (m.type === 'barrier_reply') return;
    if (this.state === 'ready') this.events.message(this, m);
  }

  private malformed(buf: Buffer, start: number, end: number, err: OfpError): void {
    this.stats.malformed++;
    this.warnings.malformed(buf, start, end, err);
    this.send(errorReply(buf, start, end, err));
  }

  private readonly onSocketError = (e: Error) => {
    this.close(`socket error: ${e.message}`);
  };

  private readonly onSocketClose = () => {
    this.close('the switch closed the connection');
  };
}
