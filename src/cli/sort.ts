/**
 * --sort and --rsort for dump-flows (ovs-ofctl's compare_flows): by priority, or by a
 * field's value; flows that do not match on the field sort last in either direction,
 * and ties go to the higher priority (then the switch's order), as ovs-ofctl prints them.
 */
import type { FlowStats } from '../codec/index.js';
import { fieldValue, prereqOk, textField } from '../text/fields.js';
import { fromOxm, OvsMatch } from '../text/ovs-match.js';
import type { SortKey } from './context.js';
import { CliError } from './io.js';

/** Checks that every sort field is a field name. */
export function checkSortKeys(keys: readonly SortKey[]): void {
  for (const k of keys) {
    if (k.field !== undefined && !textField(k.field)) {
      throw new CliError(
        `${k.field}: unknown field name (use a match field such as in_port or nw_src)`,
      );
    }
  }
}

function compareOne(k: SortKey, a: FlowStats, am: OvsMatch, b: FlowStats, bm: OvsMatch): number {
  if (k.field === undefined) return a.priority - b.priority;
  const f = textField(k.field)!;
  const av = fieldValue(f, am);
  const bv = fieldValue(f, bm);
  const ina = prereqOk(f.prereq, am) && av.m !== 0n;
  const inb = prereqOk(f.prereq, bm) && bv.m !== 0n;
  if (ina !== inb) return ina ? -1 : 1;
  return av.v < bv.v ? -1 : av.v > bv.v ? 1 : 0;
}

export function sortFlows(flows: readonly FlowStats[], keys: readonly SortKey[]): FlowStats[] {
  if (keys.length === 0) return [...flows];
  checkSortKeys(keys);
  // The match in OVS's form only when a field is compared: --sort/--rsort by priority
  // alone needs none (computed once per flow, not per comparison).
  const byField = keys.some((k) => k.field !== undefined);
  const none = new OvsMatch();
  const decorated = flows.map((f, i) => ({ f, m: byField ? fromOxm(f.match) : none, i }));
  decorated.sort((x, y) => {
    for (const k of keys) {
      const c = compareOne(k, x.f, x.m, y.f, y.m);
      if (c !== 0) {
        const missing = k.field !== undefined && (c === -1 || c === 1) && isPresenceOrder(k, x, y);
        return missing || !k.descending ? c : -c;
      }
    }
    // ovs-ofctl breaks the remaining ties by descending priority.
    return y.f.priority - x.f.priority || x.i - y.i;
  });
  return decorated.map((d) => d.f);
}

/** True when the comparison was decided by one flow lacking the field (never reversed). */
function isPresenceOrder(
  k: SortKey,
  x: { f: FlowStats; m: OvsMatch },
  y: { f: FlowStats; m: OvsMatch },
): boolean {
  const f = textField(k.field!)!;
  const ina = prereqOk(f.prereq, x.m) && fieldValue(f, x.m).m !== 0n;
  const inb = prereqOk(f.prereq, y.m) && fieldValue(f, y.m).m !== 0n;
  return ina !== inb;
}
