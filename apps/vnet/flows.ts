/**
 * The desired static flow set of a datapath plan: everything but learned MACs. A pure
 * function of the plan, so a reload is `diffFlows(desiredFlows(old), desiredFlows(new))`
 * and a test can run packets through exactly what the switch will hold.
 */
import { type Action, type Instruction, OFPP } from '../../src/codec/index.js';
import { floodActions, ingressActions, ingressMatch } from './egress.js';
import type { FlowSpec } from './flow-set.js';
import {
  CookieKind,
  cookie,
  missDropCookie,
  PIPELINE,
  PRIORITY,
  TABLE,
  type TableSpec,
} from './pipeline.js';
import { type DatapathPlan, membersOf, networksOf } from './plan.js';

/** Bytes of a frame copied to the controller for learning: Ethernet + 802.1Q headers. */
const LEARN_MAX_LEN = 64;

const goto = (tableId: number): Instruction => ({ type: 'goto_table', tableId });
const apply = (actions: Action[]): Instruction[] =>
  actions.length > 0 ? [{ type: 'apply_actions', actions }] : [];

function flow(
  tableId: number,
  priority: number,
  c: bigint,
  match: FlowSpec['match'],
  instructions: Instruction[],
): FlowSpec {
  return { tableId, priority, match, instructions, cookie: c, idleTimeout: 0, flags: 0 };
}

function missFlow(t: TableSpec): FlowSpec {
  switch (t.miss) {
    case 'drop':
      return flow(t.id, PRIORITY.MISS, missDropCookie(t.id), [], []);
    case 'continue':
      return flow(t.id, PRIORITY.MISS, cookie(CookieKind.MISS, t.id), [], [goto(t.id + 1)]);
    case 'learn-and-continue': {
      const toController: Action = { type: 'output', port: OFPP.CONTROLLER, maxLen: LEARN_MAX_LEN };
      return flow(
        t.id,
        PRIORITY.MISS,
        cookie(CookieKind.MISS, t.id),
        [],
        [...apply([toController]), goto(t.id + 1)],
      );
    }
  }
}

/** The cookie of the table-1 miss flow: packet-ins carrying it are learning requests. */
export const LEARN_MISS_COOKIE = cookie(CookieKind.MISS, TABLE.LEARN);

/** Table 0: one classification flow per port membership, one drop per port, the miss. */
function ingressFlows(plan: DatapathPlan): FlowSpec[] {
  const out: FlowSpec[] = [];
  for (const p of plan.ports) {
    const c = cookie(CookieKind.INGRESS, p.number);
    for (const m of p.memberships) {
      const instructions = [...apply(ingressActions(m)), goto(TABLE.LEARN)];
      out.push(flow(TABLE.INGRESS, PRIORITY.MATCH, c, ingressMatch(p.number, m), instructions));
    }
    const drop = cookie(CookieKind.DROP, p.number);
    out.push(
      flow(TABLE.INGRESS, PRIORITY.PORT_DROP, drop, [{ field: 'in_port', value: p.number }], []),
    );
  }
  return out;
}

/** Table 3: per network, one flood flow per member port it may arrive on. */
function floodFlows(plan: DatapathPlan): FlowSpec[] {
  const out: FlowSpec[] = [];
  for (const net of networksOf(plan)) {
    const members = membersOf(plan, net.vlan);
    const c = cookie(CookieKind.FLOOD, net.vlan);
    for (const m of members) {
      const match = [
        { field: 'in_port', value: m.port.number },
        { field: 'vlan_vid', value: 0x1000 | net.vlan },
      ] as const;
      out.push(
        flow(TABLE.FLOOD, PRIORITY.MATCH, c, match, apply(floodActions(members, m.port.number))),
      );
    }
  }
  return out;
}

/** Every static flow of the plan, in table order. */
export function desiredFlows(plan: DatapathPlan): FlowSpec[] {
  return [...ingressFlows(plan), ...floodFlows(plan), ...PIPELINE.map(missFlow)].sort(
    (a, b) => a.tableId - b.tableId || b.priority - a.priority,
  );
}
