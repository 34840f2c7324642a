/**
 * Instructions (OpenFlow 1.3.5 section 7.2.4). As for actions, the wire faces of every
 * kind stand together in INSTRUCTION_CODECS, a mapped type over InstructionKind (a kind
 * without an entry does not compile); the text and engine faces are tables keyed by the
 * same union (src/text/actions-format.ts, src/text/ofpact-instructions.ts,
 * src/engine/instruction-ops.ts); see docs/actions.md.
 */
import { type Action, readActions, writeActions } from './actions.js';
import { badInstructionLen, fail, OFPERR } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export type Instruction =
  | { readonly type: 'goto_table'; readonly tableId: number }
  | { readonly type: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly type: 'write_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'apply_actions'; readonly actions: readonly Action[] }
  | { readonly type: 'clear_actions' }
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

export type InstructionKind = Instruction['type'];
export type InstructionOf<K extends InstructionKind> = Extract<Instruction, { readonly type: K }>;

/** The wire face of one instruction kind. */
export interface InstructionCodec<K extends InstructionKind> {
  /** OFPIT_* type code. */
  readonly code: number;
  /** The instruction's whole length when it is fixed (checked before decode runs). */
  readonly len: number | undefined;
  /** Reads the body: `r` stands after the 4-byte header and may read up to `end`. */
  decode(r: Reader, end: number): InstructionOf<K>;
  /** Writes the body after the header; `start` is the instruction's first byte. */
  encode(w: Writer, ins: InstructionOf<K>, start: number): void;
}

export type InstructionCodecs = { readonly [K in InstructionKind]: InstructionCodec<K> };

function actionList<K extends 'write_actions' | 'apply_actions'>(
  type: K,
  code: number,
): InstructionCodec<K> {
  return {
    code,
    len: undefined,
    decode: (r, end) => {
      r.skip(4);
      const actions = readActions(r.sub(end - r.pos, 'instruction actions', badInstructionLen));
      return { type, actions } as InstructionOf<K>;
    },
    encode: (w, ins: { readonly actions: readonly Action[] }) => {
      w.zeros(4);
      writeActions(w, ins.actions);
    },
  };
}

/** Every instruction kind's wire face, by kind. */
export const INSTRUCTION_CODECS: InstructionCodecs = {
  goto_table: {
    code: 1,
    len: 8,
    decode: (r) => ({ type: 'goto_table', tableId: r.u8() }),
    encode: (w, ins) => {
      w.u8(ins.tableId);
      w.zeros(3);
    },
  },
  write_metadata: {
    code: 2,
    len: 24,
    decode: (r) => {
      r.skip(4);
      return { type: 'write_metadata', metadata: r.u64(), mask: r.u64() };
    },
    encode: (w, ins) => {
      w.zeros(4);
      w.u64(ins.metadata);
      w.u64(ins.mask);
    },
  },
  write_actions: actionList('write_actions', 3),
  apply_actions: actionList('apply_actions', 4),
  clear_actions: {
    code: 5,
    len: 8,
    decode: () => ({ type: 'clear_actions' }),
    encode: (w) => w.zeros(4),
  },
  meter: {
    code: 6,
    len: 8,
    decode: (r) => ({ type: 'meter', meterId: r.u32() }),
    encode: (w, ins) => w.u32(ins.meterId),
  },
  experimenter: {
    code: 0xffff,
    len: undefined,
    decode: (r, end) => {
      const experimenter = r.u32();
      return { type: 'experimenter', experimenter, data: r.bytes(end - r.pos) };
    },
    encode: (w, ins, start) => {
      w.u32(ins.experimenter);
      w.bytes(ins.data);
      w.padTo(start, 8);
    },
  },
};

export function instructionCodec<K extends InstructionKind>(kind: K): InstructionCodec<K> {
  return INSTRUCTION_CODECS[kind];
}

const BY_CODE: ReadonlyMap<number, InstructionCodec<InstructionKind>> = new Map(
  (Object.values(INSTRUCTION_CODECS) as InstructionCodec<InstructionKind>[]).map((c) => [
    c.code,
    c,
  ]),
);

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
  const c = BY_CODE.get(type);
  if (!c) return fail(OFPERR.OFPBIC_UNKNOWN_INST, `unknown instruction type ${type}`);
  if (c.len !== undefined && len !== c.len) {
    badInstructionLen(`instruction type ${type} has length ${len}, expected ${c.len}`);
  }
  const ins = c.decode(r, end);
  r.pos = end;
  return ins;
}

export function readInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.remaining > 0) out.push(readInstruction(r));
  return out;
}

export function writeInstruction(w: Writer, ins: Instruction): void {
  const c = instructionCodec(ins.type);
  const start = w.pos;
  w.u16(c.code);
  w.u16(0);
  c.encode(w, ins, start);
  w.patchU16(start + 2, w.pos - start);
}

export function writeInstructions(w: Writer, list: readonly Instruction[]): void {
  for (let i = 0; i < list.length; i++) writeInstruction(w, list[i]!);
}
