/**
 * The Datapath handle an app holds for one switch (see app.ts for the interface): one
 * per app per connection, so every send carries the app's identity (errors are routed
 * back to it) and its logger carries dpid and app name. It fills in FLOW_MOD,
 * PACKET_OUT and flow-stats defaults and hands complete messages to the connection.
 *
 * Templates (codec templates.ts) are the fast way out: sendTemplate() hands the bytes
 * to the connection's outbox without a message object. A handle over something other
 * than a Connection (tests build handles over stand-ins that record messages) sends
 * the message the template encodes instead, through the same send() as any other.
 */
import {
  type FlowMod,
  FlowModCommand,
  type FlowModTemplate,
  type FlowStats,
  type Message,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP,
  OFPTT_ALL,
  type PacketOutTemplate,
  type Port,
} from '../codec/index.js';
import type {
  AppCookie,
  Datapath,
  FlowModSpec,
  FlowStatsSpec,
  Outgoing,
  OutgoingRequest,
  PacketOutSpec,
  RequestOptions,
  SwitchFeatures,
} from './app.js';
import { Connection } from './connection.js';
import { compareFlows, type FlowComparison, type FlowModel } from './flow-model.js';
import type { Logger } from './log.js';
import type { ReplyOf, RequestType } from './pending.js';

/** OFP_DEFAULT_PRIORITY. */
export const DEFAULT_PRIORITY = 0x8000;

const NO_COOKIE: AppCookie = { value: 0n, mask: 0n };

export class DatapathHandle implements Datapath {
  /** Set by the app host: events are delivered only while true. */
  active = false;
  readonly log: Logger;
  private readonly cookie: AppCookie;
  /** The connection, when it is a real one whose outbox takes template bytes. */
  private readonly direct: Connection | undefined;

  constructor(
    private readonly conn: Connection,
    /** The app's position in the load order (its identity for error routing). */
    readonly appIndex: number,
    appName: string,
    cookie: AppCookie | undefined,
  ) {
    this.log = conn.log.child({ app: appName });
    this.cookie = cookie ?? NO_COOKIE;
    this.direct = conn instanceof Connection ? conn : undefined;
  }

  get dpid(): bigint {
    return this.conn.dpid!;
  }
  get dpidHex(): string {
    return this.conn.dpidHex;
  }
  get features(): SwitchFeatures {
    return this.conn.features!;
  }
  get ports(): ReadonlyMap<number, Port> {
    return this.conn.ports;
  }
  get connected(): boolean {
    return this.conn.state === 'ready';
  }
  get model(): FlowModel | undefined {
    return this.conn.model;
  }

  send(msg: Outgoing): number {
    const xid = msg.xid ?? this.conn.nextXid();
    this.conn.send({ ...msg, xid } as Message, this.appIndex);
    return xid;
  }

  request<T extends RequestType>(
    msg: OutgoingRequest<T>,
    opts: RequestOptions = {},
  ): Promise<ReplyOf<T>> {
    const full = { ...msg, xid: msg.xid ?? this.conn.nextXid() } as Extract<Message, { type: T }>;
    return this.conn.request(full, opts.timeoutMs, this.appIndex);
  }

  async barrier(opts: RequestOptions = {}): Promise<void> {
    await this.request({ type: 'barrier_request' }, opts);
  }

  flowMod(s: FlowModSpec): number {
    const xid = this.conn.nextXid();
    this.conn.send(fillFlowMod(s, this.cookie.value, xid), this.appIndex);
    return xid;
  }

  deleteFlows(s: FlowModSpec = {}): number {
    return this.flowMod({
      tableId: OFPTT_ALL,
      cookie: this.cookie.value,
      cookieMask: this.cookie.mask,
      ...s,
      command: s.command ?? FlowModCommand.DELETE,
    });
  }

  packetOut(s: PacketOutSpec): number {
    const xid = this.conn.nextXid();
    this.conn.send(
      {
        type: 'packet_out',
        xid,
        bufferId: s.bufferId ?? OFP_NO_BUFFER,
        inPort: s.inPort ?? OFPP.CONTROLLER,
        actions: s.actions,
        data: s.data ?? EMPTY,
      },
      this.appIndex,
    );
    return xid;
  }

  /** Sends a template's current bytes (a data-less PACKET_OUT takes `data`); returns the xid. */
  sendTemplate(t: FlowModTemplate | PacketOutTemplate, data?: Uint8Array): number {
    const xid = this.conn.nextXid();
    if (this.direct !== undefined) this.direct.sendTemplate(t, xid, this.appIndex, data);
    else this.conn.send(templateMessage(t, xid, data), this.appIndex);
    return xid;
  }

  async flowStats(f: FlowStatsSpec = {}, opts: RequestOptions = {}): Promise<FlowStats[]> {
    const reply = await this.request<'multipart_request'>(
      {
        type: 'multipart_request',
        flags: 0,
        body: {
          kind: 'flow',
          tableId: f.tableId ?? OFPTT_ALL,
          outPort: f.outPort ?? OFPP.ANY,
          outGroup: f.outGroup ?? OFPG_ANY,
          cookie: f.cookie ?? 0n,
          cookieMask: f.cookieMask ?? 0n,
          match: f.match ?? [],
        },
      },
      opts,
    );
    return reply.body.kind === 'flow' ? [...reply.body.flows] : [];
  }

  async compareWithModel(opts: RequestOptions = {}): Promise<FlowComparison> {
    const model = this.conn.model;
    if (!model) throw new Error(`datapath ${this.dpidHex} has no flow model configured`);
    // The switch answers after everything sent before the request: compare with the
    // model as it was when the request left.
    const expected = model.flows();
    const actual = await this.flowStats({}, opts);
    return compareFlows(expected, actual);
  }
}

const EMPTY = new Uint8Array(0);

/** A FLOW_MOD from `s` and the defaults listed at FlowModSpec; `cookie` is the app's. */
export function fillFlowMod(s: FlowModSpec, cookie: bigint, xid = 0): FlowMod {
  return {
    type: 'flow_mod',
    xid,
    cookie: s.cookie ?? cookie,
    cookieMask: s.cookieMask ?? 0n,
    tableId: s.tableId ?? 0,
    command: s.command ?? FlowModCommand.ADD,
    idleTimeout: s.idleTimeout ?? 0,
    hardTimeout: s.hardTimeout ?? 0,
    priority: s.priority ?? DEFAULT_PRIORITY,
    bufferId: s.bufferId ?? OFP_NO_BUFFER,
    outPort: s.outPort ?? OFPP.ANY,
    outGroup: s.outGroup ?? OFPG_ANY,
    flags: s.flags ?? 0,
    match: s.match ?? [],
    instructions:
      s.instructions ?? (s.actions ? [{ type: 'apply_actions', actions: s.actions }] : []),
  };
}

function templateMessage(t: FlowModTemplate | PacketOutTemplate, xid: number, data?: Uint8Array) {
  return t.type === 'flow_mod' ? t.toMessage(xid) : t.toMessage(xid, data);
}

/**
 * Sends a template through any Datapath: a DatapathHandle writes the bytes directly,
 * another implementation (a test double) is sent the message they encode. Returns the xid.
 */
export function sendTemplate(
  dp: Datapath,
  t: FlowModTemplate | PacketOutTemplate,
  data?: Uint8Array,
): number {
  if (dp instanceof DatapathHandle) return dp.sendTemplate(t, data);
  const { xid: _assigned, ...m } = templateMessage(t, 0, data);
  return dp.send(m);
}
