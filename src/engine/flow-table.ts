/**
 * One flow table of the pipeline: a classifier of flow entries plus the table's
 * counters (lookups, matches) and optional size limit (OFPFMFC_TABLE_FULL). The
 * classifier is made at the first insert: a switch model has up to 255 tables, most of
 * them empty, and the controller keeps one model per switch.
 */
import type { TableStats } from '../codec/index.js';
import { Classifier } from './classifier.js';
import type { FlowEntry } from './flow-entry.js';
import type { FlowMatch } from './flow-key.js';

export class FlowTable {
  private c: Classifier<FlowEntry> | undefined = undefined;
  lookupCount = 0;
  matchedCount = 0;

  constructor(
    readonly id: number,
    /** Most entries the table holds; undefined for no limit. */
    readonly maxEntries: number | undefined = undefined,
  ) {}

  /** The table's classifier (made now if the table never held an entry). */
  get cls(): Classifier<FlowEntry> {
    this.c ??= new Classifier<FlowEntry>();
    return this.c;
  }

  get activeCount(): number {
    return this.c === undefined ? 0 : this.c.size;
  }

  get full(): boolean {
    return this.maxEntries !== undefined && this.activeCount >= this.maxEntries;
  }

  /** The entry a packet with flow key `key` matches, counting the lookup. */
  lookup(key: Uint32Array): FlowEntry | undefined {
    this.lookupCount++;
    if (this.c === undefined) return undefined;
    const rule = this.c.lookup(key);
    if (rule === undefined) return undefined;
    this.matchedCount++;
    return rule.data;
  }

  /** Installs `entry` (the entry is its own classifier rule). */
  insert(entry: FlowEntry, match: FlowMatch): void {
    this.cls.insertRule(match, entry);
  }

  /** Puts `entry` in the place of installed `old`, which has the same match and priority. */
  replace(old: FlowEntry, entry: FlowEntry): void {
    this.cls.replaceRule(old, entry);
    old.detached();
  }

  /** Uninstalls `entry` (a no-op when it is not installed). */
  remove(entry: FlowEntry): void {
    if (entry.rule === undefined || this.c === undefined) return;
    this.c.remove(entry);
    entry.detached();
  }

  /** The entry with exactly this match and priority (OpenFlow's strict match). */
  findStrict(match: FlowMatch, priority: number): FlowEntry | undefined {
    return this.c?.findExact(match, priority)?.data;
  }

  /** Entries at least as specific as `match` (OpenFlow's non-strict match). */
  findLoose(match: FlowMatch): FlowEntry[] {
    return this.c === undefined ? [] : this.c.matching(match).map((r) => r.data);
  }

  /** An entry of this priority that a packet could match together with `match`. */
  findOverlap(match: FlowMatch, priority: number): FlowEntry | undefined {
    return this.c?.findOverlap(match, priority)?.data;
  }

  entries(): FlowEntry[] {
    const out: FlowEntry[] = [];
    this.c?.forEach((r) => {
      out.push(r.data);
    });
    return out;
  }

  stats(): TableStats {
    return {
      tableId: this.id,
      activeCount: this.activeCount,
      lookupCount: BigInt(this.lookupCount),
      matchedCount: BigInt(this.matchedCount),
    };
  }
}
