/**
 * The vnet app on the project's flow-table engine instead of Open vSwitch: each switch
 * is a SwitchModel holding exactly the flow-mods the app produced, learning packet-ins
 * are answered by the app's learning functions, and a fabric of links (wires and GRE
 * tunnels) carries outputs to the next switch, so a test can ask where a frame ends up.
 */
import type { VnetConfig } from '../../apps/vnet/config.js';
import { addFlowMod } from '../../apps/vnet/flow-set.js';
import { desiredFlows, LEARN_MISS_COOKIE } from '../../apps/vnet/flows.js';
import { learn, parseFrameHeader } from '../../apps/vnet/learning.js';
import { MacTable } from '../../apps/vnet/mac-table.js';
import { type DatapathPlan, planDatapath, type SwitchPort } from '../../apps/vnet/plan.js';
import { type FlowMod, matchGet, type OxmBasic } from '../../src/codec/index.js';
import { SwitchModel } from '../../src/engine/switch-model.js';

/** One switch: the engine model, the app's plan and MAC table for it. */
export class ModelSwitch {
  readonly model: SwitchModel;
  readonly plan: DatapathPlan;
  readonly macs = new MacTable();
  /** Learning packet-ins answered so far. */
  packetIns = 0;

  constructor(
    readonly name: string,
    private readonly config: VnetConfig,
    dpid: bigint,
    ports: readonly SwitchPort[],
  ) {
    this.model = new SwitchModel({ ports: ports.map((p) => ({ portNo: p.number, name: p.name })) });
    const plan = planDatapath(config, dpid, ports);
    if (!plan) throw new Error(`${name}: dpid ${dpid} is not in the config`);
    this.plan = plan;
    this.apply(desiredFlows(plan).map(addFlowMod));
  }

  /** Apply flow-mods as the switch would; a rejected one is a test failure. */
  apply(mods: readonly FlowMod[]): void {
    for (const m of mods) {
      const err = this.model.applyFlowMod(m);
      if (err) throw new Error(`${this.name} rejected a flow-mod: ${err.message}`);
    }
  }

  /**
   * A frame arrives on `inPort`: run it through the tables, answer learning packet-ins
   * like the controller (installing the learned flows), return the outputs.
   */
  receive(frame: Uint8Array, inPort: number, tunnelId?: bigint) {
    const r = this.model.process(frame, inPort, tunnelId === undefined ? {} : { tunnelId });
    for (const pi of r.packetIns) {
      if (pi.cookie !== LEARN_MISS_COOKIE) throw new Error(`unexpected packet-in ${pi.cookie}`);
      this.packetIns++;
      const port = matchGet(pi.match, 'in_port')!.value as number;
      const header = parseFrameHeader(pi.data)!;
      const out = learn({
        plan: this.plan,
        table: this.macs,
        inPort: port,
        frame: header,
        idleTimeout: this.config.macIdleTimeout,
        now: 0,
      });
      this.apply(out.mods);
    }
    return r;
  }
}

export interface Endpoint {
  readonly sw: string;
  readonly port: number;
}

/** Where a frame left the fabric: a switch port with no link, and what it looked like. */
export interface Delivery extends Endpoint {
  readonly fields: readonly OxmBasic[];
  readonly bytes: Uint8Array;
}

/** Switches joined by links; a link between tunnel ports carries tun_id across. */
export class Fabric {
  private readonly switches = new Map<string, ModelSwitch>();
  private readonly links = new Map<string, Endpoint>();

  add(sw: ModelSwitch): this {
    this.switches.set(sw.name, sw);
    return this;
  }

  get(name: string): ModelSwitch {
    const sw = this.switches.get(name);
    if (!sw) throw new Error(`no switch ${name}`);
    return sw;
  }

  link(a: Endpoint, b: Endpoint): this {
    this.links.set(`${a.sw}:${a.port}`, b);
    this.links.set(`${b.sw}:${b.port}`, a);
    return this;
  }

  /** Inject a frame at a host port; returns every host port it reached. */
  send(from: Endpoint, frame: Uint8Array): Delivery[] {
    const out: Delivery[] = [];
    const queue: { at: Endpoint; frame: Uint8Array; tunnelId?: bigint }[] = [{ at: from, frame }];
    for (let hops = 0; queue.length > 0; hops++) {
      if (hops > 64) throw new Error('frame loops in the fabric');
      const { at, frame: bytes, tunnelId } = queue.shift()!;
      const r = this.get(at.sw).receive(bytes, at.port, tunnelId);
      for (const o of r.outputs) {
        const peer = this.links.get(`${at.sw}:${o.port}`);
        if (!peer) {
          out.push({ sw: at.sw, port: o.port, fields: o.fields, bytes: o.bytes });
          continue;
        }
        const tun = o.fields.find((f) => f.field === 'tunnel_id')?.value as bigint | undefined;
        queue.push({ at: peer, frame: o.bytes, ...(tun === undefined ? {} : { tunnelId: tun }) });
      }
    }
    return out;
  }
}

/** The VLAN id a delivered frame carries, or undefined when untagged. */
export function vlanOf(d: Delivery): number | undefined {
  const v = d.fields.find((f) => f.field === 'vlan_vid')?.value;
  return v === undefined ? undefined : Number(v) & 0xfff;
}
