/**
 * The switch model's ports (OpenFlow 1.3.5 section 7.2.1): numbers, names, config and
 * state bits, liveness (for fast-failover groups), and the expansion of the reserved
 * ports FLOOD and ALL into physical ports.
 */
import { OFPP, OFPPC, OFPPS } from '../codec/index.js';

/** OFPPC_* port config bits. */
export const PortConfig = OFPPC;
/** OFPPS_* port state bits. */
export const PortState = OFPPS;

/** Largest standard port number (OFPP_MAX). */
export const OFPP_MAX = OFPP.MAX;

export interface PortSpec {
  readonly portNo: number;
  readonly name?: string;
  readonly hwAddr?: number;
  readonly config?: number;
  readonly state?: number;
}

export interface ModelPort {
  readonly portNo: number;
  readonly name: string;
  readonly hwAddr: number;
  config: number;
  state: number;
}

export class PortSet {
  private readonly ports = new Map<number, ModelPort>();

  constructor(
    specs: readonly (PortSpec | number)[],
    /** Whether FLOOD and ALL also send to LOCAL, as Open vSwitch does with its bridge port. */
    readonly floodToLocal = false,
  ) {
    for (const s of specs) this.add(typeof s === 'number' ? { portNo: s } : s);
  }

  add(spec: PortSpec): void {
    if (!(spec.portNo >= 1 && spec.portNo <= OFPP_MAX)) {
      throw new RangeError(`port number ${spec.portNo} is not a standard port (1..0xffffff00)`);
    }
    this.ports.set(spec.portNo, {
      portNo: spec.portNo,
      name: spec.name ?? `p${spec.portNo}`,
      hwAddr: spec.hwAddr ?? 0,
      config: spec.config ?? 0,
      state: spec.state ?? PortState.LIVE,
    });
  }

  remove(portNo: number): boolean {
    return this.ports.delete(portNo);
  }

  get(portNo: number): ModelPort | undefined {
    return this.ports.get(portNo);
  }

  list(): ModelPort[] {
    return [...this.ports.values()].sort((a, b) => a.portNo - b.portNo);
  }

  /** Port is up in config and link (fast-failover liveness, section 6.5). */
  isLive(portNo: number): boolean {
    const p = this.ports.get(portNo);
    return (
      p !== undefined &&
      (p.config & PortConfig.PORT_DOWN) === 0 &&
      (p.state & PortState.LINK_DOWN) === 0
    );
  }

  /** A packet may leave through this port (it exists, is up and forwards). */
  canSend(portNo: number): boolean {
    const p = this.ports.get(portNo);
    return p !== undefined && (p.config & (PortConfig.PORT_DOWN | PortConfig.NO_FWD)) === 0;
  }

  /** A packet may enter through this port. */
  canReceive(portNo: number): boolean {
    if (portNo === OFPP.LOCAL || portNo === OFPP.CONTROLLER) return true;
    const p = this.ports.get(portNo);
    return p !== undefined && (p.config & (PortConfig.PORT_DOWN | PortConfig.NO_RECV)) === 0;
  }

  /**
   * The ports ALL (every standard port but the ingress) or FLOOD (the same without
   * blocked ports) expand to, in port order.
   */
  expand(reserved: number, inPort: number): number[] {
    const out: number[] = [];
    for (const p of this.list()) {
      if (p.portNo === inPort || !this.canSend(p.portNo)) continue;
      if (reserved === OFPP.FLOOD && (p.state & PortState.BLOCKED) !== 0) continue;
      out.push(p.portNo);
    }
    if (this.floodToLocal && inPort !== OFPP.LOCAL) out.push(OFPP.LOCAL);
    return out;
  }
}
