/**
 * One switch's MAC learning table: MAC (48-bit integer) -> port, with ageing and a size
 * bound. Entries not seen for `ageingMs` are ignored on lookup (the destination floods
 * until the host speaks again). When full, the least recently refreshed entry goes
 * (refreshing re-inserts at most once a second, so the Map's insertion order is a
 * cheap approximate LRU and a MAC flood cannot grow memory without limit).
 */

interface Entry {
  port: number;
  seen: number;
}

/** How often an active entry is moved to the young end of the eviction order (ms). */
const REFRESH_MS = 1000;

export class MacTable {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ageingMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The port `mac` was last seen on, unless that was longer ago than the ageing time. */
  lookup(mac: number, now: number): number | undefined {
    const e = this.entries.get(mac);
    if (e === undefined) return undefined;
    if (now - e.seen > this.ageingMs) {
      this.entries.delete(mac);
      return undefined;
    }
    return e.port;
  }

  /**
   * Records `mac` on `port`. Returns the previous port when the MAC moved (even if the
   * old entry had aged: its flows may still be installed), otherwise undefined.
   */
  learn(mac: number, port: number, now: number): number | undefined {
    const e = this.entries.get(mac);
    if (e !== undefined) {
      const old = e.port;
      if (now - e.seen > REFRESH_MS) {
        this.entries.delete(mac);
        this.entries.set(mac, e);
      }
      e.seen = now;
      if (old === port) return undefined;
      e.port = port;
      return old;
    }
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(mac, { port, seen: now });
    return undefined;
  }

  /** Forgets every MAC learned on `port`; returns them. */
  flushPort(port: number): number[] {
    const gone: number[] = [];
    for (const [mac, e] of this.entries) {
      if (e.port === port) gone.push(mac);
    }
    for (const mac of gone) this.entries.delete(mac);
    return gone;
  }
}

/** A 48-bit MAC from six bytes of `d` at `o`, as a number (the codec's OXM value form). */
export function macAt(d: Uint8Array, o: number): number {
  return (
    d[o]! * 0x10000000000 +
    d[o + 1]! * 0x100000000 +
    ((d[o + 2]! << 24) >>> 0) +
    (d[o + 3]! << 16) +
    (d[o + 4]! << 8) +
    d[o + 5]!
  );
}

/** `02:00:00:00:00:01` for logs. */
export function formatMac(mac: number): string {
  return mac
    .toString(16)
    .padStart(12, '0')
    .replace(/(..)(?!$)/g, '$1:');
}
