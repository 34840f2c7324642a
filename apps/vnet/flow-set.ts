/**
 * A flow as the app wants it (FlowSpec), its identity in a table (table, priority,
 * match: what OpenFlow itself uses to tell flows apart), and the minimal change between
 * two desired flow sets: flows whose identity disappeared are deleted (strict), flows
 * that are new or whose cookie, timeouts or instructions changed are added (an ADD with
 * the same identity replaces the old entry in place). Flows in both sets unchanged are
 * not touched, so their counters and the traffic they carry are left alone.
 */
import {
  type FlowMod,
  FlowModCommand,
  type Instruction,
  type Match,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP,
  OXM_BY_NAME,
  type OxmEntry,
} from '../../src/codec/index.js';

export interface FlowSpec {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
  readonly cookie: bigint;
  /** Seconds; 0 for none. */
  readonly idleTimeout: number;
  /** OFPFF_* flags (SEND_FLOW_REM for learned sources). */
  readonly flags: number;
}

function fieldCode(e: OxmEntry): number {
  return e.field === 'raw' ? 1000 + e.oxmField : OXM_BY_NAME.get(e.field)!.code;
}

/** A match with its fields in OXM code order (the order OVS prints and the engine uses). */
export function sortMatch(match: Match): Match {
  return [...match].sort((a, b) => fieldCode(a) - fieldCode(b));
}

function text(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') return `0x${x.toString(16)}`;
    if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
    return x;
  });
}

/** What identifies a flow in a switch: table, priority and match. */
export function flowKey(f: Pick<FlowSpec, 'tableId' | 'priority' | 'match'>): string {
  return `${f.tableId}/${f.priority}/${text(sortMatch(f.match))}`;
}

/** Everything else: a change here means the flow must be replaced. */
export function flowValue(f: FlowSpec): string {
  return text([f.cookie, f.idleTimeout, f.flags, f.instructions]);
}

export interface FlowDiff {
  /** Flows to delete (strict), by identity. */
  readonly remove: readonly FlowSpec[];
  /** Flows to add: new, or replacing an entry whose value changed. */
  readonly add: readonly FlowSpec[];
  /** How many flows of `next` were already right. */
  readonly unchanged: number;
}

/** The minimal change from the flow set `prev` to `next`. */
export function diffFlows(prev: readonly FlowSpec[], next: readonly FlowSpec[]): FlowDiff {
  const before = new Map(prev.map((f) => [flowKey(f), f]));
  const after = new Map(next.map((f) => [flowKey(f), f]));
  const remove = [...before].filter(([k]) => !after.has(k)).map(([, f]) => f);
  const add: FlowSpec[] = [];
  let unchanged = 0;
  for (const [k, f] of after) {
    const old = before.get(k);
    if (old && flowValue(old) === flowValue(f)) unchanged++;
    else add.push(f);
  }
  return { remove, add, unchanged };
}

function base(command: number, tableId: number): Omit<FlowMod, 'match' | 'instructions'> {
  return {
    type: 'flow_mod',
    xid: 0,
    cookie: 0n,
    cookieMask: 0n,
    tableId,
    command,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 0,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
  };
}

/** OFPFC_ADD of a spec (xid 0: the runtime assigns one). */
export function addFlowMod(f: FlowSpec): FlowMod {
  return {
    ...base(FlowModCommand.ADD, f.tableId),
    cookie: f.cookie,
    idleTimeout: f.idleTimeout,
    priority: f.priority,
    flags: f.flags,
    match: sortMatch(f.match),
    instructions: f.instructions,
  };
}

/** OFPFC_DELETE_STRICT of exactly this flow (table, priority, match). */
export function deleteStrictFlowMod(f: Pick<FlowSpec, 'tableId' | 'priority' | 'match'>): FlowMod {
  return {
    ...base(FlowModCommand.DELETE_STRICT, f.tableId),
    priority: f.priority,
    match: sortMatch(f.match),
    instructions: [],
  };
}
