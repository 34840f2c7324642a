/**
 * The vnet configuration: typed, defaulted, validated once at load, then frozen.
 *
 *   {
 *     "macIdleTimeout": 300,
 *     "networks": { "blue": { "vlan": 2, "tunnelKey": 100 } },
 *     "datapaths": {
 *       "host1": {
 *         "dpid": "0x1",
 *         "ports": {
 *           "vm1":  { "mode": "access", "network": "blue" },
 *           "eth1": { "mode": "trunk", "networks": ["blue"], "native": "green" },
 *           "gre0": { "mode": "tunnel", "networks": ["blue"], "number": 10 }
 *         }
 *       }
 *     }
 *   }
 *
 * A network is one L2 domain: its `vlan` is the tag it carries on trunks and inside the
 * pipeline; its `tunnelKey` is the GRE key (tun_id) it carries on tunnel ports. A
 * datapath is named by `dpid`, or, without one, by its bridge name (the key). A port is
 * named by its key (the OVS port name) unless `number` gives the OpenFlow port number.
 *
 * With `"ovsdb": {}` the ports come from the hosts' Open_vSwitch databases instead
 * (ports-ovsdb.ts) and `datapaths` may be left out (a datapath it lists still wins):
 *
 *   {
 *     "networks": {
 *       "vlan2":    { "vlan": 2 },                       // ports with tag=2
 *       "tenant-a": { "vlan": 10, "tunnelKey": 100,      // gre key=flow or key=100
 *                     "ifaceIdPrefix": "tenant-a-" },    // external_ids:iface-id=tenant-a-*
 *       "blue":     { "vlan": 30, "fakeBridge": "blue" } // ports of fake bridge "blue"
 *     },
 *     "ovsdb": { "bindings": { "4b7a...-iface-id-or-port-name": "tenant-a" } }
 *   }
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/runtime/index.js';
import { JsonNode, parseJson } from './json-reader.js';

export interface Network {
  readonly name: string;
  /** 1..4094: the tag on trunks and inside the pipeline. */
  readonly vlan: number;
  /** GRE key (tun_id) on tunnel ports; required if any tunnel port carries the network. */
  readonly tunnelKey: number | undefined;
  /** OVSDB mode: port tags that put a port in this network (default: [vlan]). */
  readonly tags: readonly number[];
  /** OVSDB mode: the fake bridge whose ports (by its tag, on any host) are in it. */
  readonly fakeBridge: string | undefined;
  /** OVSDB mode: Interface external_ids:iface-id prefix of its VM ports. */
  readonly ifaceIdPrefix: string | undefined;
}

/** OVSDB mode: ports come from the Open_vSwitch databases (see ports-ovsdb.ts). */
export interface OvsdbPortsConfig {
  /** iface-id (external_ids) or port name -> network name, for ports with no tag. */
  readonly bindings: ReadonlyMap<string, string>;
}

interface PortBase {
  /** OVS port name (the key in the config). */
  readonly name: string;
  /** OpenFlow port number; when absent the port is found by name on the switch. */
  readonly number: number | undefined;
}

/** An access port: untagged frames belong to `network`. */
export interface AccessPort extends PortBase {
  readonly mode: 'access';
  readonly network: string;
}

/** A trunk: tagged frames of `networks`, and untagged frames of `native` if set. */
export interface TrunkPort extends PortBase {
  readonly mode: 'trunk';
  readonly networks: readonly string[];
  readonly native: string | undefined;
}

/** A GRE tunnel port (options:key=flow): frames of `networks`, told apart by tun_id. */
export interface TunnelPort extends PortBase {
  readonly mode: 'tunnel';
  readonly networks: readonly string[];
}

export type PortConfig = AccessPort | TrunkPort | TunnelPort;

export interface DatapathConfig {
  /** The key in the config; the bridge name when `dpid` is absent. */
  readonly name: string;
  readonly dpid: bigint | undefined;
  readonly ports: readonly PortConfig[];
}

export interface VnetConfig {
  /** Where the config came from (`FILE:` or `FILE: section`), for messages. */
  readonly source: string;
  /** Seconds a learned MAC lives without traffic from it (0: forever). */
  readonly macIdleTimeout: number;
  readonly networks: ReadonlyMap<string, Network>;
  readonly datapaths: readonly DatapathConfig[];
  /** Present when ports come from OVSDB. */
  readonly ovsdb: OvsdbPortsConfig | undefined;
}

