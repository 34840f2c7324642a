/**
 * Actions (OpenFlow 1.3.5 section 7.2.5): every standard action plus experimenter
 * actions, which are kept as raw bytes so Open vSwitch's Nicira extensions round-trip.
 */
import { badActionLen, fail, failOnf } from './errors.js';
import { type OxmEntry, readOxm, writeOxm } from './match.js';
import { OXM_BY_CODE, OXM_CLASS_OPENFLOW_BASIC } from './oxm-fields.js';
import type { Reader } from './reader.js';
import { putU16, putU32, type Writer } from './writer.js';

export const ActionType = {
  OUTPUT: 0,
  COPY_TTL_OUT: 11,
  COPY_TTL_IN: 12,
  SET_MPLS_TTL: 15,
  DEC_MPLS_TTL: 16,
  PUSH_VLAN: 17,
  POP_VLAN: 18,
  PUSH_MPLS: 19,
  POP_MPLS: 20,
  SET_QUEUE: 21,
  GROUP: 22,
  SET_NW_TTL: 23,
  DEC_NW_TTL: 24,
  SET_FIELD: 25,
  PUSH_PBB: 26,
  POP_PBB: 27,
  EXPERIMENTER: 0xffff,
} as const;

/** Reserved port numbers (section 7.2.1). */
export const OFPP = {
  MAX: 0xffffff00,
  IN_PORT: 0xfffffff8,
  TABLE: 0xfffffff9,
  NORMAL: 0xfffffffa,
  FLOOD: 0xfffffffb,
  ALL: 0xfffffffc,
  CONTROLLER: 0xfffffffd,
  LOCAL: 0xfffffffe,
  ANY: 0xffffffff,
} as const;
export const OFPCML_NO_BUFFER = 0xffff;

export type Action =
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'copy_ttl_out' }
  | { readonly type: 'copy_ttl_in' }
  | { readonly type: 'set_mpls_ttl'; readonly ttl: number }
  | { readonly type: 'dec_mpls_ttl' }
  | { readonly type: 'push_vlan'; readonly ethertype: number }
  | { readonly type: 'pop_vlan' }
  | { readonly type: 'push_mpls'; readonly ethertype: number }
  | { readonly type: 'pop_mpls'; readonly ethertype: number }
  | { readonly type: 'set_queue'; readonly queueId: number }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'set_nw_ttl'; readonly ttl: number }
  | { readonly type: 'dec_nw_ttl' }
  | { readonly type: 'set_field'; readonly field: OxmEntry }
  | { readonly type: 'push_pbb'; readonly ethertype: number }
  | { readonly type: 'pop_pbb' }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array };

export type ActionKind = Action['type'];

const BARE: Readonly<Record<number, ActionKind>> = {
  11: 'copy_ttl_out',
  12: 'copy_ttl_in',
  16: 'dec_mpls_ttl',
  18: 'pop_vlan',
  24: 'dec_nw_ttl',
  27: 'pop_pbb',
};
const ETHERTYPE: Readonly<Record<number, 'push_vlan' | 'push_mpls' | 'pop_mpls' | 'push_pbb'>> = {
  17: 'push_vlan',
  19: 'push_mpls',
  20: 'pop_mpls',
  26: 'push_pbb',
};

/**
 * The OXM TLV of a set_field (section 7.2.5). Its faults are action errors, not match
 * errors: an unknown basic field is BAD_SET_TYPE, a wrong TLV length BAD_SET_LEN, a mask
 * (not allowed before OpenFlow 1.5) the ONF error BAD_SET_MASK, non-zero padding
 * BAD_SET_ARGUMENT, as Open vSwitch answers. Fields of other classes stay raw.
 */
function readSetField(a: Reader): OxmEntry {
  const header = a.buf.readUInt32BE(a.pos);
  const oxmClass = header >>> 16;
  const oxmField = (header >>> 9) & 0x7f;
  const oxmLen = header & 0xff;
  if (oxmClass === OXM_CLASS_OPENFLOW_BASIC) {
    const info = OXM_BY_CODE[oxmField];
    if (!info) fail(2, 13, `set_field of unknown OXM field ${oxmField}`);
    if (header & 0x100) failOnf('OFPBAC_BAD_SET_MASK', `set_field of ${info.name} has a mask`);
    if (oxmLen !== info.bytes) {
      fail(2, 14, `set_field of ${info.name} has length ${oxmLen}, expected ${info.bytes}`);
    }
  } else if (header & 0x100) {
    failOnf('OFPBAC_BAD_SET_MASK', `set_field of OXM class 0x${oxmClass.toString(16)} has a mask`);
  }
  if (4 + oxmLen > a.remaining) fail(2, 14, `set_field OXM length ${oxmLen} runs past the action`);
  const field = readOxm(a);
  if (a.remaining > 7) badActionLen(`set_field has ${a.remaining} bytes of padding`);
  for (let i = a.pos; i < a.end; i++) {
    if (a.buf[i] !== 0) fail(2, 15, 'set_field padding is not zero');
  }
  return field;
}

