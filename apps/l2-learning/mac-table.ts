/**
 * One switch's MAC learning table: MAC (48-bit integer) -> port, with ageing and a size
 * bound. Entries not seen for `ageingMs` are ignored on lookup (the destination floods
 * until the host speaks again). When full, the entry least recently refreshed goes, so
 * a MAC flood cannot grow memory without limit; an entry learned again moves to the
 * young end of that order at most once a second (moving it on every packet-in costs
 * three entries' worth of cache misses, and a second is nothing next to ageing).
 *
 * It sits on the packet-in path, so it holds no object per MAC: entries live in typed
 * arrays (key halves, port, last seen, eviction-order links) indexed by a stable entry
 * number, found through an open-addressing hash index (linear probing, at most half
 * full, backward-shift deletion, so no tombstones). A JavaScript Map keyed by MAC would
 * box every 48-bit key into a heap number on each call. The arrays double as the table
 * fills (from 64 entries), so an idle switch costs a few KiB and 100 000 MACs about
 * 4 MB. Every operation is O(1) but flushPort, which walks the entries.
 */

/** How often an active entry moves to the young end of the eviction order (ms). */
const REFRESH_MS = 1000;
/** How many entries the arrays hold before the first growth. */
const INITIAL_ENTRIES = 64;
const NONE = -1;

export class MacTable {
  private size_ = 0;
  /** Entry arrays: the MAC's top 16 and low 32 bits, its port, when it was last learned. */
  private hi = new Uint16Array(INITIAL_ENTRIES);
  private lo = new Int32Array(INITIAL_ENTRIES);
  private port = new Uint32Array(INITIAL_ENTRIES);
  private seen = new Float64Array(INITIAL_ENTRIES);
  /** Eviction order, oldest first: a doubly linked list of entry numbers. */
  private older = new Int32Array(INITIAL_ENTRIES);
  private newer = new Int32Array(INITIAL_ENTRIES);
  private oldest = NONE;
  private newest = NONE;
  /** Entry numbers never used yet start here; freed ones are chained through `newer`. */
  private unused = 0;
  private free = NONE;
  /** Hash index: entry number + 1 per slot, 0 for an empty slot. */
  private index = new Int32Array(2 * INITIAL_ENTRIES);

  constructor(
    private readonly maxEntries: number,
    private readonly ageingMs: number,
  ) {}

  get size(): number {
    return this.size_;
  }

  /** The port `mac` was last seen on, unless that was longer ago than the ageing time. */
  lookup(mac: number, now: number): number | undefined {
    const slot = this.find(mac);
    if (slot === NONE) return undefined;
    const e = this.index[slot]! - 1;
    if (now - this.seen[e]! > this.ageingMs) {
      this.remove(slot);
      return undefined;
    }
    return this.port[e];
  }

  /**
   * Records `mac` on `port`. Returns the previous port when the MAC moved (even if the
   * old entry had aged: its flows may still be installed), otherwise undefined.
   */
  learn(mac: number, port: number, now: number): number | undefined {
    const slot = this.find(mac);
    if (slot !== NONE) {
      const e = this.index[slot]! - 1;
      if (now - this.seen[e]! > REFRESH_MS) this.touch(e);
      this.seen[e] = now;
      const old = this.port[e]!;
      if (old === port) return undefined;
      this.port[e] = port;
      return old;
    }
    if (this.size_ >= this.maxEntries && this.oldest !== NONE) {
      this.remove(this.find(this.macOf(this.oldest)));
    }
    this.insert(mac, port, now);
    return undefined;
  }

  /**
   * The MACs not aged out at `now`, oldest first, with their port and the milliseconds
   * since each was last seen (for the API; allocates, unlike the packet-in path).
   */
  entries(now: number): { mac: number; port: number; idleMs: number }[] {
    const out: { mac: number; port: number; idleMs: number }[] = [];
    for (let e = this.oldest; e !== NONE; e = this.newer[e]!) {
      const idleMs = now - this.seen[e]!;
      if (idleMs <= this.ageingMs) out.push({ mac: this.macOf(e), port: this.port[e]!, idleMs });
    }
    return out;
  }

