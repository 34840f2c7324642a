/**
 * Flow, aggregate and table statistics (OpenFlow 1.3.5 section 7.3.5.2-7.3.5.4) in the
 * codec's reply shapes, with the request's selection: table (OFPTT_ALL for all),
 * out_port, out_group, cookie/cookie_mask and a non-strict match.
 */
import {
  checkMatch,
  type FlowStats,
  type FlowStatsFilter,
  OFPERR,
  OFPG_ANY,
  OFPP,
  OFPTT_ALL,
  type OfpError,
  ofpError,
  type Result,
  type TableStats,
} from '../codec/index.js';
import { COUNTER_UNAVAILABLE, type FlowEntry } from './flow-entry.js';
import { isFlowMatch, toFlowMatch } from './flow-key.js';
import { entryPassesFilter } from './flow-mod.js';
import type { FlowTable } from './flow-table.js';

export interface AggregateStats {
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly flowCount: number;
}

/** Priority descending, then the entry installed first (the classifier's tie order). */
const byPriorityThenAge = (a: FlowEntry, b: FlowEntry): number =>
  b.priority - a.priority || a.seq - b.seq;

/** The entries a flow or aggregate stats request selects, in table then priority order. */
export function selectEntries(
  tables: readonly FlowTable[],
  f: FlowStatsFilter,
): Result<FlowEntry[]> {
  if (f.tableId >= tables.length && f.tableId !== OFPTT_ALL) {
    const error: OfpError = ofpError(
      OFPERR.OFPBRC_BAD_TABLE_ID,
      `table ${f.tableId} does not exist`,
    );
    return { ok: false, error };
  }
  const bad = checkMatch(f.match);
  if (bad) return { ok: false, error: bad };
  const match = toFlowMatch(f.match);
  if (!isFlowMatch(match)) return { ok: false, error: match };
  const targets = f.tableId === OFPTT_ALL ? tables : [tables[f.tableId]!];
  // A filter without cookie mask, out_port or out_group passes every entry.
  const all = f.cookieMask === 0n && f.outPort === OFPP.ANY && f.outGroup === OFPG_ANY;
  let out: FlowEntry[] = [];
  for (const t of targets) {
    if (t.activeCount === 0) continue;
    const loose = t.findLoose(match);
    const found = all ? loose : loose.filter((e) => entryPassesFilter(e, f));
    found.sort(byPriorityThenAge);
    // concat, not push(...found): a spread of 100k+ arguments can overflow the stack.
    out = out.length === 0 ? found : out.concat(found);
  }
  return { ok: true, value: out };
}

export function flowStats(
  tables: readonly FlowTable[],
  f: FlowStatsFilter,
  now: number,
): Result<FlowStats[]> {
  const sel = selectEntries(tables, f);
  if (!sel.ok) return sel;
  return { ok: true, value: sel.value.map((e) => e.toFlowStats(now)) };
}

export function aggregateStats(
  tables: readonly FlowTable[],
  f: FlowStatsFilter,
): Result<AggregateStats> {
  const sel = selectEntries(tables, f);
  if (!sel.ok) return sel;
  let packetCount = 0n;
  let byteCount = 0n;
  for (const e of sel.value) {
    const s = e.toFlowStats(0);
    // Entries that keep no counter add nothing (their all-ones would wrap the sum).
    if (s.packetCount !== COUNTER_UNAVAILABLE) packetCount += s.packetCount;
    if (s.byteCount !== COUNTER_UNAVAILABLE) byteCount += s.byteCount;
  }
  return { ok: true, value: { packetCount, byteCount, flowCount: sel.value.length } };
}

export function tableStats(tables: readonly FlowTable[]): TableStats[] {
  return tables.map((t) => t.stats());
}

/** A filter selecting every entry of every table. */
export const ALL_FLOWS: FlowStatsFilter = {
  tableId: OFPTT_ALL,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  cookie: 0n,
  cookieMask: 0n,
  match: [],
};