/** Fails with BAD_LEN unless a fixed-size action has its size. */
function expectLen(type: number, len: number, n: number): void {
  if (len !== n) badActionLen(`action type ${type} has length ${len}, expected ${n}`);
}

function readAction(r: Reader): Action {
  r.need(4, 'action header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) badActionLen(`action type ${type} has length ${len}`);
  if (len - 4 > r.remaining) badActionLen(`action type ${type} of ${len} bytes runs past the list`);
  // Every read below stays inside the action: fixed-size ones are checked first.
  const end = r.pos + len - 4;
  let a: Action;
  const bare = BARE[type];
  const eth = ETHERTYPE[type];
  if (bare) {
    expectLen(type, len, 8);
    a = { type: bare } as Action;
  } else if (eth) {
    expectLen(type, len, 8);
    a = { type: eth, ethertype: r.u16() };
  } else {
    switch (type) {
      case ActionType.OUTPUT:
        expectLen(type, len, 16);
        a = { type: 'output', port: r.u32(), maxLen: r.u16() };
        break;
      case ActionType.SET_MPLS_TTL:
        expectLen(type, len, 8);
        a = { type: 'set_mpls_ttl', ttl: r.u8() };
        break;
      case ActionType.SET_NW_TTL:
        expectLen(type, len, 8);
        a = { type: 'set_nw_ttl', ttl: r.u8() };
        break;
      case ActionType.SET_QUEUE:
        expectLen(type, len, 8);
        a = { type: 'set_queue', queueId: r.u32() };
        break;
      case ActionType.GROUP:
        expectLen(type, len, 8);
        a = { type: 'group', groupId: r.u32() };
        break;
      case ActionType.SET_FIELD:
        a = { type: 'set_field', field: readSetField(r.sub(len - 4, 'set_field', badActionLen)) };
        break;
      case ActionType.EXPERIMENTER: {
        const experimenter = r.u32();
        a = { type: 'experimenter', experimenter, data: r.bytes(end - r.pos) };
        break;
      }
      default:
        return fail(2, 0, `unknown action type ${type}`);
    }
  }
  r.pos = end;
  return a;
}

export function readActions(r: Reader): Action[] {
  const out: Action[] = [];
  while (r.remaining > 0) out.push(readAction(r));
  return out;
}

const CODE: Readonly<Record<ActionKind, number>> = {
  output: 0,
  copy_ttl_out: 11,
  copy_ttl_in: 12,
  set_mpls_ttl: 15,
  dec_mpls_ttl: 16,
  push_vlan: 17,
  pop_vlan: 18,
  push_mpls: 19,
  pop_mpls: 20,
  set_queue: 21,
  group: 22,
  set_nw_ttl: 23,
  dec_nw_ttl: 24,
  set_field: 25,
  push_pbb: 26,
  pop_pbb: 27,
  experimenter: 0xffff,
};

export function actionCode(kind: ActionKind): number {
  return CODE[kind];
}

export function writeAction(w: Writer, a: Action): void {
  if (a.type === 'output') {
    // The action almost every flow and packet-out carries: one bounds check.
    w.ensure(16);
    const b = w.buf;
    const p = w.pos;
    b[p] = 0;
    b[p + 1] = 0;
    b[p + 2] = 0;
    b[p + 3] = 16;
    putU32(b, p + 4, a.port);
    putU16(b, p + 8, a.maxLen);
    for (let i = p + 10; i < p + 16; i++) b[i] = 0;
    w.pos = p + 16;
    return;
  }
  const start = w.pos;
  w.u16(CODE[a.type]);
  w.u16(0);
  switch (a.type) {
    case 'copy_ttl_out':
    case 'copy_ttl_in':
    case 'dec_mpls_ttl':
    case 'pop_vlan':
    case 'dec_nw_ttl':
    case 'pop_pbb':
      w.zeros(4);
      break;
    case 'set_mpls_ttl':
    case 'set_nw_ttl':
      w.u8(a.ttl);
      w.zeros(3);
      break;
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      w.u16(a.ethertype);
      w.zeros(2);
      break;
    case 'set_queue':
      w.u32(a.queueId);
      break;
    case 'group':
      w.u32(a.groupId);
      break;
    case 'set_field':
      writeOxm(w, a.field);
      w.padTo(start, 8);
      break;
    case 'experimenter':
      w.u32(a.experimenter);
      w.bytes(a.data);
      w.padTo(start, 8);
      break;
    default:
      assertNever(a);
  }
  w.patchU16(start + 2, w.pos - start);
}

export function writeActions(w: Writer, actions: readonly Action[]): void {
  for (let i = 0; i < actions.length; i++) writeAction(w, actions[i]!);
}

export function assertNever(x: never): never {
  throw new TypeError(`unexpected value ${JSON.stringify(x)}`);
}
