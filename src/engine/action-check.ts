/**
 * What a switch checks in the actions of a FLOW_MOD, GROUP_MOD or PACKET_OUT before
 * accepting it (OpenFlow 1.3.5 sections 6.4, 7.4.4): each action's check is its entry in
 * ACTION_OPS (action-ops.ts), run in list order with the match's facts carried through
 * (a pop_vlan needs a match that guarantees a tag, dec_nw_ttl needs IP, ...).
 */
import type { Action, OfpError } from '../codec/index.js';
import type { ActionCheckOptions, CheckContext } from './action-facts.js';
import { actionOps } from './action-ops.js';

/** Checks one action list; `opts.facts` is updated as the actions would change the packet. */
export function checkActions(
  actions: readonly Action[],
  ctx: CheckContext,
  opts: ActionCheckOptions,
): OfpError | undefined {
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const e = actionOps(a.type).check(a, ctx, opts);
    if (e) return e;
  }
  return undefined;
}

/** Does some action's check read or change the match facts? (output, group, set_queue: no) */
export function needsFacts(actions: readonly Action[]): boolean {
  for (let i = 0; i < actions.length; i++) {
    if (actionOps(actions[i]!.type).needsFacts) return true;
  }
  return false;
}
