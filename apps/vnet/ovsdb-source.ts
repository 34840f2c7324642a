/**
 * The narrow seam between vnet's planner and OVSDB: for a datapath, the DatapathConfig
 * its bridge in some Open_vSwitch database describes (ports-ovsdb.ts), a fingerprint to
 * tell whether that changed, and a callback when any database changes. A port that
 * cannot be placed is logged once (again only after it was fixed and broke anew).
 */
import type { OvsdbView } from '../../src/ovsdb/index.js';
import type { Logger } from '../../src/runtime/index.js';
import type { DatapathConfig, VnetConfig } from './config.js';
import { ovsdbDatapath, type PortProblem } from './ports-ovsdb.js';

export interface OvsdbResolution {
  readonly datapath: DatapathConfig;
  /** The database the bridge was found in, and its host's system-id if known. */
  readonly database: string;
  readonly host: string | undefined;
  readonly bridge: string;
  readonly problems: readonly PortProblem[];
  /** Equal fingerprints mean equal port configs. */
  readonly fingerprint: string;
}

export class OvsdbPortSource {
  private readonly logged = new Map<bigint, Set<string>>();

  constructor(private readonly view: OvsdbView) {}

  /** The datapath's ports per OVSDB, or undefined when no database knows its dpid yet. */
  resolve(config: VnetConfig, dpid: bigint): OvsdbResolution | undefined {
    const found = this.view.bridgeForDatapath(dpid);
    if (!found) return undefined;
    const { db, bridge } = found;
    const host = db.systemId;
    const name = `${host ?? db.name}/${bridge.name}`;
    const { datapath, problems } = ovsdbDatapath(bridge, dpid, config, name);
    return {
      datapath,
      database: db.name,
      host,
      bridge: bridge.name,
      problems,
      fingerprint: JSON.stringify(datapath.ports),
    };
  }

  /** Logs each problem of the resolution once; forgets the ones that went away. */
  report(dpid: bigint, r: OvsdbResolution | undefined, log: Logger): void {
    const before = this.logged.get(dpid) ?? new Set<string>();
    const now = new Set<string>();
    for (const p of r?.problems ?? []) {
      const key = `${p.port}\n${p.problem}`;
      now.add(key);
      if (!before.has(key)) {
        log.warn(
          { port: p.port, bridge: r?.bridge, ovsdb: r?.database },
          `vnet: port ${p.port} gets no flows: ${p.problem}`,
        );
      }
    }
    this.logged.set(dpid, now);
  }

  forget(dpid: bigint): void {
    this.logged.delete(dpid);
  }

  onChange(listener: () => void): () => void {
    return this.view.onChange(() => listener());
  }
}