export const DEFAULT_MAC_IDLE_TIMEOUT = 300;
/** Highest OpenFlow port number a config may name (OFPP_MAX). */
const OFPP_MAX = 0xffffff00;
const GRE_KEY_MAX = 0xffffffff;

/** Read and validate a config file; throws ConfigError naming the file and key. */
export function loadConfig(path: string): VnetConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, `cannot read: ${(e as Error).message}`);
  }
  return parseConfig(text, path);
}

/** Validate config text; `file` only names the source in error messages. */
export function parseConfig(text: string, file: string): VnetConfig {
  return readConfig(parseJson(text, file));
}

/** Validate an already-parsed config found at `where` (`FILE:` or `FILE: section`). */
export function configFromJson(raw: unknown, where: string): VnetConfig {
  return readConfig(new JsonNode(where, raw));
}

function readConfig(root: JsonNode): VnetConfig {
  root.onlyKeys(['description', 'macIdleTimeout', 'networks', 'datapaths', 'ovsdb']);
  const idle = root.get('macIdleTimeout');
  const networks = readNetworks(root.get('networks').required());
  const ovsdbNode = root.get('ovsdb');
  const ovsdb = ovsdbNode.present ? readOvsdb(ovsdbNode, networks) : undefined;
  const dpNode = root.get('datapaths');
  if (!ovsdb) dpNode.required();
  const datapaths = dpNode.present
    ? dpNode.entries().map(([name, node]) => readDatapath(name, node, networks))
    : [];
  if (datapaths.length === 0 && !ovsdb) {
    dpNode.fail('expected at least one datapath (or "ovsdb": {} to take ports from OVSDB)');
  }
  const seen = new Map<bigint, string>();
  for (const dp of datapaths) {
    if (dp.dpid === undefined) continue;
    const other = seen.get(dp.dpid);
    if (other) {
      root.get('datapaths').get(dp.name).get('dpid').fail(`same dpid as datapath "${other}"`);
    }
    seen.set(dp.dpid, dp.name);
  }
  checkTunnelKeys(root, datapaths, networks);
  return deepFreeze({
    source: root.where,
    macIdleTimeout: idle.present ? idle.int(0, 65535) : DEFAULT_MAC_IDLE_TIMEOUT,
    networks,
    datapaths,
    ovsdb,
  });
}

function readOvsdb(node: JsonNode, nets: Map<string, Network>): OvsdbPortsConfig {
  node.onlyKeys(['description', 'bindings']);
  const bindings = new Map<string, string>();
  const b = node.get('bindings');
  if (b.present) for (const [key, n] of b.entries()) bindings.set(key, networkRef(n, nets));
  return { bindings };
}

function readNetworks(node: JsonNode): Map<string, Network> {
  const out = new Map<string, Network>();
  const vlans = new Map<number, string>();
  const keys = new Map<number, string>();
  const tagOwners = new Map<number, string>();
  const fakeOwners = new Map<string, string>();
  for (const [name, n] of node.entries()) {
    n.onlyKeys(['description', 'vlan', 'tunnelKey', 'tags', 'fakeBridge', 'ifaceIdPrefix']);
    const vlan = n.get('vlan').int(1, 4094);
    const tk = n.get('tunnelKey');
    const tunnelKey = tk.present ? tk.int(1, GRE_KEY_MAX) : undefined;
    const dupVlan = vlans.get(vlan);
    if (dupVlan) n.get('vlan').fail(`VLAN ${vlan} is already used by network "${dupVlan}"`);
    if (tunnelKey !== undefined) {
      const dupKey = keys.get(tunnelKey);
      if (dupKey) tk.fail(`tunnel key ${tunnelKey} is already used by network "${dupKey}"`);
      keys.set(tunnelKey, name);
    }
    vlans.set(vlan, name);
    const tagsNode = n.get('tags');
    const tags = tagsNode.present ? tagsNode.items().map((t) => t.int(1, 4094)) : [vlan];
    tags.forEach((tag, i) => {
      const other = tagOwners.get(tag);
      const at = tagsNode.present ? tagsNode.items()[i]! : n.get('vlan');
      if (other) at.fail(`tag ${tag} already puts ports in network "${other}"`);
      tagOwners.set(tag, name);
    });
    const fb = n.get('fakeBridge');
    const fakeBridge = fb.present ? fb.string() : undefined;
    if (fakeBridge !== undefined) {
      const other = fakeOwners.get(fakeBridge);
      if (other) fb.fail(`fake bridge "${fakeBridge}" is already network "${other}"'s`);
      fakeOwners.set(fakeBridge, name);
    }
    const prefixNode = n.get('ifaceIdPrefix');
    const ifaceIdPrefix = prefixNode.present ? prefixNode.string() : undefined;
    out.set(name, { name, vlan, tunnelKey, tags, fakeBridge, ifaceIdPrefix });
  }
  if (out.size === 0) node.fail('expected at least one network');
  return out;
}

