/**
 * One emulated OpenFlow 1.3 switch: a TCP connection to the controller under test.
 *
 * Handshake: it sends HELLO (1.3 only) and answers FEATURES_REQUEST (unique dpid),
 * PORT_DESC and DESC, the statistics requests an empty switch can answer (no flows,
 * groups or meters, so a controller that reconciles finds nothing), ECHO, BARRIER,
 * GET_CONFIG, ROLE and GET_ASYNC; other multipart kinds get OFPBRC_BAD_MULTIPART;
 * SET_CONFIG, FLOW_MOD, PACKET_OUT and the rest are taken in silently. After its FEATURES_REPLY it
 * announces TAUGHT_MAC on port 2 (a broadcast packet-in, repeated every 100 ms until a
 * PACKET_OUT comes back): then the switch is ready.
 *
 * Load: unbuffered PACKET_INs from the shared PacketCycle. A response is a FLOW_MOD (as
 * cbench counts); PACKET_OUTs are counted too. In throughput mode the switch keeps up to
 * `window` packet-ins unanswered, topping up as FLOW_MODs arrive; in latency mode exactly
 * one, timed from write to the FLOW_MOD's arrival. A switch that hears nothing for
 * `stallMs` while waiting counts a stall and sends afresh, so a controller that drops
 * replies (ovs-testcontroller does when its queue is full) cannot freeze the run.
 */
import net from 'node:net';
import {
  decodeMessage,
  encodeMessage,
  helloSupports,
  type Message,
  type MultipartKind,
  type MultipartReplyBody,
} from '../../src/codec/index.js';
import { MessageScanner, OFPT_FLOW_MOD, OFPT_PACKET_OUT } from './scanner.js';
import type { LatencySamples } from './stats.js';
import { DESC, featuresReply, HELLO, type PacketCycle, ports, TEACH_PACKET_IN } from './wire.js';

export type Mode = 'throughput' | 'latency';
export type SwitchState = 'connecting' | 'handshaking' | 'ready' | 'running' | 'closed';

/** What all switches of one generator share. */
export interface LoadContext {
  readonly cycle: PacketCycle;
  readonly mode: Mode;
  /** Unanswered packet-ins allowed per switch (1 in latency mode). */
  readonly window: number;
  readonly stallMs: number;
  readonly latency: LatencySamples;
  /** Round-trip times are kept only while this is set (not during warm-up). */
  recording: boolean;
}

const TEACH_RETRY_MS = 100;
const OFPET_BAD_REQUEST = 1;
const OFPBRC_BAD_MULTIPART = 2;

/** Every type except PACKET_OUT and FLOW_MOD is decoded by the codec. */
const COLLECT = new Uint8Array(256).fill(1);
COLLECT[OFPT_PACKET_OUT] = 0;
COLLECT[OFPT_FLOW_MOD] = 0;

export class EmulatedSwitch {
  state: SwitchState = 'connecting';
  /** Packet-ins written since start(). */
  sent = 0;
  outstanding = 0;
  stalls = 0;
  /** Packet-ins still allowed (learn mode sends each MAC once); unlimited otherwise. */
  budget = Number.POSITIVE_INFINITY;
  /** Why the switch stopped or what the controller complained about, if anything. */
  problem: string | undefined;
  readonly scanner: MessageScanner;
  private socket: net.Socket | undefined;
  private cursor = 0;
  private lastProgress = 0;
  private lastTeach = 0;
  private packetOutsAtTeach = -1;
  private sentAt = 0n;
  private readonly refillAt: number;

  constructor(
    readonly index: number,
    readonly datapathId: bigint,
    private readonly ctx: LoadContext,
    private readonly onState: (sw: EmulatedSwitch) => void,
  ) {
    this.scanner = new MessageScanner(
      COLLECT,
      (msg) => this.onControl(msg),
      (len) => this.close(`controller sent a header with length ${len}`),
    );
    this.refillAt = Math.max(1, Math.floor(ctx.window / 4));
  }

  get flowMods(): number {
    return this.scanner.counts[OFPT_FLOW_MOD]!;
  }
  get packetOuts(): number {
    return this.scanner.counts[OFPT_PACKET_OUT]!;
  }

  connect(host: string, port: number): void {
    const s = net.connect({ host, port, noDelay: true });
    this.socket = s;
    s.on('connect', () => {
      this.setState('handshaking');
      s.write(HELLO);
    });
    s.on('data', (chunk: Buffer) => this.onData(chunk));
    s.on('error', (e) => this.close(`socket error: ${e.message}`));
    s.on('close', () => this.close('connection closed by the controller'));
  }

  /** Starts the load; the switch must be ready. */
  start(): void {
    if (this.state !== 'ready') return;
    this.setState('running');
    this.lastProgress = performance.now();
    this.fill();
  }

  /** Called every ~100 ms: teach retries and stall recovery. */
  tick(now: number): void {
    if (this.state === 'handshaking' && this.packetOutsAtTeach >= 0) {
      if (now - this.lastTeach >= TEACH_RETRY_MS) this.teach();
    } else if (this.state === 'running' && this.outstanding > 0) {
      if (now - this.lastProgress >= this.ctx.stallMs) {
        this.stalls++;
        this.outstanding = 0;
        this.lastProgress = now;
        this.fill();
      }
    }
  }

