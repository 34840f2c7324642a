/**
 * A small ovs-ofctl-like formatter for traces: matches, instructions and actions in the
 * syntax `ovs-appctl ofproto/trace` and `ovs-ofctl dump-flows` print, as far as the
 * engine goes without the text module (each action's and instruction's text is its
 * `trace` face in action-ops.ts / instruction-ops.ts). The trace takes any
 * TraceFormatter, so the CLI can pass the full ovs-ofctl formatter instead.
 */
import type { Action, Instruction, Match } from '../codec/index.js';
import { actionOps } from './action-ops.js';
import { instructionOps, traceActions } from './instruction-ops.js';
import { formatEntry, shorthand } from './trace-values.js';

export { formatIpv4, formatIpv6, formatMac, formatValue } from './trace-values.js';

export interface TraceFormatter {
  /** A flow's match, e.g. `tcp,in_port=1,nw_dst=10.0.0.0/8,tp_dst=80` ('' when empty). */
  match(match: Match): string;
  /** One instruction, e.g. `output:2,pop_vlan` (apply-actions) or `goto_table:1`. */
  instruction(ins: Instruction): string;
  /** An action list, e.g. `set_field:10.0.0.1->ip_dst,output:2` (`drop` when empty). */
  actions(actions: readonly Action[]): string;
}

/** One action as a trace prints it. */
export function formatAction(a: Action): string {
  return actionOps(a.type).trace(a);
}

export const defaultTraceFormatter: TraceFormatter = {
  match(m) {
    const { word, skip } = shorthand(m);
    const parts = m.filter((e) => e.field === 'raw' || !skip.has(e.field)).map(formatEntry);
    return [word, ...parts].filter((x) => x !== undefined).join(',');
  },
  actions: (actions) => traceActions(actions),
  instruction: (ins) => instructionOps(ins.type).trace(ins),
};
