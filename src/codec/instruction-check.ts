/**
 * Semantic checks on a flow's instruction set that a switch performs on FLOW_MOD
 * (OpenFlow 1.3.5 section 5.9 and 7.2.4), which decoding does not apply: at most one
 * instruction of each type, goto_table only forward in the pipeline, and no experimenter
 * instruction the caller does not implement. Order does not matter: since 1.1 the
 * instruction set is executed in the spec's fixed order whatever the wire order.
 */
import { OFPERR, type OfpError, ofpError } from './errors.js';
import type { Instruction } from './instructions.js';

export interface InstructionCheckOptions {
  /** The table the flow goes into; goto_table must name a later one. */
  readonly tableId: number;
  /** Experimenter IDs whose instructions the caller implements (none by default). */
  readonly experimenters?: readonly number[];
}

/** Returns the first violation as the error a switch sends back, or undefined when valid. */
export function checkInstructions(
  list: readonly Instruction[],
  opts: InstructionCheckOptions,
): OfpError | undefined {
  const seen = new Set<Instruction['type']>();
  for (const ins of list) {
    if (seen.has(ins.type)) {
      return ofpError(OFPERR.OFPBIC_DUP_INST, `the instruction set holds ${ins.type} twice`);
    }
    seen.add(ins.type);
    if (ins.type === 'goto_table' && ins.tableId <= opts.tableId) {
      return ofpError(
        OFPERR.OFPBIC_BAD_TABLE_ID,
        `goto_table ${ins.tableId} from table ${opts.tableId} does not go forward`,
      );
    }
    if (ins.type === 'experimenter' && !opts.experimenters?.includes(ins.experimenter)) {
      return ofpError(
        OFPERR.OFPBIC_BAD_EXPERIMENTER,
        `experimenter instruction 0x${ins.experimenter.toString(16)} is not supported`,
      );
    }
  }
  return undefined;
}
