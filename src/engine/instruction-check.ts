/**
 * What a switch checks in a FLOW_MOD's instruction set (OpenFlow 1.3.5 sections 5.9,
 * 6.4, 7.4.4): at most one instruction of each kind, then each instruction's own check
 * (its entry in INSTRUCTION_OPS) in execution order, the match's facts worked out only
 * when an action needs them (an output-only list never does).
 */
import { type Instruction, type Match, OFPERR, type OfpError, ofpError } from '../codec/index.js';
import { type CheckContext, type FlowFacts, factsOfMatch } from './action-facts.js';
import { type InstructionCheck, instructionOps } from './instruction-ops.js';

const order = (ins: Instruction): number => instructionOps(ins.type).order;

/** True when `list` is already in execution order (the usual case: no copy, no sort). */
function inOrder(list: readonly Instruction[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (order(list[i - 1]!) > order(list[i]!)) return false;
  }
  return true;
}

/** The instructions in execution order (section 5.9), whatever order they came in. */
export function executionOrder(list: readonly Instruction[]): readonly Instruction[] {
  return inOrder(list) ? list : [...list].sort((a, b) => order(a) - order(b));
}

/** Checks a FLOW_MOD's instructions for table `tableId` against its match. */
export function checkInstructions(
  list: readonly Instruction[],
  match: Match,
  tableId: number,
  ctx: CheckContext,
): OfpError | undefined {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    const ins = list[i]!;
    const bit = 1 << order(ins);
    if (seen & bit) {
      return ofpError(OFPERR.OFPBIC_UNSUP_INST, `instruction ${ins.type} appears twice`);
    }
    seen |= bit;
  }
  let facts: FlowFacts | undefined;
  const c: InstructionCheck = {
    tableId,
    ctx,
    facts: () => {
      facts ??= factsOfMatch(match);
      return facts;
    },
  };
  const ordered = executionOrder(list);
  for (let i = 0; i < ordered.length; i++) {
    const ins = ordered[i]!;
    const e = instructionOps(ins.type).check(ins, c);
    if (e) return e;
  }
  return undefined;
}
