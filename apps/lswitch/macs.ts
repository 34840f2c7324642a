/**
 * The MAC learning table of one switch, as Open vSwitch's lib/mac-learning.c keeps it
 * for ovs-testcontroller: a port per MAC, forgotten after `ageingMs` without being seen,
 * at most `max` entries (the least recently seen goes first). MACs are 48-bit numbers.
 */
export class MacPorts {
  /** Insertion order is refresh order: a refreshed MAC is deleted and set again. */
  private readonly entries = new Map<number, { port: number; seen: number }>();

  constructor(
    private readonly ageingMs: number,
    private readonly max: number,
  ) {}

  /** Records `mac` on `port` at `now`; true when it was unknown or on another port. */
  learn(mac: number, port: number, now: number): boolean {
    const old = this.entries.get(mac);
    this.entries.delete(mac);
    this.entries.set(mac, { port, seen: now });
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return old?.port !== port;
  }

  /** The port `mac` was last seen on, unless it aged out. */
  lookup(mac: number, now: number): number | undefined {
    const e = this.entries.get(mac);
    if (!e) return undefined;
    if (now - e.seen > this.ageingMs) {
      this.entries.delete(mac);
      return undefined;
    }
    return e.port;
  }

  /** Forgets every MAC learned on `port` (the port went down or away). */
  forgetPort(port: number): void {
    for (const [mac, e] of this.entries) if (e.port === port) this.entries.delete(mac);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The 48-bit MAC at `offset` of `frame`, as a number. */
export function macAt(frame: Uint8Array, offset: number): number {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + frame[offset + i]!;
  return v;
}

/** Group bit set: broadcast or multicast (never learned as a source). */
export function isMulticast(mac: number): boolean {
  return Math.floor(mac / 2 ** 40) % 2 === 1;
}

/**
 * Destinations a bridge never forwards (Open vSwitch's eth_addr_is_reserved): IEEE
 * 802.1D's 01:80:c2:00:00:0X (STP, pause, LACP...), Extreme's EDP/EAPS and Cisco's
 * ISL, CDP/VTP/DTP, PVST+, UplinkFast and CFM addresses.
 */
const RESERVED = new Set<number>([
  ...Array.from({ length: 16 }, (_, i) => 0x0180c2000000 + i),
  0x00e02b000000,
  0x00e02b000004,
  0x00e02b000006,
  0x01000c000000,
  0x01000ccccccc,
  0x01000ccccccd,
  0x01000ccdcdcd,
  ...Array.from({ length: 8 }, (_, i) => 0x01000cccccc0 + i),
]);

export function isReserved(mac: number): boolean {
  return RESERVED.has(mac);
}
