/**
 * The action set (OpenFlow 1.3.5 section 5.10): at most one action of each type (and
 * one set_field per field), written by Write-Actions (a later action of the same kind
 * replaces the earlier one), emptied by Clear-Actions, executed when the pipeline stops
 * in the spec's order: copy TTL inwards, pop, push-MPLS, push-PBB, push-VLAN, copy TTL
 * outwards, decrement TTL, set, qos, group, output (an output is ignored when a group
 * is present). Group buckets are applied as action sets too.
 */
import type { Action } from '../codec/index.js';
import { actionOps } from './action-ops.js';

/** Rank of an action in the execution order (its `setRank`); set_field ties keep write order. */
const rank = (a: Action): number => actionOps(a.type).setRank;

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
      .sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i)
      .map(({ a }) => a);
  }
}

/** A list of actions applied "as an action set" (group buckets): same ordering rules. */
export function asActionSet(actions: readonly Action[]): Action[] {
  const s = new ActionSet();
  s.write(actions);
  return s.ordered();
}