  close(problem?: string): void {
    if (this.state === 'closed') return;
    if (problem && this.problem === undefined) this.problem = problem;
    this.socket?.destroy();
    this.setState('closed');
  }

  private setState(state: SwitchState): void {
    this.state = state;
    this.onState(this);
  }

  private onData(chunk: Buffer): void {
    const counts = this.scanner.counts;
    const before = counts[OFPT_FLOW_MOD]!;
    this.scanner.push(chunk);
    if (this.state === 'running') {
      const got = counts[OFPT_FLOW_MOD]! - before;
      if (got > 0) this.onResponses(got);
    } else if (this.state === 'handshaking' && this.packetOutsAtTeach >= 0) {
      if (counts[OFPT_PACKET_OUT]! > this.packetOutsAtTeach) this.setState('ready');
    }
  }

  private onResponses(got: number): void {
    this.lastProgress = performance.now();
    if (this.ctx.mode === 'latency') {
      if (this.outstanding > 0 && this.ctx.recording) {
        this.ctx.latency.push(Number(process.hrtime.bigint() - this.sentAt) / 1000);
      }
      this.outstanding = 0;
      this.fill();
      return;
    }
    this.outstanding = Math.max(0, this.outstanding - got);
    if (this.ctx.window - this.outstanding >= this.refillAt) this.fill();
  }

  /** Tops the switch up to its window with the next packet-ins of the cycle. */
  private fill(): void {
    const s = this.socket;
    if (!s || this.state !== 'running') return;
    const count = Math.min(this.ctx.window - this.outstanding, this.budget);
    if (count <= 0) return;
    const cycle = this.ctx.cycle;
    if (this.ctx.mode === 'latency') this.sentAt = process.hrtime.bigint();
    s.write(cycle.slice(this.cursor, count));
    this.cursor = (this.cursor + count) % cycle.macs;
    this.outstanding += count;
    this.sent += count;
    this.budget -= count;
  }

  private teach(): void {
    if (this.state !== 'handshaking' || !this.socket) return;
    if (this.packetOutsAtTeach < 0) this.packetOutsAtTeach = this.packetOuts;
    this.lastTeach = performance.now();
    this.socket.write(TEACH_PACKET_IN);
  }

  private send(m: Message): void {
    this.socket?.write(encodeMessage(m));
  }

  private onMultipart(xid: number, kind: MultipartKind, msg: Buffer): void {
    const body = multipartBody(kind, this.index);
    if (body) {
      this.send({ type: 'multipart_reply', xid, flags: 0, body });
    } else {
      const data = msg.subarray(0, Math.min(64, msg.length));
      this.send({
        type: 'error',
        xid,
        errType: OFPET_BAD_REQUEST,
        code: OFPBRC_BAD_MULTIPART,
        data,
      });
    }
    if (kind === 'port_desc') this.teach();
  }

  /** Everything but FLOW_MOD and PACKET_OUT lands here, decoded by the codec. */
  private onControl(msg: Buffer): void {
    const r = decodeMessage(msg);
    if (!r.ok) {
      this.problem ??= `undecodable message from the controller: ${r.error.message}`;
      return;
    }
    const m = r.value;
    const xid = m.xid;
    switch (m.type) {
      case 'hello':
        if (!helloSupports(m, 4)) this.close('controller does not offer OpenFlow 1.3');
        return;
      case 'features_request':
        this.send(featuresReply(xid, this.datapathId));
        this.teach();
        return;
      case 'multipart_request':
        this.onMultipart(xid, m.body.kind, msg);
        return;
      case 'echo_request':
        this.send({ type: 'echo_reply', xid, data: m.data });
        return;
      case 'barrier_request':
        this.send({ type: 'barrier_reply', xid });
        return;
      case 'get_config_request':
        this.send({ type: 'get_config_reply', xid, flags: 0, missSendLen: 128 });
        return;
      case 'role_request':
        this.send({ type: 'role_reply', xid, role: m.role, generationId: m.generationId });
        return;
      case 'get_async_request':
        this.send({
          type: 'get_async_reply',
          xid,
          packetInMask: [0x7, 0],
          portStatusMask: [0x7, 0x7],
          flowRemovedMask: [0xf, 0],
        });
        return;
      case 'error':
        this.problem ??= `controller sent OFPT_ERROR type ${m.errType} code ${m.code}`;
        return;
      default:
        return;
    }
  }
}

/**
 * The reply body to a multipart request: the switch's description and ports, and the
 * statistics of an empty switch (no flows, groups or meters: it installs nothing).
 * Undefined for kinds it does not support (answered with OFPBRC_BAD_MULTIPART).
 */
function multipartBody(kind: MultipartKind, index: number): MultipartReplyBody | undefined {
  switch (kind) {
    case 'desc':
      return { kind, desc: DESC };
    case 'port_desc':
      return { kind, ports: ports(index) };
    case 'flow':
      return { kind, flows: [] };
    case 'aggregate':
      return { kind, packetCount: 0n, byteCount: 0n, flowCount: 0 };
    case 'port_stats':
      return { kind, ports: [] };
    case 'queue':
      return { kind, queues: [] };
    case 'group':
    case 'group_desc':
      return { kind, groups: [] };
    case 'meter':
    case 'meter_config':
      return { kind, meters: [] };
    default:
      return undefined;
  }
}
