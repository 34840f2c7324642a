/** Instructions (OpenFlow 1.3.5 section 7.2.4). */
import { type Action, assertNever, readActions, writeActions } from './actions.js';
import { badInstructionLen, fail } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export const InstructionType = {
  GOTO_TABLE: 1,
  WRITE_METADATA: 2,
  WRITE_ACTIONS: 3,
  APPLY_ACTIONS: 4,
  CLEAR_ACTIONS: 5,
  METER: 6,
  EXPERIMENTER: 0xffff,
} as const;

export type Instruction =
  | { readonly type: 'goto_table'; readonly tableId: number }
  | { readonly type: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: 'write_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'apply_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'clear_actions' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

export type InstructionKind = Instruction['type'];

const CODE: Readonly<Record<InstructionKind, number>> = {
  goto_table: 1,
  write_metadata: 2,
  write_actions: 3,
  apply_actions: 4,
  clear_actions: 5,
  meter: 6,
  experimenter: 0xffff,
};

export function instructionCode(kind: InstructionKind): number {
  return CODE[kind];
}

/** Fails with BAD_LEN unless a fixed-size instruction has its size. */
function expectLen(type: number, len: number, n: number): void {
  if (len !== n) badInstructionLen(`instruction type ${type} has length ${len}, expected ${n}`);
}

function readInstruction(r: Reader): Instruction {
  r.need(4, 'instruction header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) badInstructionLen(`instruction type ${type} has length ${len}`);
  if (len - 4 > r.remaining) {
    badInstructionLen(`instruction type ${type} of ${len} bytes runs past the list`);
  }
  // Every read below stays inside the instruction: fixed-size ones are checked first.
  const end = r.pos + len - 4;
  let ins: Instruction;
  switch (type) {
    case InstructionType.GOTO_TABLE:
      expectLen(type, len, 8);
      ins = { type: 'goto_table', tableId: r.u8() };
      break;
    case InstructionType.WRITE_METADATA:
      expectLen(type, len, 24);
      r.skip(4);
      ins = { type: 'write_metadata', metadata: r.u64(), mask: r.u64() };
      break;
    case InstructionType.WRITE_ACTIONS:
    case InstructionType.APPLY_ACTIONS: {
      r.skip(4);
      const actions = readActions(r.sub(len - 8, 'instruction actions', badInstructionLen));
      ins =
        type === InstructionType.WRITE_ACTIONS
          ? { type: 'write_actions', actions }
          : { type: 'apply_actions', actions };
      break;
    }
    case InstructionType.CLEAR_ACTIONS:
      expectLen(type, len, 8);
      ins = { type: 'clear_actions' };
      break;
    case InstructionType.METER:
      expectLen(type, len, 8);
      ins = { type: 'meter', meterId: r.u32() };
      break;
    case InstructionType.EXPERIMENTER: {
      const experimenter = r.u32();
      ins = { type: 'experimenter', experimenter, data: r.bytes(end - r.pos) };
      break;
    }
    default:
      return fail(3, 0, `unknown instruction type ${type}`);
  }
  r.pos = end;
  return ins;
}

export function readInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.remaining > 0) out.push(readInstruction(r));
  return out;
}

export function writeInstruction(w: Writer, ins: Instruction): void {
  const start = w.pos;
  w.u16(CODE[ins.type]);
  w.u16(0);
  switch (ins.type) {
    case 'goto_table':
      w.u8(ins.tableId);
      w.zeros(3);
      break;
    case 'write_metadata':
      w.zeros(4);
      w.u64(ins.metadata);
      w.u64(ins.mask);
      break;
    case 'write_actions':
    case 'apply_actions':
      w.zeros(4);
      writeActions(w, ins.actions);
      break;
    case 'clear_actions':
      w.zeros(4);
      break;
    case 'meter':
      w.u32(ins.meterId);
      break;
    case 'experimenter':
      w.u32(ins.experimenter);
      w.bytes(ins.data);
      w.padTo(start, 8);
      break;
    default:
      assertNever(ins);
  }
  w.patchU16(start + 2, w.pos - start);
}

export function writeInstructions(w: Writer, list: readonly Instruction[]): void {
  for (let i = 0; i < list.length; i++) writeInstruction(w, list[i]!);
}
