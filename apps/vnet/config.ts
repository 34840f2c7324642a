/**
 * The vnet configuration: typed, defaulted, validated once at load (structure by the
 * TypeBox schema below, cross-references and duplicates here), then frozen. JSON or YAML.
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
import { type Static, Type } from 'typebox';
import {
  ConfigError,
  checkConfig,
  itemPath,
  keyPath,
  parseConfigText,
  readConfigText,
} from '../../src/runtime/index.js';

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

const DPID_WORDS = 'a datapath ID (up to 16 hex digits, "0x1" or "00:00:..:01")';
const Description = Type.Optional(Type.String());
const NetworkName = Type.String({ minLength: 1 });
const PortNumber = Type.Optional(Type.Integer({ minimum: 1, maximum: OFPP_MAX }));

export const NetworkSchema = Type.Object(
  {
    description: Description,
    vlan: Type.Integer({ minimum: 1, maximum: 4094 }),
    tunnelKey: Type.Optional(Type.Integer({ minimum: 1, maximum: GRE_KEY_MAX })),
    tags: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 4094 }))),
    fakeBridge: Type.Optional(Type.String({ minLength: 1 })),
    ifaceIdPrefix: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** A port, told apart by `mode`: each mode has keys of its own. */
export const PortSchema = Type.Union([
  Type.Object(
    {
      description: Description,
      mode: Type.Literal('access'),
      number: PortNumber,
      network: NetworkName,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      description: Description,
      mode: Type.Literal('trunk'),
      number: PortNumber,
      networks: Type.Optional(Type.Array(NetworkName)),
      native: Type.Optional(NetworkName),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      description: Description,
      mode: Type.Literal('tunnel'),
      number: PortNumber,
      networks: Type.Array(NetworkName),
    },
    { additionalProperties: false },
  ),
]);

/** A dpid: a number, or hex digits with `0x` or colons (checked for length below). */
const Dpid = Type.Union(
  [
    Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, expected: DPID_WORDS }),
    Type.String({ pattern: '^(0[xX])?[0-9a-fA-F:]+$', expected: DPID_WORDS }),
  ],
  { expected: DPID_WORDS },
);

export const DatapathSchema = Type.Object(
  {
    description: Description,
    dpid: Type.Optional(Dpid),
    ports: Type.Record(Type.String(), PortSchema),
  },
  { additionalProperties: false },
);

