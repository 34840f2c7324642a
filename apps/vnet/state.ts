/**
 * What vnet is doing, as plain JSON: the declared networks, per switch its ports with
 * their networks (and the OVSDB ports it could not place), and where each learned MAC
 * is. `ofctl-ts vnet show` prints it; an HTTP API can serve it as is.
 */
import { formatDpid } from '../../src/runtime/index.js';
import type { VnetConfig } from './config.js';
import { formatMac, type MacTable } from './mac-table.js';
import type { DatapathPlan } from './plan.js';
import type { PortProblem } from './ports-ovsdb.js';

export interface VnetState {
  readonly networks: readonly {
    readonly name: string;
    readonly vlan: number;
    readonly tunnelKey: number | null;
  }[];
  readonly datapaths: readonly DatapathState[];
}

export interface DatapathState {
  /** 16 hex digits. */
  readonly dpid: string;
  /** The datapath's name in the config, or HOST/BRIDGE from OVSDB. */
  readonly name: string | null;
  /** Where its ports come from. */
  readonly source: 'config' | 'ovsdb';
  /** OVSDB: the host (system-id, else the database address) and the bridge name. */
  readonly host: string | null;
  readonly bridge: string | null;
  readonly ports: readonly {
    readonly name: string;
    readonly number: number;
    readonly mode: string;
    /** `NAME` (access, native), `NAME/tagged`, `NAME/tunnel`. */
    readonly networks: readonly string[];
  }[];
  /** OVSDB ports that get no flows, and why. */
  readonly unplaced: readonly PortProblem[];
  readonly macs: readonly {
    readonly mac: string;
    readonly network: string | null;
    readonly vlan: number;
    readonly port: number;
    readonly portName: string | null;
  }[];
}

export interface SwitchSnapshot {
  readonly dpid: bigint;
  readonly plan: DatapathPlan | undefined;
  readonly macs: MacTable;
  readonly host: string | undefined;
  readonly bridge: string | undefined;
  readonly source: 'config' | 'ovsdb';
  readonly problems: readonly PortProblem[];
}

export function describeState(config: VnetConfig, switches: readonly SwitchSnapshot[]): VnetState {
  const byVlan = new Map([...config.networks.values()].map((n) => [n.vlan, n.name]));
  return {
    networks: [...config.networks.values()].map((n) => ({
      name: n.name,
      vlan: n.vlan,
      tunnelKey: n.tunnelKey ?? null,
    })),
    datapaths: [...switches]
      .sort((a, b) => (a.dpid < b.dpid ? -1 : 1))
      .map((s) => ({
        dpid: formatDpid(s.dpid),
        name: s.plan?.name ?? null,
        source: s.source,
        host: s.host ?? null,
        bridge: s.bridge ?? null,
        ports: (s.plan?.ports ?? []).map((p) => ({
          name: p.name,
          number: p.number,
          mode: p.mode,
          networks: p.memberships.map((m) =>
            m.encap === 'untagged' ? m.network.name : `${m.network.name}/${m.encap}`,
          ),
        })),
        unplaced: s.problems,
        macs: [...s.macs.entries()]
          .sort((a, b) => a.vlan - b.vlan || a.mac - b.mac)
          .map((e) => ({
            mac: formatMac(e.mac),
            network: byVlan.get(e.vlan) ?? null,
            vlan: e.vlan,
            port: e.port,
            portName: s.plan?.ports.find((p) => p.number === e.port)?.name ?? null,
          })),
      })),
  };
}
