/**
 * Resolving the config for one connected switch: find its datapath entry (by dpid, or
 * by bridge name), give every configured port its OpenFlow number (from the config, or
 * by name from the switch's port list), and list each port's network memberships with
 * the encapsulation the network uses on that port. Ports the switch does not have (yet)
 * are left out and reported; a port-status ADD later brings them in.
 */
import type { DatapathConfig, Network, PortConfig, VnetConfig } from './config.js';

/** How a network's frames look on a port. */
export type Encap = 'untagged' | 'tagged' | 'tunnel';

export interface Membership {
  readonly network: Network;
  readonly encap: Encap;
}

export interface PortPlan {
  readonly name: string;
  readonly number: number;
  readonly mode: PortConfig['mode'];
  readonly memberships: readonly Membership[];
}

export interface DatapathPlan {
  /** The datapath's name in the config. */
  readonly name: string;
  readonly dpid: bigint;
  readonly ports: readonly PortPlan[];
  /** Configured ports the switch does not have, by name. */
  readonly missing: readonly string[];
}

/** A switch port as the switch describes it (port-desc or features). */
export interface SwitchPort {
  readonly name: string;
  readonly number: number;
}

/** OFPP_LOCAL: the bridge's own port, whose name is the bridge name. */
const OFPP_LOCAL = 0xfffffffe;

/** The config entry for a switch: by dpid first, then by bridge name. */
function findDatapath(
  config: VnetConfig,
  dpid: bigint,
  ports: readonly SwitchPort[],
): DatapathConfig | undefined {
  const byDpid = config.datapaths.find((d) => d.dpid === dpid);
  if (byDpid) return byDpid;
  const bridge = ports.find((p) => p.number === OFPP_LOCAL)?.name;
  return config.datapaths.find((d) => d.dpid === undefined && d.name === bridge);
}

function memberships(p: PortConfig, nets: ReadonlyMap<string, Network>): Membership[] {
  const net = (name: string) => nets.get(name)!;
  switch (p.mode) {
    case 'access':
      return [{ network: net(p.network), encap: 'untagged' }];
    case 'trunk': {
      const tagged = p.networks.map((n): Membership => ({ network: net(n), encap: 'tagged' }));
      return p.native ? [{ network: net(p.native), encap: 'untagged' }, ...tagged] : tagged;
    }
    case 'tunnel':
      return p.networks.map((n) => ({ network: net(n), encap: 'tunnel' }));
  }
}

/** The plan for a switch, or undefined when the config does not name it. */
export function planDatapath(
  config: VnetConfig,
  dpid: bigint,
  ports: readonly SwitchPort[],
): DatapathPlan | undefined {
  const dp = findDatapath(config, dpid, ports);
  if (!dp) return undefined;
  const planned: PortPlan[] = [];
  const missing: string[] = [];
  for (const p of dp.ports) {
    const number = p.number ?? ports.find((s) => s.name === p.name)?.number;
    if (number === undefined) {
      missing.push(p.name);
      continue;
    }
    planned.push({
      name: p.name,
      number,
      mode: p.mode,
      memberships: memberships(p, config.networks),
    });
  }
  planned.sort((a, b) => a.number - b.number);
  return { name: dp.name, dpid, ports: planned, missing };
}

/** The membership of `port` in the network with internal VLAN `vlan`, if any. */
export function membershipOf(
  plan: DatapathPlan,
  port: number,
  vlan: number,
): { port: PortPlan; membership: Membership } | undefined {
  const p = plan.ports.find((x) => x.number === port);
  const m = p?.memberships.find((x) => x.network.vlan === vlan);
  return p && m ? { port: p, membership: m } : undefined;
}

/** Every port of the plan that is a member of `network`, with its membership. */
export function membersOf(
  plan: DatapathPlan,
  vlan: number,
): { port: PortPlan; membership: Membership }[] {
  const out: { port: PortPlan; membership: Membership }[] = [];
  for (const port of plan.ports) {
    const membership = port.memberships.find((m) => m.network.vlan === vlan);
    if (membership) out.push({ port, membership });
  }
  return out;
}

/** The networks present on the datapath, by VLAN, in VLAN order. */
export function networksOf(plan: DatapathPlan): Network[] {
  const byVlan = new Map<number, Network>();
  for (const p of plan.ports) for (const m of p.memberships) byVlan.set(m.network.vlan, m.network);
  return [...byVlan.values()].sort((a, b) => a.vlan - b.vlan);
}
