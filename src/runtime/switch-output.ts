/**
 * The order of what a connection sends, before the bytes reach its outbox (batching and
 * back-pressure, outbox.ts): a barrier goes between a FLOW_MOD that deletes and a
 * following one that adds or modifies (deletes before adds), the flow model sees each
 * FLOW_MOD once it is encoded, templates (codec templates.ts) are copied in as bytes,
 * and the sending app is remembered per xid for routing an OFPT_ERROR back to it.
 */
import {
  type FlowMod,
  FlowModCommand,
  type FlowModTemplate,
  type Message,
  type PacketOutTemplate,
} from '../codec/index.js';
import type { FlowModel } from './flow-model.js';
import type { Outbox } from './outbox.js';
import { XidOwners } from './xid-owners.js';

export class SwitchOutput {
  /** The flow model of this datapath, when the controller has a factory. */
  model: FlowModel | undefined;
  /** FLOW_MODs and PACKET_OUTs sent (for metrics: two integer increments, no clock). */
  readonly counts = { flowMods: 0, packetOuts: 0 };
  private lastFlowModDeleted = false;
  private readonly owners = new XidOwners();

  constructor(
    private readonly outbox: Outbox,
    /** Allocates the xid of a barrier the ordering inserts. */
    private readonly nextXid: () => number,
  ) {}

  /** Sends `m`; `owner` is the sending app's index (-1 for the runtime). Throws if unencodable. */
  send(m: Message, owner: number): void {
    if (m.type !== 'flow_mod') {
      if (m.type === 'packet_out') this.counts.packetOuts++;
      this.outbox.append(m);
    } else this.sendFlowMod(m);
    this.owners.remember(m.xid, owner);
  }

  /**
   * send() for a template: its current bytes go straight into the outbox with `xid` (and
   * a PACKET_OUT's `data`). A flow model reads a FLOW_MOD template's slots (applyTemplate),
   * or, if it cannot, is given the message the template encodes.
   */
  sendTemplate(
    t: FlowModTemplate | PacketOutTemplate,
    xid: number,
    owner: number,
    data?: Uint8Array,
  ): void {
    if (t.type === 'packet_out') {
      this.counts.packetOuts++;
      this.outbox.appendTemplate(t, xid, data);
    } else {
      const isDelete = this.orderFlowMod(t.command);
      this.counts.flowMods++;
      this.outbox.appendTemplate(t, xid);
      this.lastFlowModDeleted = isDelete;
      const model = this.model;
      if (model !== undefined) {
        if (model.applyTemplate !== undefined) model.applyTemplate(t, xid);
        else model.applyFlowMod(t.toMessage(xid));
      }
    }
    this.owners.remember(xid, owner);
  }

  /** The app index that sent `xid`, or -1 (the runtime, or too long ago). */
  ownerOf(xid: number): number {
    return this.owners.ownerOf(xid);
  }

  /** The flow model sees the FLOW_MOD once it is encoded (an app's unencodable one throws). */
  private sendFlowMod(m: FlowMod): void {
    const isDelete = this.orderFlowMod(m.command);
    this.counts.flowMods++;
    this.outbox.append(m);
    this.lastFlowModDeleted = isDelete;
    this.model?.applyFlowMod(m);
  }

  /** Sends the barrier, if any, that a FLOW_MOD with `command` needs first; true for a delete. */
  private orderFlowMod(command: number): boolean {
    const isDelete = command === FlowModCommand.DELETE || command === FlowModCommand.DELETE_STRICT;
    if (!isDelete && this.lastFlowModDeleted) {
      this.outbox.append({ type: 'barrier_request', xid: this.nextXid() });
    }
    return isDelete;
  }
}
