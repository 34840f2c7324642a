/**
 * The consistency check ovs-ofctl runs on parsed actions against the flow's match
 * (ofpacts_check), tracking what earlier actions did to the packet, and the encoding of
 * the checked ofpacts into OpenFlow 1.3 actions and instructions: each ofpact's check
 * and encode are its entry in OFPACT_ACTIONS or OFPACT_INSTRUCTIONS.
 */
import type { Action, Instruction } from '../codec/index.js';
import { isInstructionOfpact, type Ofpact } from './ofpact.js';
import { ofpactFaces } from './ofpact-actions.js';
import { instructionOfpactFaces } from './ofpact-instructions.js';
import type { OvsMatch } from './ovs-match.js';

/**
 * ofpacts_check for OpenFlow 1.3: throws ovs-ofctl's "actions are invalid with specified
 * match (...)" and records in the ofpacts what encoding needs. `tableId` 255 means "not
 * given". `flow` is a scratch copy of the match, changed as the actions would change the
 * packet.
 */
export function checkOfpacts(list: readonly Ofpact[], flow: OvsMatch, tableId: number): void {
  for (const a of list) {
    if (isInstructionOfpact(a)) instructionOfpactFaces(a.k).check(a, flow, tableId, checkOfpacts);
    else ofpactFaces(a.k).check(a, flow, tableId);
  }
}

/** Action ofpacts as OpenFlow 1.3 actions (some become two). */
export function encodeActions(list: readonly Ofpact[]): Action[] {
  const out: Action[] = [];
  for (const a of list) {
    if (isInstructionOfpact(a)) throw new TypeError(`${a.k} is an instruction, not an action`);
    ofpactFaces(a.k).encode(a, out);
  }
  return out;
}

/**
 * ofpacts_put_openflow_instructions: runs of actions become one apply_actions, the
 * instructions keep their (already checked) order.
 */
export function encodeInstructions(list: readonly Ofpact[]): Instruction[] {
  const out: Instruction[] = [];
  let apply: Action[] | undefined;
  for (const a of list) {
    if (isInstructionOfpact(a)) {
      out.push(instructionOfpactFaces(a.k).encode(a, encodeActions));
      apply = undefined;
      continue;
    }
    if (!apply) {
      apply = [];
      out.push({ type: 'apply_actions', actions: apply });
    }
    ofpactFaces(a.k).encode(a, apply);
  }
  return out;
}