/** The vnet configuration (`appConfig.vnet`, or a file of its own) as a TypeBox (JSON) schema. */
export const VnetConfigSchema = Type.Object(
  {
    description: Description,
    macIdleTimeout: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65535, default: DEFAULT_MAC_IDLE_TIMEOUT }),
    ),
    networks: Type.Record(Type.String(), NetworkSchema),
    datapaths: Type.Optional(Type.Record(Type.String(), DatapathSchema)),
    ovsdb: Type.Optional(
      Type.Object(
        {
          description: Description,
          bindings: Type.Optional(Type.Record(Type.String(), NetworkName)),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

type VnetSection = Static<typeof VnetConfigSchema>;
type DatapathSection = Static<typeof DatapathSchema>;
type PortSection = Static<typeof PortSchema>;

/** Read and validate a config file (JSON or YAML); throws ConfigError naming the file and key. */
export function loadConfig(path: string): VnetConfig {
  return parseConfig(readConfigText(path, 'vnet config'), path);
}

/** Validate config text (JSON, or YAML by `file`'s extension); `file` names the source. */
export function parseConfig(text: string, file: string): VnetConfig {
  return configFromJson(parseConfigText(text, file), `${file}:`);
}

/** Validate an already-parsed config found at `where` (`FILE:` or `FILE: section`). */
export function configFromJson(raw: unknown, where: string): VnetConfig {
  const c = checkConfig(VnetConfigSchema, raw, where);
  const networks = readNetworks(c.networks, keyPath(where, 'networks'));
  const ovsdb = c.ovsdb && readOvsdb(c.ovsdb, keyPath(where, 'ovsdb'), networks);
  const dpsWhere = keyPath(where, 'datapaths');
  if (c.datapaths === undefined && !ovsdb) {
    throw new ConfigError(dpsWhere, 'missing; this key is required');
  }
  const datapaths = Object.entries(c.datapaths ?? {}).map(([name, dp]) =>
    readDatapath(name, dp, keyPath(dpsWhere, name), networks),
  );
  if (datapaths.length === 0 && !ovsdb) {
    throw new ConfigError(
      dpsWhere,
      'expected at least one datapath (or "ovsdb": {} to take ports from OVSDB)',
    );
  }
  const seen = new Map<bigint, string>();
  for (const dp of datapaths) {
    if (dp.dpid === undefined) continue;
    const other = seen.get(dp.dpid);
    if (other) {
      const at = keyPath(keyPath(dpsWhere, dp.name), 'dpid');
      throw new ConfigError(at, `same dpid as datapath "${other}"`);
    }
    seen.set(dp.dpid, dp.name);
  }
  checkTunnelKeys(dpsWhere, datapaths, networks);
  return deepFreeze({
    source: where,
    macIdleTimeout: c.macIdleTimeout ?? DEFAULT_MAC_IDLE_TIMEOUT,
    networks,
    datapaths,
    ovsdb,
  });
}

function readOvsdb(
  section: NonNullable<VnetSection['ovsdb']>,
  where: string,
  nets: Map<string, Network>,
): OvsdbPortsConfig {
  const bindings = new Map<string, string>();
  const at = keyPath(where, 'bindings');
  for (const [key, n] of Object.entries(section.bindings ?? {})) {
    bindings.set(key, networkRef(n, keyPath(at, key), nets));
  }
  return { bindings };
}

function readNetworks(section: VnetSection['networks'], where: string): Map<string, Network> {
  const out = new Map<string, Network>();
  const vlans = new Map<number, string>();
  const keys = new Map<number, string>();
  const tagOwners = new Map<number, string>();
  const fakeOwners = new Map<string, string>();
  for (const [name, n] of Object.entries(section)) {
    const at = keyPath(where, name);
    const dupVlan = vlans.get(n.vlan);
    if (dupVlan) {
      throw new ConfigError(
        keyPath(at, 'vlan'),
        `VLAN ${n.vlan} is already used by network "${dupVlan}"`,
      );
    }
    if (n.tunnelKey !== undefined) {
      const dupKey = keys.get(n.tunnelKey);
      if (dupKey) {
        throw new ConfigError(
          keyPath(at, 'tunnelKey'),
          `tunnel key ${n.tunnelKey} is already used by network "${dupKey}"`,
        );
      }
      keys.set(n.tunnelKey, name);
    }
    vlans.set(n.vlan, name);
    const tags = n.tags ?? [n.vlan];
    tags.forEach((tag, i) => {
      const other = tagOwners.get(tag);
      const tagAt = n.tags ? itemPath(keyPath(at, 'tags'), i) : keyPath(at, 'vlan');
      if (other)
        throw new ConfigError(tagAt, `tag ${tag} already puts ports in network "${other}"`);
      tagOwners.set(tag, name);
    });
    if (n.fakeBridge !== undefined) {
      const other = fakeOwners.get(n.fakeBridge);
      if (other) {
        throw new ConfigError(
          keyPath(at, 'fakeBridge'),
          `fake bridge "${n.fakeBridge}" is already network "${other}"'s`,
        );
      }
      fakeOwners.set(n.fakeBridge, name);
    }
    out.set(name, {
      name,
      vlan: n.vlan,
      tunnelKey: n.tunnelKey,
      tags,
      fakeBridge: n.fakeBridge,
      ifaceIdPrefix: n.ifaceIdPrefix,
    });
  }
  if (out.size === 0) throw new ConfigError(where, 'expected at least one network');
  return out;
}

function readDpid(v: number | string, where: string): bigint {
  if (typeof v === 'number') return BigInt(v);
  const hex = v.replace(/^0x/i, '').replaceAll(':', '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) {
    throw new ConfigError(where, `expected ${DPID_WORDS}, got "${v}"`);
  }
  const dpid = BigInt(`0x${hex}`);
  if (dpid === 0n) throw new ConfigError(where, 'datapath ID 0 is not allowed');
  return dpid;
}

function readDatapath(
  name: string,
  dp: DatapathSection,
  where: string,
  nets: Map<string, Network>,
): DatapathConfig {
  const portsWhere = keyPath(where, 'ports');
  const ports = Object.entries(dp.ports).map(([pname, p]) =>
    readPort(pname, p, keyPath(portsWhere, pname), nets),
  );
  if (ports.length === 0) throw new ConfigError(portsWhere, 'expected at least one port');
  const numbers = new Map<number, string>();
  for (const p of ports) {
    if (p.number === undefined) continue;
    const other = numbers.get(p.number);
    if (other) {
      const at = keyPath(keyPath(portsWhere, p.name), 'number');
      throw new ConfigError(at, `same number as port "${other}"`);
    }
    numbers.set(p.number, p.name);
  }
  const dpid = dp.dpid === undefined ? undefined : readDpid(dp.dpid, keyPath(where, 'dpid'));
  return { name, dpid, ports };
}

function networkRef(name: string, where: string, nets: Map<string, Network>): string {
  if (!nets.has(name)) {
    const known = [...nets.keys()].map((k) => `"${k}"`).join(', ');
    throw new ConfigError(
      where,
      `expected the name of a network defined under "networks" (${known}), got "${name}"`,
    );
  }
  return name;
}

function networkList(names: readonly string[], where: string, nets: Map<string, Network>) {
  const out: string[] = [];
  names.forEach((name, i) => {
    networkRef(name, itemPath(where, i), nets);
    if (out.includes(name)) {
      throw new ConfigError(itemPath(where, i), `network "${name}" is listed twice`);
    }
    out.push(name);
  });
  return out;
}

function readPort(
  name: string,
  p: PortSection,
  where: string,
  nets: Map<string, Network>,
): PortConfig {
  const number = p.number;
  switch (p.mode) {
    case 'access':
      return {
        name,
        number,
        mode: p.mode,
        network: networkRef(p.network, keyPath(where, 'network'), nets),
      };
    case 'trunk': {
      const networks = networkList(p.networks ?? [], keyPath(where, 'networks'), nets);
      const nativeAt = keyPath(where, 'native');
      const native = p.native === undefined ? undefined : networkRef(p.native, nativeAt, nets);
      if (native && networks.includes(native)) {
        throw new ConfigError(
          nativeAt,
          `network "${native}" is both native (untagged) and tagged on this trunk`,
        );
      }
      if (networks.length === 0 && !native) {
        throw new ConfigError(
          where,
          'a trunk needs "networks" (tagged), "native" (untagged), or both',
        );
      }
      return { name, number, mode: p.mode, networks, native };
    }
    case 'tunnel': {
      const at = keyPath(where, 'networks');
      const networks = networkList(p.networks, at, nets);
      if (networks.length === 0) throw new ConfigError(at, 'expected at least one network');
      return { name, number, mode: p.mode, networks };
    }
  }
}

/** Every network carried by a tunnel port needs a tunnel key. */
function checkTunnelKeys(
  dpsWhere: string,
  datapaths: readonly DatapathConfig[],
  nets: Map<string, Network>,
): void {
  for (const dp of datapaths) {
    for (const p of dp.ports) {
      if (p.mode !== 'tunnel') continue;
      p.networks.forEach((n, i) => {
        if (nets.get(n)!.tunnelKey !== undefined) return;
        const at = keyPath(
          keyPath(keyPath(keyPath(dpsWhere, dp.name), 'ports'), p.name),
          'networks',
        );
        throw new ConfigError(
          itemPath(at, i),
          `network "${n}" is carried over a tunnel but has no "tunnelKey" under networks.${n}`,
        );
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
