/**
 * vnet's ports from what Open vSwitch already knows: a bridge of an Open_vSwitch
 * database (src/ovsdb) turned into the same DatapathConfig a JSON config gives, so the
 * planner, the flows and the reload diff are the ones of the JSON mode. Per interface
 * of every port (first rule that applies):
 *
 * 1. type gre, vxlan, geneve or stt: a tunnel. `options:key=flow` carries every network
 *    with a tunnelKey (by tun_id); a fixed `options:key=N` carries the network whose
 *    tunnelKey is N.
 * 2. `tag=N` (ovs-vsctl sets it on every port of a fake bridge, and on the fake bridge's
 *    own port): an access port of the network that claims tag N (its `tags`, default
 *    its VLAN, or its `fakeBridge` by that fake bridge's tag on this host).
 * 3. external_ids:iface-id (as a cloud writes it on the Interface) or the port name in
 *    `ovsdb.bindings`, or an iface-id starting with a network's `ifaceIdPrefix`: an
 *    access port of that network.
 * 4. `trunks` set: a trunk of the declared networks whose VLAN it lists.
 * 5. Other untagged system interfaces (a NIC such as eth1): on a bridge without tunnels,
 *    a trunk of every declared network; on a tunnel bridge whose tunnels all carry one
 *    fixed-key network, an access port of that network.
 *
 * The bridge's own internal port, patch ports and untagged internal ports get nothing.
 * A port no rule places gets no flows and one Problem saying why, for the caller to log.
 */
import type { BridgeView, PortView } from '../../src/ovsdb/index.js';
import type { DatapathConfig, Network, PortConfig, VnetConfig } from './config.js';

const TUNNEL_TYPES = new Set(['gre', 'vxlan', 'geneve', 'stt']);
const SYSTEM_TYPES = new Set(['', 'system', 'tap', 'dpdk', 'afxdp']);

export interface PortProblem {
  /** The interface (OpenFlow port) name. */
  readonly port: string;
  readonly problem: string;
}

export interface OvsdbDatapath {
  readonly datapath: DatapathConfig;
  readonly problems: readonly PortProblem[];
}

type Interface = PortView['interfaces'][number];

/** The networks a fixed key or key=flow carries, or a problem. */
function tunnelNetworks(
  iface: Interface,
  nets: readonly Network[],
): { networks: string[] } | { problem: string } {
  const key = iface.options.get('key') ?? iface.options.get('in_key');
  if (key === undefined) {
    return {
      problem: `${iface.type} tunnel without options:key: set options:key=flow (every network, by tun_id) or options:key=N`,
    };
  }
  if (key === 'flow') {
    const networks = nets.filter((n) => n.tunnelKey !== undefined).map((n) => n.name);
    if (networks.length === 0) return { problem: 'key=flow, but no network has a tunnelKey' };
    return { networks };
  }
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(key) ? Number(key) : Number.NaN;
  const net = nets.find((x) => x.tunnelKey === n);
  if (!net) return { problem: `options:key=${key}: no network declares tunnelKey ${key}` };
  return { networks: [net.name] };
}

function networkOfTag(
  tag: number,
  nets: readonly Network[],
  bridge: BridgeView,
): Network | undefined {
  const byTag = nets.find((n) => n.tags.includes(tag));
  if (byTag) return byTag;
  const fake = bridge.fakeBridges.find((f) => f.tag === tag);
  return fake ? nets.find((n) => n.fakeBridge === fake.name) : undefined;
}

function boundNetwork(
  port: PortView,
  iface: Interface,
  config: VnetConfig,
  nets: readonly Network[],
): Network | undefined {
  const ifaceId = iface.externalIds.get('iface-id') ?? port.externalIds.get('iface-id');
  const bindings = config.ovsdb?.bindings;
  const bound =
    (ifaceId !== undefined ? bindings?.get(ifaceId) : undefined) ?? bindings?.get(iface.name);
  if (bound) return config.networks.get(bound);
  if (ifaceId === undefined) return undefined;
  return nets.find((n) => n.ifaceIdPrefix !== undefined && ifaceId.startsWith(n.ifaceIdPrefix));
}

/** The ports of `bridge` as vnet ports, and the ones that could not be placed. */
export function ovsdbDatapath(
  bridge: BridgeView,
  dpid: bigint,
  config: VnetConfig,
  name: string,
): OvsdbDatapath {
  const nets = [...config.networks.values()];
  const ports: PortConfig[] = [];
  const problems: PortProblem[] = [];
  const tunnels = bridge.ports.flatMap((p) => p.interfaces.filter((i) => TUNNEL_TYPES.has(i.type)));
  const tunnelNets = new Set<string>();
  for (const t of tunnels) {
    const r = tunnelNetworks(t, nets);
    if ('networks' in r && t.options.get('key') !== 'flow') {
      for (const n of r.networks) tunnelNets.add(n);
    } else tunnelNets.add('*');
  }
  const bridgeDefault =
    tunnels.length > 0 && tunnelNets.size === 1 && !tunnelNets.has('*')
      ? [...tunnelNets][0]
      : undefined;

  for (const port of bridge.ports) {
    for (const iface of port.interfaces) {
      if (port.name === bridge.name || iface.type === 'patch') continue;
      const add = (p: PortConfig) => ports.push(p);
      const problem = (text: string) => problems.push({ port: iface.name, problem: text });
      const base = { name: iface.name, number: undefined };
      if (TUNNEL_TYPES.has(iface.type)) {
        const r = tunnelNetworks(iface, nets);
        if ('problem' in r) problem(r.problem);
        else add({ ...base, mode: 'tunnel', networks: r.networks });
        continue;
      }
      if (port.tag !== undefined) {
        const net = networkOfTag(port.tag, nets, bridge);
        if (net) add({ ...base, mode: 'access', network: net.name });
        else problem(`tag ${port.tag}: no network declares it (networks.NAME.tags or fakeBridge)`);
        continue;
      }
      const bound = boundNetwork(port, iface, config, nets);
      if (bound) {
        add({ ...base, mode: 'access', network: bound.name });
        continue;
      }
      if (port.trunks.length > 0) {
        const networks = nets.filter((n) => port.trunks.includes(n.vlan)).map((n) => n.name);
        if (networks.length > 0) add({ ...base, mode: 'trunk', networks, native: undefined });
        else problem(`trunks=${port.trunks.join(',')}: no declared network has one of these VLANs`);
        continue;
      }
      if (!SYSTEM_TYPES.has(iface.type)) continue; // internal ports belong to the host
      if (tunnels.length === 0) {
        add({ ...base, mode: 'trunk', networks: nets.map((n) => n.name), native: undefined });
      } else if (bridgeDefault !== undefined) {
        add({ ...base, mode: 'access', network: bridgeDefault });
      } else {
        problem(
          'untagged port on a bridge whose tunnels carry several networks: give it a tag, or external_ids:iface-id',
        );
      }
    }
  }
  ports.sort((a, b) => a.name.localeCompare(b.name));
  return { datapath: { name, dpid, ports }, problems };
}