  /** Forgets every MAC learned on `port`; returns them, oldest first. */
  flushPort(port: number): number[] {
    const gone: number[] = [];
    for (let e = this.oldest; e !== NONE; e = this.newer[e]!) {
      if (this.port[e] === port) gone.push(this.macOf(e));
    }
    for (const mac of gone) this.remove(this.find(mac));
    return gone;
  }

  private macOf(e: number): number {
    return this.hi[e]! * 0x100000000 + (this.lo[e]! >>> 0);
  }

  private home(hi: number, lo: number): number {
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    return h & (this.index.length - 1);
  }

  /** The index slot holding `mac`, or NONE. */
  private find(mac: number): number {
    const hi = Math.floor(mac / 0x100000000);
    const lo = mac | 0;
    const index = this.index;
    const mask = index.length - 1;
    for (let s = this.home(hi, lo); ; s = (s + 1) & mask) {
      const v = index[s]!;
      if (v === 0) return NONE;
      if (this.lo[v - 1] === lo && this.hi[v - 1] === hi) return s;
    }
  }

  private insert(mac: number, port: number, now: number): void {
    if (this.unused === this.hi.length && this.free === NONE) this.grow();
    let e = this.free;
    if (e !== NONE) this.free = this.newer[e]!;
    else e = this.unused++;
    const hi = Math.floor(mac / 0x100000000);
    const lo = mac | 0;
    this.hi[e] = hi;
    this.lo[e] = lo;
    this.port[e] = port;
    this.seen[e] = now;
    this.link(e);
    this.place(e, hi, lo);
    this.size_++;
  }

  private place(e: number, hi: number, lo: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let s = this.home(hi, lo);
    while (index[s] !== 0) s = (s + 1) & mask;
    index[s] = e + 1;
  }

  /** Empties index slot `slot` and frees its entry. */
  private remove(slot: number): void {
    const index = this.index;
    const mask = index.length - 1;
    const e = index[slot]! - 1;
    this.unlink(e);
    this.newer[e] = this.free;
    this.free = e;
    this.size_--;
    // Backward shift: move up every later entry of the probe run that may live at `hole`.
    let hole = slot;
    for (let s = (slot + 1) & mask; index[s] !== 0; s = (s + 1) & mask) {
      const f = index[s]! - 1;
      const h = this.home(this.hi[f]!, this.lo[f]!);
      // f may move to `hole` unless its home lies cyclically in (hole, s].
      const stays = hole <= s ? h > hole && h <= s : h > hole || h <= s;
      if (stays) continue;
      index[hole] = index[s]!;
      hole = s;
    }
    index[hole] = 0;
  }

  /** Moves entry `e` to the newest end of the eviction order. */
  private touch(e: number): void {
    if (e === this.newest) return;
    this.unlink(e);
    this.link(e);
  }

  private link(e: number): void {
    this.older[e] = this.newest;
    this.newer[e] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = e;
    else this.oldest = e;
    this.newest = e;
  }

  private unlink(e: number): void {
    const o = this.older[e]!;
    const n = this.newer[e]!;
    if (o !== NONE) this.newer[o] = n;
    else this.oldest = n;
    if (n !== NONE) this.older[n] = o;
    else this.newest = o;
  }

  /** Doubles the entry arrays and rebuilds the index at twice their size. */
  private grow(): void {
    const n = this.hi.length * 2;
    const more = <T extends Uint16Array | Int32Array | Uint32Array | Float64Array>(
      a: T,
      b: T,
    ): T => {
      b.set(a);
      return b;
    };
    this.hi = more(this.hi, new Uint16Array(n));
    this.lo = more(this.lo, new Int32Array(n));
    this.port = more(this.port, new Uint32Array(n));
    this.seen = more(this.seen, new Float64Array(n));
    this.older = more(this.older, new Int32Array(n));
    this.newer = more(this.newer, new Int32Array(n));
    this.index = new Int32Array(2 * n);
    for (let e = this.oldest; e !== NONE; e = this.newer[e]!) {
      this.place(e, this.hi[e]!, this.lo[e]!);
    }
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

export { formatMac } from '../../src/codec/addresses.js';
