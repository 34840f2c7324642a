/**
 * The engine's faces of every instruction kind, one entry per kind (wire faces:
 * INSTRUCTION_CODECS in src/codec/instructions.ts; text: src/text/actions-format.ts): its
 * place in the execution order (OpenFlow 1.3.5 section 5.9), the validity check a switch
 * applies to it in a FLOW_MOD (6.4, 7.4.4), what it does in the pipeline (5.10), and its
 * text in a trace. A mapped type over InstructionKind: a kind without an entry, or an
 * entry without a face, does not compile.
 */
import {
  type Action,
  type InstructionKind,
  type InstructionOf,
  OFPERR,
  OFPM_MAX,
  type OfpError,
  ofpError,
} from '../codec/index.js';
import { checkActions, needsFacts } from './action-check.js';
import { type CheckContext, copyFacts, type FlowFacts } from './action-facts.js';
import { actionOps } from './action-ops.js';
import { type ActionSet, asActionSet } from './action-set.js';
import { type ExecEnv, type ExecState, runActions } from './execute.js';
import type { MeterTable } from './meters.js';
import type { Packet } from './packet.js';
import { hex } from './trace-values.js';

/** What an instruction's check works with. */
export interface InstructionCheck {
  readonly tableId: number;
  readonly ctx: CheckContext;
  /** The match's facts, worked out on first use and shared by the flow's actions. */
  facts(): FlowFacts;
}

/** One packet in one table: what an instruction's execution reaches. */
export interface InstructionRun {
  readonly pkt: Packet;
  readonly set: ActionSet;
  readonly env: ExecEnv;
  readonly st: ExecState;
  readonly meters: MeterTable;
  readonly now: number;
  /** The table goto_table sends the packet to; undefined: the pipeline ends here. */
  next: number | undefined;
}

export interface InstructionOps<K extends InstructionKind> {
  /** Place in the execution order of an instruction set (section 5.9). */
  readonly order: number;
  /** What a switch answers for this instruction in a FLOW_MOD. */
  check(ins: InstructionOf<K>, c: InstructionCheck): OfpError | undefined;
  /** Executes it for a packet in a table; false when the packet stops here. */
  run(ins: InstructionOf<K>, r: InstructionRun): boolean;
  /** The instruction in a trace, e.g. `output:2,pop_vlan` (apply-actions) or `goto_table:1`. */
  trace(ins: InstructionOf<K>): string;
}

export type InstructionOpsTable = { readonly [K in InstructionKind]: InstructionOps<K> };

/** Actions in a trace, comma-separated (`drop` for none when `drop` is set). */
export function traceActions(actions: readonly Action[], drop = true): string {
  if (actions.length === 0) return drop ? 'drop' : '';
  return actions.map((a) => actionOps(a.type).trace(a)).join(',');
}

/** Every instruction kind's engine faces, by kind. */
export const INSTRUCTION_OPS: InstructionOpsTable = {
  meter: {
    order: 0,
    check: (ins, c) =>
      ins.meterId === 0 || ins.meterId > OFPM_MAX || !c.ctx.hasMeter(ins.meterId)
        ? ofpError(OFPERR.OFPMMFC_UNKNOWN_METER, `meter ${ins.meterId} does not exist`)
        : undefined,
    run: (ins, r) => {
      const m = r.meters.get(ins.meterId);
      if (m && !m.admit(r.pkt.bytes.length, r.now)) {
        r.st.notes.push(`meter ${ins.meterId}: rate exceeded, dropped`);
        return false;
      }
      return true;
    },
    trace: (ins) => `meter:${ins.meterId}`,
  },
  apply_actions: {
    order: 1,
    check: (ins, c) =>
      checkActions(ins.actions, c.ctx, {
        facts: needsFacts(ins.actions) ? c.facts() : undefined,
      }),
    run: (ins, r) => runActions(r.pkt, ins.actions, r.env, r.st),
    trace: (ins) => traceActions(ins.actions),
  },
  clear_actions: {
    order: 2,
    check: () => undefined,
    run: (_ins, r) => {
      r.set.clear();
      return true;
    },
    trace: () => 'clear_actions',
  },
  write_actions: {
    order: 3,
    check: (ins, c) => {
      // The set runs in its own order (push before set_field), so check it in that order,
      // on a copy of the facts: the set runs after everything else.
      const set = asActionSet(ins.actions);
      const facts = !needsFacts(set) ? undefined : copyFacts(c.facts());
      return checkActions(set, c.ctx, { facts });
    },
    run: (ins, r) => {
      r.set.write(ins.actions);
      return true;
    },
    trace: (ins) => `write_actions(${traceActions(ins.actions, false)})`,
  },
  write_metadata: {
    order: 4,
    check: () => undefined,
    run: (ins, r) => {
      r.pkt.metadata = (r.pkt.metadata & ~ins.mask) | (ins.metadata & ins.mask);
      return true;
    },
    trace: (ins) => `write_metadata:0x${ins.metadata.toString(16)}/0x${ins.mask.toString(16)}`,
  },
  goto_table: {
    order: 5,
    check: (ins, c) =>
      ins.tableId <= c.tableId || ins.tableId >= c.ctx.nTables
        ? ofpError(OFPERR.OFPBIC_BAD_TABLE_ID, `goto_table ${ins.tableId} from table ${c.tableId}`)
        : undefined,
    run: (ins, r) => {
      r.next = ins.tableId;
      return true;
    },
    trace: (ins) => `goto_table:${ins.tableId}`,
  },
  experimenter: {
    order: 6,
    check: (ins) =>
      ofpError(
        OFPERR.OFPBIC_BAD_EXPERIMENTER,
        `experimenter instruction 0x${ins.experimenter.toString(16)}`,
      ),
    run: () => true,
    trace: (ins) => `experimenter(${hex(ins.experimenter)})`,
  },
};

export function instructionOps<K extends InstructionKind>(kind: K): InstructionOps<K> {
  return INSTRUCTION_OPS[kind];
}
