/**
 * The action set (OpenFlow 1.3.5 section 5.10): at most one action of each type (and
 * one set_field per field), written by Write-Actions (a later action of the same kind
 * replaces the earlier one), emptied by Clear-Actions, executed when the pipeline stops
 * in the spec's order: copy TTL inwards, pop, push-MPLS, push-PBB, push-VLAN, copy TTL
 * outwards, decrement TTL, set, qos, group, output (an output is ignored when a group
 * is present). Group buckets are applied as action sets too.
 */
import type { Action } from '../codec/index.js';

/** Rank of each action kind in the execution order; set_field ties keep write order. */
const RANK: Readonly<Record<Action['type'], number>> = {
  copy_ttl_in: 0,
  pop_vlan: 1,
  pop_mpls: 2,
  pop_pbb: 3,
  push_mpls: 4,
  push_pbb: 5,
  push_vlan: 6,
  copy_ttl_out: 7,
  dec_mpls_ttl: 8,
  dec_nw_ttl: 9,
  set_mpls_ttl: 10,
  set_nw_ttl: 11,
  set_field: 12,
  set_queue: 13,
  group: 14,
  output: 15,
  experimenter: 16,
};

/** The slot an action occupies in the set: its kind, or its field for set_field. */
function slotOf(a: Action): string {
  if (a.type !== 'set_field') return a.type;
  const f = a.field;
  return f.field === 'raw' ? `set_field:raw:${f.oxmClass}:${f.oxmField}` : `set_field:${f.field}`;
}

export class ActionSet {
  private readonly slots = new Map<string, Action>();

  /** Write-Actions: merges `actions` into the set. */
  write(actions: readonly Action[]): void {
    for (const a of actions) {
      const slot = slotOf(a);
      // Re-inserting moves a replaced set_field to the end of the write order.
      this.slots.delete(slot);
      this.slots.set(slot, a);
    }
  }

  /** Clear-Actions. */
  clear(): void {
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }

  /** The actions in execution order (an output dropped when a group is present). */
  ordered(): Action[] {
    const list = [...this.slots.values()];
    const hasGroup = this.slots.has('group');
    return list
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => !(hasGroup && a.type === 'output'))
      .sort((x, y) => RANK[x.a.type] - RANK[y.a.type] || x.i - y.i)
      .map(({ a }) => a);
  }
}

/** A list of actions applied "as an action set" (group buckets): same ordering rules. */
export function asActionSet(actions: readonly Action[]): Action[] {
  const s = new ActionSet();
  s.write(actions);
  return s.ordered();
}