function readDpid(node: JsonNode): bigint {
  const v = node.value;
  if (typeof v === 'number') return BigInt(node.int(1, Number.MAX_SAFE_INTEGER));
  const s = node.string();
  const hex = s.replace(/^0x/i, '').replaceAll(':', '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) {
    node.fail(`expected a datapath ID (up to 16 hex digits, "0x1" or "00:00:..:01"), got "${s}"`);
  }
  const dpid = BigInt(`0x${hex}`);
  if (dpid === 0n) node.fail('datapath ID 0 is not allowed');
  return dpid;
}

function readDatapath(name: string, node: JsonNode, nets: Map<string, Network>): DatapathConfig {
  node.onlyKeys(['description', 'dpid', 'ports']);
  const dpidNode = node.get('dpid');
  const portsNode = node.get('ports').required();
  const ports = portsNode.entries().map(([pname, p]) => readPort(pname, p, nets));
  if (ports.length === 0) portsNode.fail('expected at least one port');
  const numbers = new Map<number, string>();
  for (const p of ports) {
    if (p.number === undefined) continue;
    const other = numbers.get(p.number);
    if (other) portsNode.get(p.name).get('number').fail(`same number as port "${other}"`);
    numbers.set(p.number, p.name);
  }
  return { name, dpid: dpidNode.present ? readDpid(dpidNode) : undefined, ports };
}

function networkRef(node: JsonNode, nets: Map<string, Network>): string {
  const name = node.string();
  if (!nets.has(name)) {
    const known = [...nets.keys()].map((k) => `"${k}"`).join(', ');
    node.fail(`expected the name of a network defined under "networks" (${known}), got "${name}"`);
  }
  return name;
}

function networkList(node: JsonNode, nets: Map<string, Network>): string[] {
  const out: string[] = [];
  for (const item of node.items()) {
    const name = networkRef(item, nets);
    if (out.includes(name)) item.fail(`network "${name}" is listed twice`);
    out.push(name);
  }
  return out;
}

function readPort(name: string, node: JsonNode, nets: Map<string, Network>): PortConfig {
  const mode = node.get('mode').oneOf(['access', 'trunk', 'tunnel'] as const);
  const num = node.get('number');
  const number = num.present ? num.int(1, OFPP_MAX) : undefined;
  const common = ['description', 'mode', 'number'];
  switch (mode) {
    case 'access':
      node.onlyKeys([...common, 'network']);
      return { name, number, mode, network: networkRef(node.get('network'), nets) };
    case 'trunk': {
      node.onlyKeys([...common, 'networks', 'native']);
      const listNode = node.get('networks');
      const networks = listNode.present ? networkList(listNode, nets) : [];
      const nativeNode = node.get('native');
      const native = nativeNode.present ? networkRef(nativeNode, nets) : undefined;
      if (native && networks.includes(native)) {
        nativeNode.fail(`network "${native}" is both native (untagged) and tagged on this trunk`);
      }
      if (networks.length === 0 && !native) {
        node.fail('a trunk needs "networks" (tagged), "native" (untagged), or both');
      }
      return { name, number, mode, networks, native };
    }
    case 'tunnel': {
      node.onlyKeys([...common, 'networks']);
      const networks = networkList(node.get('networks'), nets);
      if (networks.length === 0) node.get('networks').fail('expected at least one network');
      return { name, number, mode, networks };
    }
  }
}

/** Every network carried by a tunnel port needs a tunnel key. */
function checkTunnelKeys(
  root: JsonNode,
  datapaths: readonly DatapathConfig[],
  nets: Map<string, Network>,
): void {
  for (const dp of datapaths) {
    for (const p of dp.ports) {
      if (p.mode !== 'tunnel') continue;
      p.networks.forEach((n, i) => {
        if (nets.get(n)!.tunnelKey === undefined) {
          const at = root.get('datapaths').get(dp.name).get('ports').get(p.name).get('networks');
          at.items()[i]!.fail(
            `network "${n}" is carried over a tunnel but has no "tunnelKey" under networks.${n}`,
          );
        }
      });
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
    return Object.freeze(value);
  }
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
