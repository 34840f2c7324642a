/**
 * The learned MACs of one datapath: per internal VLAN, which port a MAC was last seen
 * on, and when its flows were installed. Plain state, no I/O; the learning functions
 * turn changes to it into flow-mods.
 */

export interface MacEntry {
  readonly vlan: number;
  /** 48-bit MAC as a number. */
  readonly mac: number;
  readonly port: number;
  /** When the entry's flows were (re)installed, in ms of the table's clock. */
  readonly installedAt: number;
}

export class MacTable {
  private readonly byVlan = new Map<number, Map<number, MacEntry>>();

  get(vlan: number, mac: number): MacEntry | undefined {
    return this.byVlan.get(vlan)?.get(mac);
  }

  set(entry: MacEntry): void {
    let macs = this.byVlan.get(entry.vlan);
    if (!macs) {
      macs = new Map();
      this.byVlan.set(entry.vlan, macs);
    }
    macs.set(entry.mac, entry);
  }

  delete(vlan: number, mac: number): void {
    const macs = this.byVlan.get(vlan);
    macs?.delete(mac);
    if (macs?.size === 0) this.byVlan.delete(vlan);
  }

  clear(): void {
    this.byVlan.clear();
  }

  /** Every entry, VLAN by VLAN. */
  *entries(): IterableIterator<MacEntry> {
    for (const macs of this.byVlan.values()) yield* macs.values();
  }

  get size(): number {
    let n = 0;
    for (const macs of this.byVlan.values()) n += macs.size;
    return n;
  }
}

export { formatMac } from '../../src/codec/addresses.js';

/** `aa:bb:cc:dd:ee:ff` as a 48-bit number. */
export function parseMac(text: string): number {
  if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(text)) throw new Error(`bad MAC ${text}`);
  return Number.parseInt(text.replaceAll(':', ''), 16);
}
