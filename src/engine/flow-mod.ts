/**
 * FLOW_MOD as OpenFlow 1.3.5 section 6.4 defines it, over the pipeline's tables:
 *  - ADD: an entry with identical match and priority is replaced (counters kept unless
 *    RESET_COUNTS, duration restarted, no FLOW_REMOVED); CHECK_OVERLAP refuses an entry
 *    of equal priority that some packet could match together with it (OFPFMFC_OVERLAP);
 *    a full table answers OFPFMFC_TABLE_FULL.
 *  - MODIFY / MODIFY_STRICT: matching entries (loose: at least as specific as the
 *    request; strict: identical match and priority), filtered by cookie and cookie mask,
 *    get the new instructions; cookie, timeouts, flags, counters and duration stay
 *    (counters cleared with RESET_COUNTS). No match: nothing happens, no error.
 *  - DELETE / DELETE_STRICT: the same selection plus out_port and out_group filters,
 *    table OFPTT_ALL for every table; each removal reported with reason DELETE.
 * Errors: bad command, bad table id (and OFPTT_ALL for ADD/MODIFY), unknown flags,
 * unsupported or invalid match, bad instructions and actions (action-check.ts).
 * buffer_id is ignored: the model holds no buffered packets (nor does Open vSwitch).
 */
import {
  checkMatch,
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  OFPERR,
  OFPG_ANY,
  OFPP,
  OFPTT_ALL,
  type OfpError,
  ofpError,
} from '../codec/index.js';
import type { CheckContext } from './action-facts.js';
import { FlowEntry } from './flow-entry.js';
import type { FlowTable } from './flow-table.js';
import { checkInstructions } from './instruction-check.js';
import { MatchKey } from './match-key.js';

const ALL_FLAGS = 0x1f;

export interface FlowModOutcome {
  readonly error?: OfpError;
  /** Entries DELETE removed (FLOW_REMOVED reason DELETE for those that asked). */
  readonly removed: readonly FlowEntry[];
}

const NONE: readonly FlowEntry[] = Object.freeze([]);
const DONE: FlowModOutcome = Object.freeze({ removed: NONE });
const fail = (error: OfpError): FlowModOutcome => ({ error, removed: NONE });

/**
 * Applies `fm`; an ADD installs its entry at time `now` (no other command reads it).
 * `key` is scratch for the match in key form: a caller applying many FLOW_MODs passes
 * one MatchKey to save the allocation.
 */
export function applyFlowMod(
  tables: readonly FlowTable[],
  fm: FlowMod,
  ctx: CheckContext,
  now: number,
  key: MatchKey = new MatchKey(),
): FlowModOutcome {
  const isDelete =
    fm.command === FlowModCommand.DELETE || fm.command === FlowModCommand.DELETE_STRICT;
  if (fm.command > FlowModCommand.DELETE_STRICT) {
    return fail(ofpError(OFPERR.OFPFMFC_BAD_COMMAND, `flow_mod command ${fm.command}`));
  }
  if (fm.tableId >= tables.length && !(isDelete && fm.tableId === OFPTT_ALL)) {
    return fail(
      ofpError(
        OFPERR.OFPFMFC_BAD_TABLE_ID,
        `table ${fm.tableId} does not exist (tables 0..${tables.length - 1})`,
      ),
    );
  }
  if ((fm.flags & ~ALL_FLAGS) !== 0)
    return fail(ofpError(OFPERR.OFPFMFC_BAD_FLAGS, `flags 0x${fm.flags.toString(16)}`));
  const bad = checkMatch(fm.match) ?? key.set(fm.match);
  if (bad) return fail(bad);

  if (isDelete) {
    const strict = fm.command === FlowModCommand.DELETE_STRICT;
    const all = fm.tableId === OFPTT_ALL;
    const removed: FlowEntry[] = [];
    for (let id = all ? 0 : fm.tableId, last = all ? tables.length - 1 : id; id <= last; id++) {
      const t = tables[id]!;
      if (t.activeCount === 0) continue;
      if (strict) {
        const e = t.findStrict(key, fm.priority);
        if (e === undefined || !entryPassesFilter(e, fm)) continue;
        t.remove(e);
        removed.push(e);
        continue;
      }
      for (const e of t.findLoose(key)) {
        if (!entryPassesFilter(e, fm)) continue;
        t.remove(e);
        removed.push(e);
      }
    }
    return removed.length === 0 ? DONE : { removed };
  }

  const table = tables[fm.tableId]!;
  const insErr = checkInstructions(fm.instructions, fm.match, fm.tableId, ctx);
  if (insErr) return fail(insErr);

  if (fm.command === FlowModCommand.ADD) {
    const old = table.findStrict(key, fm.priority);
    // An identical entry overlaps too (as in Open vSwitch): CHECK_OVERLAP never replaces.
    if (fm.flags & FlowModFlags.CHECK_OVERLAP && table.findOverlap(key, fm.priority)) {
      return fail(ofpError(OFPERR.OFPFMFC_OVERLAP, `overlaps an entry of priority ${fm.priority}`));
    }
    if (!old && table.full)
      return fail(ofpError(OFPERR.OFPFMFC_TABLE_FULL, `table ${fm.tableId} is full`));
    const entry = new FlowEntry({
      tableId: fm.tableId,
      priority: fm.priority,
      match: fm.match,
      instructions: fm.instructions,
      cookie: fm.cookie,
      flags: fm.flags,
      idleTimeout: fm.idleTimeout,
      hardTimeout: fm.hardTimeout,
      now,
    });
    if (old) {
      if (!(fm.flags & FlowModFlags.RESET_COUNTS)) {
        entry.packetCount = old.packetCount;
        entry.byteCount = old.byteCount;
      }
      table.replace(old, entry);
    } else table.insert(entry, key);
    return DONE;
  }

  // MODIFY, MODIFY_STRICT
  const strict = fm.command === FlowModCommand.MODIFY_STRICT;
  const found = strict ? [table.findStrict(key, fm.priority)] : table.findLoose(key);
  for (const e of found) {
    if (!e || !cookieMatches(e, fm)) continue;
    e.instructions = fm.instructions;
    if (fm.flags & FlowModFlags.RESET_COUNTS) {
      e.packetCount = 0;
      e.byteCount = 0;
    }
  }
  return DONE;
}

function cookieMatches(e: FlowEntry, fm: { cookie: bigint; cookieMask: bigint }): boolean {
  // The first two cases answer without BigInt arithmetic (which allocates).
  if (fm.cookieMask === 0n || e.cookie === fm.cookie) return true;
  return (e.cookie & fm.cookieMask) === (fm.cookie & fm.cookieMask);
}

function outMatches(e: FlowEntry, fm: { outPort: number; outGroup: number }): boolean {
  if (fm.outPort !== OFPP.ANY && !e.outputsTo(fm.outPort)) return false;
  if (fm.outGroup !== OFPG_ANY && !e.usesGroup(fm.outGroup)) return false;
  return true;
}

/** The selection shared by DELETE and flow/aggregate stats (out_port, out_group, cookie). */
export function entryPassesFilter(
  e: FlowEntry,
  f: { cookie: bigint; cookieMask: bigint; outPort: number; outGroup: number },
): boolean {
  return cookieMatches(e, f) && outMatches(e, f);
}
