/**
 * The datapath registry: the one live connection per datapath ID. Switches all connect
 * from 127.0.0.1 in the test setups, so the dpid from FEATURES_REPLY is the only
 * identity. A switch that reconnects (same dpid) replaces its old connection; the
 * caller closes the old one.
 */
import type { Connection } from './connection.js';

export class DatapathRegistry {
  private readonly byDpid = new Map<bigint, Connection>();

  get size(): number {
    return this.byDpid.size;
  }

  get(dpid: bigint): Connection | undefined {
    return this.byDpid.get(dpid);
  }

  values(): IterableIterator<Connection> {
    return this.byDpid.values();
  }

  /** Registers `c` under its dpid; returns the connection it replaces, if any. */
  add(c: Connection): Connection | undefined {
    const dpid = c.dpid!;
    const old = this.byDpid.get(dpid);
    this.byDpid.set(dpid, c);
    return old === c ? undefined : old;
  }

  /** Removes `c` if it is still the registered connection of its dpid. */
  remove(c: Connection): boolean {
    if (c.dpid === undefined || this.byDpid.get(c.dpid) !== c) return false;
    this.byDpid.delete(c.dpid);
    return true;
  }
}
