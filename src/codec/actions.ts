/**
 * Actions (OpenFlow 1.3.5 section 7.2.5): every standard action plus experimenter
 * actions, which are kept as raw bytes so Open vSwitch's Nicira extensions round-trip.
 *
 * The wire faces of every kind stand together in ACTION_CODECS, one entry per kind
 * (as in Open vSwitch's lib/ofp-actions.c): its OFPAT_* code, its fixed length, and the
 * decode and encode of its body. The table's type is a mapped type over ActionKind, so a
 * kind without an entry does not compile. The text (src/text/actions-format.ts,
 * src/text/ofpact-actions.ts) and engine (src/engine/action-ops.ts) faces are tables
 * keyed by the same union; see docs/actions.md, "Adding an action".
 */
import { assertNever } from './assert.js';
import { badActionLen, fail, OFPERR } from './errors.js';
import { type OxmEntry, readOxm, writeOxm } from './match.js';
import { OXM_BY_CODE, OXM_CLASS_OPENFLOW_BASIC } from './oxm-fields.js';
import type { Reader } from './reader.js';
import { putU16, putU32, type Writer } from './writer.js';

export { assertNever };

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
/** The action of one kind, e.g. `ActionOf<'output'>`. */
export type ActionOf<K extends ActionKind> = Extract<Action, { readonly type: K }>;

/** The wire face of one action kind. */
export interface ActionCodec<K extends ActionKind> {
  /** OFPAT_* type code (OFPAT_EXPERIMENTER, 0xffff, for experimenter actions). */
  readonly code: number;
  /** The action's whole length when it is fixed (checked before decode runs). */
  readonly len: number | undefined;
  /** Reads the body: `r` stands after the 4-byte header and may read up to `end`. */
  decode(r: Reader, end: number): ActionOf<K>;
  /** Writes the body after the header; `start` is the action's first byte. */
  encode(w: Writer, a: ActionOf<K>, start: number): void;
}

export type ActionCodecs = { readonly [K in ActionKind]: ActionCodec<K> };

type BareKind = {
  [K in ActionKind]: Exclude<keyof ActionOf<K>, 'type'> extends never ? K : never;
}[ActionKind];
type EthertypeKind = 'push_vlan' | 'push_mpls' | 'pop_mpls' | 'push_pbb';
type TtlKind = 'set_mpls_ttl' | 'set_nw_ttl';

/** An action that is only its header and 4 bytes of padding. */
function bare<K extends BareKind>(type: K, code: number): ActionCodec<K> {
  const a = Object.freeze({ type }) as ActionOf<K>;
  return { code, len: 8, decode: () => a, encode: (w) => w.zeros(4) };
}

/** An action with an ethertype and 2 bytes of padding. */
function ethertype<K extends EthertypeKind>(type: K, code: number): ActionCodec<K> {
  return {
    code,
    len: 8,
    decode: (r) => ({ type, ethertype: r.u16() }) as ActionOf<K>,
    encode: (w, a: { readonly ethertype: number }) => {
      w.u16(a.ethertype);
      w.zeros(2);
    },
  };
}

/** An action with a TTL and 3 bytes of padding. */
function ttl<K extends TtlKind>(type: K, code: number): ActionCodec<K> {
  return {
    code,
    len: 8,
    decode: (r) => ({ type, ttl: r.u8() }) as ActionOf<K>,
    encode: (w, a: { readonly ttl: number }) => {
      w.u8(a.ttl);
      w.zeros(3);
    },
  };
}

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
    if (!info) fail(OFPERR.OFPBAC_BAD_SET_TYPE, `set_field of unknown OXM field ${oxmField}`);
    if (header & 0x100) fail(OFPERR.OFPBAC_BAD_SET_MASK, `set_field of ${info.name} has a mask`);
    if (oxmLen !== info.bytes) {
      fail(
        OFPERR.OFPBAC_BAD_SET_LEN,
        `set_field of ${info.name} has length ${oxmLen}, expected ${info.bytes}`,
      );
    }
  } else if (header & 0x100) {
    fail(
      OFPERR.OFPBAC_BAD_SET_MASK,
      `set_field of OXM class 0x${oxmClass.toString(16)} has a mask`,
    );
  }
  if (4 + oxmLen > a.remaining) {
    fail(OFPERR.OFPBAC_BAD_SET_LEN, `set_field OXM length ${oxmLen} runs past the action`);
  }
  const field = readOxm(a);
  if (a.remaining > 7) badActionLen(`set_field has ${a.remaining} bytes of padding`);
  for (let i = a.pos; i < a.end; i++) {
    if (a.buf[i] !== 0) fail(OFPERR.OFPBAC_BAD_SET_ARGUMENT, 'set_field padding is not zero');
  }
  return field;
}

