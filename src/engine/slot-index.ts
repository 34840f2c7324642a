/**
 * SlotIndex: the entries one FLOW_MOD template installed, by their slot values (slot-add.ts).
 * A template resent with the same values (a learning switch re-adding a flow it already
 * has) finds its entry here with one hash probe over a few numbers, without converting
 * the match to key form or asking the classifier.
 *
 * Open addressing with linear probing: one Float64Array of records, per slot the hash
 * (0 for a free slot) followed by the `width` values (integers below 2^53), so that a
 * probe reads hash and key from one cache line; `entries` holds the entries. Load stays at or below 1/2; deletion shifts the
 * following run back (no tombstones). An entry is in the index exactly while it is in
 * its table: FlowTable tells the entry when it leaves (FlowEntry.detached), and the entry
 * removes itself. Costs: get, set and delete O(width) expected; 8 * (width + 1) bytes per
 * slot plus one pointer, at between 2 and 4 slots per entry.
 */

const TWO32_INV = 1 / 4294967296;
const MIN_SLOTS = 16;

/** Hash of `width` values starting at `values[0]`: a positive 31-bit integer, never 0. */
function hashOf(values: ArrayLike<number>, width: number): number {
  let h = 0x2545f491;
  for (let i = 0; i < width; i++) {
    const v = values[i]!;
    h = Math.imul(h ^ (v >>> 0), 0x9e3779b1);
    h = Math.imul(h ^ ((v * TWO32_INV) | 0), 0x85ebca6b);
    h ^= h >>> 15;
  }
  return ((h ^ (h >>> 13)) & 0x7fff_ffff) | 1;
}

export class SlotIndex<E> {
  private mask: number;
  /** Per slot `width + 1` doubles: the hash (0 when free), then the values. */
  private records: Float64Array;
  private entries: (E | undefined)[];
  private count = 0;
  private readonly stride: number;

  constructor(private readonly width: number) {
    this.stride = width + 1;
    this.mask = MIN_SLOTS - 1;
    this.records = new Float64Array(MIN_SLOTS * this.stride);
    this.entries = new Array<E | undefined>(MIN_SLOTS).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** The entry stored under `values` (their first `width` numbers). */
  get(values: ArrayLike<number>): E | undefined {
    const s = this.find(values, hashOf(values, this.width));
    return s < 0 ? undefined : this.entries[s];
  }

  /** Stores `entry` under `values`, replacing what was there. */
  set(values: ArrayLike<number>, entry: E): void {
    const h = hashOf(values, this.width);
    const found = this.find(values, h);
    if (found >= 0) {
      this.entries[found] = entry;
      return;
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const { records: r, stride, width: w } = this;
    let s = h & this.mask;
    while (r[s * stride] !== 0) s = (s + 1) & this.mask;
    r[s * stride] = h;
    for (let i = 0; i < w; i++) r[s * stride + 1 + i] = values[i]!;
    this.entries[s] = entry;
    this.count++;
  }

  /** Removes `values` if it maps to `entry` (a replaced entry leaves its successor alone). */
  delete(values: ArrayLike<number>, entry: E): void {
    let s = this.find(values, hashOf(values, this.width));
    if (s < 0 || this.entries[s] !== entry) return;
    const { records: r, entries, stride, mask } = this;
    // Backward-shift deletion: move later members of the run into the hole when their
    // home slot does not lie cyclically in (hole, their slot].
    for (let j = (s + 1) & mask; r[j * stride] !== 0; j = (j + 1) & mask) {
      const home = r[j * stride]! & mask;
      const between = s <= j ? s < home && home <= j : s < home || home <= j;
      if (between) continue;
      r.copyWithin(s * stride, j * stride, (j + 1) * stride);
      entries[s] = entries[j];
      s = j;
    }
    r[s * stride] = 0;
    entries[s] = undefined;
    this.count--;
  }

  private find(values: ArrayLike<number>, h: number): number {
    const { records: r, stride, width: w, mask } = this;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = s * stride;
      const x = r[at]!;
      if (x === 0) return -1;
      if (x !== h) continue;
      let i = 0;
      while (i < w && r[at + 1 + i] === values[i]) i++;
      if (i === w) return s;
    }
  }

  private grow(): void {
    const { records: old, entries, stride } = this;
    const n = (this.mask + 1) * 2;
    this.mask = n - 1;
    this.records = new Float64Array(n * stride);
    this.entries = new Array<E | undefined>(n).fill(undefined);
    const r = this.records;
    for (let s = 0; s < entries.length; s++) {
      const h = old[s * stride]!;
      if (h === 0) continue;
      let t = h & this.mask;
      while (r[t * stride] !== 0) t = (t + 1) & this.mask;
      r.set(old.subarray(s * stride, (s + 1) * stride), t * stride);
      this.entries[t] = entries[s];
    }
  }
}
