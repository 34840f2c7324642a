/**
 * A DatapathPort (src/runtime/datapath-port.ts) for tests: the real Datapath handle runs
 * over it, and it records every message exactly as it would go on the wire (a template
 * as the message its bytes encode). Requests are recorded too and answered by the test's
 * `respond`; without one a request rejects, naming the message.
 */
import type { FlowModTemplate, Message, PacketOutTemplate, Port } from '../../src/codec/index.js';
import type {
  DatapathPort,
  FlowModel,
  Logger,
  ReplyOf,
  RequestType,
  SwitchFeatures,
} from '../../src/runtime/internal.js';
import { createLogger, formatDpid } from '../../src/runtime/internal.js';

export interface TestPortOptions {
  readonly dpid: bigint;
  readonly ports?: Map<number, Port>;
  readonly log?: Logger;
  readonly nTables?: number;
  /** First xid handed out is this plus one. */
  readonly firstXid?: number;
  /** Sees each message as it is sent (after it is recorded). */
  readonly onSend?: (m: Message) => void;
  /** Answers a request (the request is recorded and passed to onSend first). */
  readonly respond?: (m: Message) => Message | Promise<Message>;
}

const silent = createLogger({ level: 'silent', pretty: false, stream: { write() {} } });

export class TestPort implements DatapathPort {
  readonly dpid: bigint;
  readonly dpidHex: string;
  readonly features: SwitchFeatures;
  readonly ports: Map<number, Port>;
  readonly log: Logger;
  model: FlowModel | undefined = undefined;
  /** Set false to act as a switch that disconnected: sends are then dropped. */
  connected = true;
  /** Everything sent so far, in order, with the sending app's index. */
  readonly sent: Message[] = [];
  readonly owners: number[] = [];
  private xid: number;

  constructor(private readonly opts: TestPortOptions) {
    this.dpid = opts.dpid;
    this.dpidHex = formatDpid(opts.dpid);
    this.ports = opts.ports ?? new Map();
    this.log = opts.log ?? silent;
    this.xid = opts.firstXid ?? 100;
    this.features = {
      datapathId: opts.dpid,
      nBuffers: 0,
      nTables: opts.nTables ?? 254,
      auxiliaryId: 0,
      capabilities: 0,
      reserved: 0,
    };
  }

  nextXid(): number {
    return ++this.xid;
  }

  send(m: Message, owner: number): void {
    if (!this.connected) return;
    this.sent.push(m);
    this.owners.push(owner);
    this.opts.onSend?.(m);
  }

  sendTemplate(
    t: FlowModTemplate | PacketOutTemplate,
    xid: number,
    owner: number,
    data?: Uint8Array,
  ): void {
    this.send(t.type === 'flow_mod' ? t.toMessage(xid) : t.toMessage(xid, data), owner);
  }

  async request<T extends RequestType>(
    m: Extract<Message, { type: T }>,
    _timeoutMs: number | undefined,
    owner: number,
  ): Promise<ReplyOf<T>> {
    const msg: Message = m;
    this.send(msg, owner);
    if (!this.opts.respond) throw new Error(`TestPort: no answer for ${msg.type} (xid ${msg.xid})`);
    return (await this.opts.respond(msg)) as ReplyOf<T>;
  }
}