/** Every action kind's wire face, by kind. */
export const ACTION_CODECS: ActionCodecs = {
  output: {
    code: 0,
    len: 16,
    decode: (r) => ({ type: 'output', port: r.u32(), maxLen: r.u16() }),
    encode: (w, a) => {
      w.u32(a.port);
      w.u16(a.maxLen);
      w.zeros(6);
    },
  },
  copy_ttl_out: bare('copy_ttl_out', 11),
  copy_ttl_in: bare('copy_ttl_in', 12),
  set_mpls_ttl: ttl('set_mpls_ttl', 15),
  dec_mpls_ttl: bare('dec_mpls_ttl', 16),
  push_vlan: ethertype('push_vlan', 17),
  pop_vlan: bare('pop_vlan', 18),
  push_mpls: ethertype('push_mpls', 19),
  pop_mpls: ethertype('pop_mpls', 20),
  set_queue: {
    code: 21,
    len: 8,
    decode: (r) => ({ type: 'set_queue', queueId: r.u32() }),
    encode: (w, a) => w.u32(a.queueId),
  },
  group: {
    code: 22,
    len: 8,
    decode: (r) => ({ type: 'group', groupId: r.u32() }),
    encode: (w, a) => w.u32(a.groupId),
  },
  set_nw_ttl: ttl('set_nw_ttl', 23),
  dec_nw_ttl: bare('dec_nw_ttl', 24),
  set_field: {
    code: 25,
    len: undefined,
    decode: (r, end) => ({
      type: 'set_field',
      field: readSetField(r.sub(end - r.pos, 'set_field', badActionLen)),
    }),
    encode: (w, a, start) => {
      writeOxm(w, a.field);
      w.padTo(start, 8);
    },
  },
  push_pbb: ethertype('push_pbb', 26),
  pop_pbb: bare('pop_pbb', 27),
  experimenter: {
    code: 0xffff,
    len: undefined,
    decode: (r, end) => {
      const experimenter = r.u32();
      return { type: 'experimenter', experimenter, data: r.bytes(end - r.pos) };
    },
    encode: (w, a, start) => {
      w.u32(a.experimenter);
      w.bytes(a.data);
      w.padTo(start, 8);
    },
  },
};

/** The codec of `kind`. */
export function actionCodec<K extends ActionKind>(kind: K): ActionCodec<K> {
  return ACTION_CODECS[kind];
}

/** Codecs by OFPAT_* code, built from the table (a dense array: one load per action). */
const BY_CODE: (ActionCodec<ActionKind> | undefined)[] = (() => {
  const out: (ActionCodec<ActionKind> | undefined)[] = new Array(28).fill(undefined);
  for (const c of Object.values(ACTION_CODECS) as ActionCodec<ActionKind>[]) {
    if (c.code < out.length) out[c.code] = c;
  }
  return out;
})();
const EXPERIMENTER_CODEC = ACTION_CODECS.experimenter as ActionCodec<ActionKind>;

function readAction(r: Reader): Action {
  r.need(4, 'action header');
  const type = r.u16();
  const len = r.u16();
  if (len < 8 || len % 8 !== 0) badActionLen(`action type ${type} has length ${len}`);
  if (len - 4 > r.remaining) badActionLen(`action type ${type} of ${len} bytes runs past the list`);
  // Every read below stays inside the action: fixed-size ones are checked first.
  const end = r.pos + len - 4;
  const c =
    type < BY_CODE.length ? BY_CODE[type] : type === 0xffff ? EXPERIMENTER_CODEC : undefined;
  if (!c) return fail(OFPERR.OFPBAC_BAD_TYPE, `unknown action type ${type}`);
  if (c.len !== undefined && len !== c.len) {
    badActionLen(`action type ${type} has length ${len}, expected ${c.len}`);
  }
  const a = c.decode(r, end);
  r.pos = end;
  return a;
}

export function readActions(r: Reader): Action[] {
  const out: Action[] = [];
  while (r.remaining > 0) out.push(readAction(r));
  return out;
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
  const c = actionCodec(a.type);
  const start = w.pos;
  w.u16(c.code);
  w.u16(0);
  c.encode(w, a, start);
  w.patchU16(start + 2, w.pos - start);
}

export function writeActions(w: Writer, actions: readonly Action[]): void {
  for (let i = 0; i < actions.length; i++) writeAction(w, actions[i]!);
}
