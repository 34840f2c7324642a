/**
 * The engine's SwitchModel behind the runtime's FlowModel seam: one per datapath, built
 * from the switch's table count and ports at connect, fed every FLOW_MOD sent, every
 * FLOW_REMOVED and PORT_STATUS received. A flow leaves it by a DELETE the controller
 * sends, a FLOW_REMOVED the switch reports, or by expiry: the controller calls
 * `expire()` every second and before each comparison, so flows installed without
 * SEND_FLOW_REM do not linger. Hard timeouts are exact; idle timeouts assume no traffic
 * (the model does not see packets), so a flow kept alive by traffic on the switch but
 * installed without SEND_FLOW_REM shows up as `unexpected` once the model expires it.
 */
import {
  type FlowMod,
  FlowModCommand,
  type FlowModTemplate,
  type FlowRemoved,
  type FlowStats,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP,
  OFPPR_DELETE,
  type OfpError,
  type Port,
  type PortStatus,
} from '../codec/index.js';
import { OFPP_MAX, type PortSpec, SwitchModel } from '../engine/index.js';
import { eventTime } from './event-time.js';
import type { FlowModel, FlowModelFactory, FlowModelInfo } from './flow-model.js';

const ALL_ONES = 0xffff_ffff_ffff_ffffn;

export class EngineFlowModel implements FlowModel {
  /** The engine's model: ask it where a packet goes (`process`), or for its stats. */
  readonly model: SwitchModel;
  /** FLOW_MODs the model refused (the switch will most likely refuse them too). */
  rejected = 0;
  lastError: OfpError | undefined;

  constructor(info: FlowModelInfo) {
    this.model = new SwitchModel({
      nTables: Math.max(1, Math.min(255, info.nTables)),
      ports: [...info.ports.values()].filter(isStandard).map(portSpec),
      // Open vSwitch floods to its bridge's LOCAL port too.
      floodToLocal: true,
      // The socket read's time: one clock read per read, not one per FLOW_MOD.
      clock: eventTime,
    });
  }

  /** Straight from the template's slots (engine slot-add.ts); the message only when needed. */
  applyTemplate(t: FlowModTemplate, xid: number): void {
    if (!this.model.applyTemplate(t.layout)) this.applyFlowMod(t.toMessage(xid));
  }

  applyFlowMod(fm: FlowMod): void {
    const e = this.model.applyFlowMod(fm);
    if (e) {
      this.rejected++;
      this.lastError = e;
    }
  }

  /** The switch removed a flow: remove exactly that one (table, priority, match, cookie). */
  applyFlowRemoved(fr: FlowRemoved): void {
    this.model.applyFlowMod({
      type: 'flow_mod',
      xid: 0,
      cookie: fr.cookie,
      cookieMask: ALL_ONES,
      tableId: fr.tableId,
      command: FlowModCommand.DELETE_STRICT,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: fr.priority,
      bufferId: OFP_NO_BUFFER,
      outPort: OFPP.ANY,
      outGroup: OFPG_ANY,
      flags: 0,
      match: fr.match,
      instructions: [],
    });
  }

  applyPortStatus(ps: PortStatus): void {
    const p = ps.port;
    if (!isStandard(p)) return;
    const ports = this.model.ports;
    if (ps.reason === OFPPR_DELETE) {
      ports.remove(p.portNo);
      return;
    }
    const known = ports.get(p.portNo);
    if (!known) return ports.add(portSpec(p));
    known.config = p.config;
    known.state = p.state;
  }

  expire(): void {
    this.model.expire(undefined, { keepNotified: true });
  }

  flows(): readonly FlowStats[] {
    this.expire();
    const r = this.model.flowStats();
    return r.ok ? r.value : [];
  }
}

/** The controller's default flow model factory: the engine's SwitchModel. */
export const engineFlowModel: FlowModelFactory = (info) => new EngineFlowModel(info);

function isStandard(p: Port): boolean {
  return p.portNo >= 1 && p.portNo <= OFPP_MAX;
}

function portSpec(p: Port): PortSpec {
  return { portNo: p.portNo, name: p.name, hwAddr: p.hwAddr, config: p.config, state: p.state };
}
