/**
 * The text faces of the instructions ovs-ofctl parses (meter, clear_actions,
 * write_actions, write_metadata, goto_table; apply_actions is the default and has no
 * keyword): keywords, parse, ofpacts_check, and the encoding as an OpenFlow 1.3
 * instruction. A mapped type over the kinds, like OFPACT_ACTIONS for actions.
 */
import { OFPM_MAX } from '../codec/index.js';
import type { InstructionOfpactFaces, InstructionOfpactKind } from './ofpact.js';
import { fail, parseNumeric } from './values.js';

type InstructionOfpactTable = { readonly [K in InstructionOfpactKind]: InstructionOfpactFaces<K> };

function invalid(code: string): never {
  return fail(`actions are invalid with specified match (${code})`);
}

/** ofputil_table_from_string: a table number 0-255. */
export function parseTable(s: string, warn?: (w: string) => void): number {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n <= 255) return n;
    warn?.(`table ${s} is outside the supported range 0 through 255`);
  }
  return fail(`unknown table "${s}"`);
}

/** Every instruction ofpact's text faces, by kind. */
export const OFPACT_INSTRUCTIONS: InstructionOfpactTable = {
  meter: {
    names: ['meter'],
    parse: (value) => ({ k: 'meter', id: Number(parseNumeric(value, 32)) }),
    check: (a) => {
      if (a.id === 0 || a.id > OFPM_MAX) invalid('OFPMMFC_INVALID_METER');
    },
    encode: (a) => ({ type: 'meter', meterId: a.id }),
  },
  clear_actions: {
    names: ['clear_actions'],
    parse: () => ({ k: 'clear_actions' }),
    check: () => undefined,
    encode: () => ({ type: 'clear_actions' }),
  },
  write_actions: {
    names: ['write_actions'],
    parse: (value, ctx, parseList) => ({
      k: 'write_actions',
      actions: parseList(value, ctx, true),
    }),
    check: (a, flow, tableId, checkList) => {
      // The write-actions do not change the packet the later instructions see.
      const saved = { dl: flow.v.dl_type, tci: flow.v.vlan_tci, proto: flow.v.nw_proto };
      const inner = flow.innerVlanTci;
      checkList(a.actions, flow, tableId);
      flow.v.dl_type = saved.dl;
      flow.v.vlan_tci = saved.tci;
      flow.v.nw_proto = saved.proto;
      flow.innerVlanTci = inner;
    },
    encode: (a, encodeList) => ({ type: 'write_actions', actions: encodeList(a.actions) }),
  },
  write_metadata: {
    names: ['write_metadata'],
    parse: (value) => {
      const slash = value.indexOf('/');
      const metadata = parseNumeric(slash < 0 ? value : value.slice(0, slash), 64);
      const mask = slash < 0 ? (1n << 64n) - 1n : parseNumeric(value.slice(slash + 1), 64);
      return { k: 'write_metadata', metadata, mask };
    },
    check: () => undefined,
    encode: (a) => ({ type: 'write_metadata', metadata: a.metadata, mask: a.mask }),
  },
  goto_table: {
    names: ['goto_table'],
    parse: (value, ctx) => ({ k: 'goto_table', table: parseTable(value, ctx.warn) }),
    check: (a, _flow, tableId) => {
      if (tableId !== 255 && a.table <= tableId) invalid('OFPBIC_BAD_TABLE_ID');
    },
    encode: (a) => ({ type: 'goto_table', tableId: a.table }),
  },
};

export function instructionOfpactFaces<K extends InstructionOfpactKind>(
  k: K,
): InstructionOfpactFaces<K> {
  return OFPACT_INSTRUCTIONS[k];
}
