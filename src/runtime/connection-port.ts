/**
 * The port (datapath-port.ts) the app host gives the Datapath handles of one switch
 * connection: the connection's identity, ports, model and ways out, and nothing else.
 * Made once the handshake is done, so the dpid and features are known.
 */
import type { FlowModTemplate, Message, PacketOutTemplate, Port } from '../codec/index.js';
import type { SwitchFeatures } from './app.js';
import type { Connection } from './connection.js';
import type { DatapathPort } from './datapath-port.js';
import type { FlowModel } from './flow-model.js';
import type { Logger } from './log.js';
import type { ReplyOf, RequestType } from './pending.js';

export class ConnectionPort implements DatapathPort {
  readonly dpid: bigint;
  readonly dpidHex: string;
  readonly features: SwitchFeatures;
  readonly ports: ReadonlyMap<number, Port>;

  constructor(private readonly c: Connection) {
    if (c.dpid === undefined || c.features === undefined) {
      throw new Error(`connection ${c.peer} has not finished its handshake`);
    }
    this.dpid = c.dpid;
    this.dpidHex = c.dpidHex;
    this.features = c.features;
    this.ports = c.ports;
  }

  get log(): Logger {
    return this.c.log;
  }
  get model(): FlowModel | undefined {
    return this.c.model;
  }
  get connected(): boolean {
    return this.c.state === 'ready';
  }
  nextXid(): number {
    return this.c.nextXid();
  }
  send(m: Message, owner: number): void {
    this.c.send(m, owner);
  }
  sendTemplate(
    t: FlowModTemplate | PacketOutTemplate,
    xid: number,
    owner: number,
    data?: Uint8Array,
  ): void {
    this.c.sendTemplate(t, xid, owner, data);
  }
  request<T extends RequestType>(
    m: Extract<Message, { type: T }>,
    timeoutMs: number | undefined,
    owner: number,
  ): Promise<ReplyOf<T>> {
    return this.c.request(m, timeoutMs, owner);
  }
}
