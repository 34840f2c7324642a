/**
 * The narrow port a Datapath handle (datapath.ts) talks through: the switch's identity
 * and ports, and the one way out for messages, requests and template bytes. The handle
 * knows nothing else of the connection under it: the runtime gives it a port over a
 * switch connection (connection-port.ts), a test gives it one that records what is sent
 * (test/runtime/test-port.ts). `owner` is the sending app's index, for routing an
 * OFPT_ERROR about the message back to that app.
 */
import type { FlowModTemplate, Message, PacketOutTemplate, Port } from '../codec/index.js';
import type { SwitchFeatures } from './app.js';
import type { FlowModel } from './flow-model.js';
import type { Logger } from './log.js';
import type { ReplyOf, RequestType } from './pending.js';

export interface DatapathPort {
  readonly dpid: bigint;
  /** The dpid as 16 hex digits. */
  readonly dpidHex: string;
  readonly features: SwitchFeatures;
  /** Current ports by number, kept up to date by the runtime. */
  readonly ports: ReadonlyMap<number, Port>;
  /** The logger of the switch (dpid on every line). */
  readonly log: Logger;
  /** The flow model of the switch, when one is configured. */
  readonly model: FlowModel | undefined;
  /** False once the switch has disconnected. */
  readonly connected: boolean;
  /** A fresh xid. */
  nextXid(): number;
  /** Sends a complete message (dropped once disconnected). */
  send(m: Message, owner: number): void;
  /** send() for a template's current bytes; a data-less PACKET_OUT takes `data`. */
  sendTemplate(
    t: FlowModTemplate | PacketOutTemplate,
    xid: number,
    owner: number,
    data?: Uint8Array,
  ): void;
  /** Sends a request and resolves with its reply (undefined timeout: the default). */
  request<T extends RequestType>(
    m: Extract<Message, { type: T }>,
    timeoutMs: number | undefined,
    owner: number,
  ): Promise<ReplyOf<T>>;
}
