/**
 * The Datapath handle an app holds for one switch (see app.ts for the interface): one
 * per app per connection, so every send carries the app's identity (errors are routed
 * back to it) and its logger carries dpid and app name. It fills in FLOW_MOD,
 * PACKET_OUT and flow-stats defaults and hands complete messages to its port.
 *
 * The handle talks to the switch through a narrow port (datapath-port.ts), never to the
 * connection itself: the runtime hands it a port over the connection, tests one that
 * records messages. Templates (codec templates.ts) are the fast way out: sendTemplate()
 * hands the bytes to the port without a message object.
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
import type { DatapathPort } from './datapath-port.js';
import { compareFlows, type FlowComparison, type FlowModel } from './flow-model.js';
import type { Logger } from './log.js';
import type { ReplyOf, RequestType } from './pending.js';
import type { ControllerRole } from './role.js';

/** OFP_DEFAULT_PRIORITY. */
export const DEFAULT_PRIORITY = 0x8000;

const NO_COOKIE: AppCookie = { value: 0n, mask: 0n };

/**
 * Messages only a MASTER (or EQUAL) controller may send (OpenFlow 1.3.5 section 6.3.7:
 * a SLAVE's are refused with OFPBRC_IS_SLAVE).
 */
const WRITES: ReadonlySet<string> = new Set([
  'flow_mod',
  'group_mod',
  'port_mod',
  'table_mod',
  'meter_mod',
  'packet_out',
]);

export class DatapathHandle implements Datapath {
  /** Set by the app host: events are delivered only while true. */
  active = false;
  /**
   * Set by the app host: false once this controller stopped being the switch's master
   * (or the switch went down). Writes through the handle are then dropped (logged once).
   */
  writable = true;
  /** The role this handle was given: 'equal' without roles, 'master' in a cluster. */
  private givenRole: ControllerRole = 'equal';
  /** Writes dropped because the handle may not write. */
  droppedWrites = 0;
  readonly log: Logger;
  private readonly cookie: AppCookie;

  constructor(
    private readonly port: DatapathPort,
    /** The app's position in the load order (its identity for error routing). */
    readonly appIndex: number,
    appName: string,
    cookie: AppCookie | undefined,
  ) {
    this.log = port.log.child({ app: appName });
    this.cookie = cookie ?? NO_COOKIE;
  }

  get dpid(): bigint {
    return this.port.dpid;
  }
  get dpidHex(): string {
    return this.port.dpidHex;
  }
  get features(): SwitchFeatures {
    return this.port.features;
  }
  get ports(): ReadonlyMap<number, Port> {
    return this.port.ports;
  }
  get connected(): boolean {
    return this.port.connected;
  }
  get model(): FlowModel | undefined {
    return this.port.model;
  }
  get role(): ControllerRole {
    return this.writable ? this.givenRole : 'slave';
  }
  set role(r: ControllerRole) {
    this.givenRole = r;
  }
  get mayWrite(): boolean {
    return this.writable;
  }

  /** Drops a write the handle may not make (logged once per handle); returns the xid. */
  private refuse(type: string, xid: number): number {
    if (this.droppedWrites++ === 0) {
      this.log.warn(
        { type },
        `${type} dropped: this controller is not master of the switch (only the master's apps write)`,
      );
    }
    return xid;
  }

  send(msg: Outgoing): number {
    const xid = msg.xid ?? this.port.nextXid();
    if (!this.writable && WRITES.has(msg.type)) return this.refuse(msg.type, xid);
    this.port.send({ ...msg, xid } as Message, this.appIndex);
    return xid;
  }

  request<T extends RequestType>(
    msg: OutgoingRequest<T>,
    opts: RequestOptions = {},
  ): Promise<ReplyOf<T>> {
    const full = { ...msg, xid: msg.xid ?? this.port.nextXid() } as Extract<Message, { type: T }>;
    return this.port.request(full, opts.timeoutMs, this.appIndex);
  }

  async barrier(opts: RequestOptions = {}): Promise<void> {
    await this.request({ type: 'barrier_request' }, opts);
  }

  flowMod(s: FlowModSpec): number {
    const xid = this.port.nextXid();
    if (!this.writable) return this.refuse('flow_mod', xid);
    this.port.send(fillFlowMod(s, this.cookie.value, xid), this.appIndex);
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
    const xid = this.port.nextXid();
    if (!this.writable) return this.refuse('packet_out', xid);
    this.port.send(
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
    const xid = this.port.nextXid();
    if (!this.writable) return this.refuse(t.type, xid);
    this.port.sendTemplate(t, xid, this.appIndex, data);
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
    const model = this.port.model;
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
