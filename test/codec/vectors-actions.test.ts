/**
 * Open vSwitch's action and instruction vectors (ovs-ofp-actions-of13.jsonl), each
 * wrapped in a FLOW_MOD: a bare action list as one apply-actions instruction, a bare
 * instruction list as the flow's instructions (in the record's table, else table 0).
 *
 * What OVS accepts must decode, pass checkInstructions and re-encode to the input bytes,
 * except where OVS itself rewrites the list (its ` N: xx -> yy` lines); each of those is
 * listed in REWRITES with what the codec does instead.
 * What OVS rejects must fail with the same error, from the check responsible:
 * - wire-format faults (lengths, unknown types, set_field type/length/mask) in
 *   decodeMessage;
 * - rules on the instruction set as a whole (one instruction per type, goto_table
 *   only forward, no unsupported experimenter instruction) in checkInstructions, which
 *   a switch applies to FLOW_MOD and a decoder of flow-stats replies must not.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkInstructions,
  decodeMessage,
  encodeMessage,
  errorByName,
  errorName,
} from '../../src/codec/index.js';

interface ActionRecord {
  kind: 'actions' | 'instructions';
  ofversion: string;
  hex: string;
  expect: string;
  ok: boolean;
  table_id?: number;
  comment?: string;
}

const FILE = fileURLToPath(
  new URL('../fixtures/vectors/ovs-ofp-actions-of13.jsonl', import.meta.url),
);
const records = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as ActionRecord);

/**
 * Records OVS accepts but re-encodes differently, by input hex: what our re-encoding
 * is ('ovs': the same bytes as OVS's; 'input': unchanged; else the hex), and why.
 */
const REWRITES: Record<string, { ours: 'ovs' | 'input' | string; why: string }> = {
  ffff001800002320002e00000001894f0004010501123456: {
    ours: 'input',
    why: 'OVS knows the NSH encap layout and zeroes its padding; the codec keeps experimenter bytes as they are',
  },
  '0004000800000001': {
    ours: '0004000800000000',
    why: 'both zero the padding; OVS also drops the empty Apply-Actions, a normalisation the codec does not make',
  },
  '0004000800000000': {
    ours: 'input',
    why: 'OVS drops an empty Apply-Actions; the codec keeps it',
  },
  '0003000800000001': {
    ours: '0003000800000000',
    why: 'both zero the padding; OVS also drops the empty Write-Actions',
  },
  '0003000800000000': {
    ours: 'input',
    why: 'OVS drops an empty Write-Actions; the codec keeps it',
  },
  '0001000801000001': { ours: 'ovs', why: 'goto_table padding is zeroed by both' },
  '0005000800000001': { ours: 'ovs', why: 'clear_actions padding is zeroed by both' },
  '0005000801000000': { ours: 'ovs', why: 'clear_actions padding is zeroed by both' },
  '0004002800000000ffff0020000023200016000000000000fedcba9876543210ffffffffffffffff': {
    ours: 'input',
    why: 'OVS turns the Nicira write_metadata action into the instruction; the codec keeps the experimenter action',
  },
  '00010008010000000002001800000000fedcba9876543210ffffffffffffffff': {
    ours: 'input',
    why: 'OVS writes instructions in the spec execution order; the order on the wire carries no meaning, the codec keeps it',
  },
};

/** Rejections that come from rules on the whole instruction set, not the wire format. */
const SET_RULES = new Set(['OFPBIC_DUP_INST', 'OFPBIC_BAD_TABLE_ID', 'OFPBIC_BAD_EXPERIMENTER']);

const EMPTY_MATCH = '0001000400000000';

/** A FLOW_MOD (xid 1, ADD, no buffer, any port/group) around the record's bytes. */
function flowMod(rec: ActionRecord): Buffer {
  const body =
    rec.kind === 'actions' ? `0004${hex16(8 + rec.hex.length / 2)}00000000${rec.hex}` : rec.hex;
  const fixed =
    `${'00'.repeat(16)}${hex8(rec.table_id ?? 0)}00` + // cookie, cookie_mask, table, ADD
    `000000008000ffffffffffffffffffffffff00000000`; // timeouts, priority, buffer, ports, flags
  const msg = `${fixed}${EMPTY_MATCH}${body}`;
  const len = 8 + msg.length / 2;
  return Buffer.from(`040e${hex16(len)}00000001${msg}`, 'hex');
}
const hex16 = (n: number) => n.toString(16).padStart(4, '0');
const hex8 = (n: number) => n.toString(16).padStart(2, '0');

/** The list's bytes inside our re-encoded FLOW_MOD. */
function listBytes(rec: ActionRecord, encoded: Buffer): string {
  const start = 8 + 40 + 8 + (rec.kind === 'actions' ? 8 : 0);
  return encoded.subarray(start).toString('hex');
}

/** OVS's re-encoding, from its ` N: xx -> yy` lines (undefined when it drops bytes). */
function ovsBytes(rec: ActionRecord): string | undefined {
  const out = Buffer.from(rec.hex, 'hex');
  for (const line of rec.expect.split('\n').slice(1)) {
    const m = /^\s*(\d+): ([0-9a-f]{2}) -> ([0-9a-f]{2}|\(none\))$/.exec(line);
    if (!m) continue;
    if (m[3] === '(none)') return undefined;
    out[Number(m[1])] = Number.parseInt(m[3]!, 16);
  }
  return out.toString('hex');
}

const rewrites = (rec: ActionRecord) => /\n\s*\d+: /.test(rec.expect);

describe('Open vSwitch action and instruction vectors, inside a FLOW_MOD', () => {
  it('holds the 35 records the README lists', () => {
    expect(records.length).toBe(35);
    expect(new Set(records.map((r) => `${r.ofversion}/${r.hex}/${r.table_id}`)).size).toBe(35);
  });

  it('lists a codec behaviour for exactly the records OVS rewrites', () => {
    const rewritten = records.filter((r) => r.ok && rewrites(r)).map((r) => r.hex);
    expect(rewritten.sort()).toEqual(Object.keys(REWRITES).sort());
  });

  const accepted = records.filter((r) => r.ok);
  it.each(accepted.map((r, i) => [`${i} ${r.kind} ${r.hex}`, r] as const))(
    'accepted %s: decodes, passes checkInstructions, re-encodes',
    (_name, rec) => {
      const bytes = flowMod(rec);
      const r = decodeMessage(bytes);
      if (!r.ok) throw new Error(`${errorName(r.error)}: ${r.error.message}`);
      const m = r.value;
      if (m.type !== 'flow_mod') throw new Error('not a flow_mod');
      expect(checkInstructions(m.instructions, { tableId: m.tableId })).toBeUndefined();
      const ours = listBytes(rec, encodeMessage(m));
      const rw = REWRITES[rec.hex];
      if (!rw) {
        expect(ours).toBe(rec.hex);
        return;
      }
      const want = rw.ours === 'input' ? rec.hex : rw.ours === 'ovs' ? ovsBytes(rec) : rw.ours;
      expect(ours, rw.why).toBe(want);
    },
  );

  const rejected = records.filter((r) => !r.ok);
  it.each(rejected.map((r, i) => [`${i} ${r.kind} ${r.hex}`, r] as const))(
    'rejected %s: fails with the error OVS gives',
    (_name, rec) => {
      const name = /^bad OpenFlow\d+ (?:actions|instructions): (\w+)$/m.exec(rec.expect)![1]!;
      const want = errorByName(name);
      expect(want, `${name} is a known error`).toBeDefined();
      const r = decodeMessage(flowMod(rec));
      if (SET_RULES.has(name)) {
        if (!r.ok) throw new Error(`${errorName(r.error)}: ${r.error.message}`);
        if (r.value.type !== 'flow_mod') throw new Error('not a flow_mod');
        const e = checkInstructions(r.value.instructions, { tableId: r.value.tableId });
        expect({ ...e, message: '' }).toEqual({ ...want, message: '' });
        return;
      }
      expect(r.ok).toBe(false);
      if (!r.ok) expect({ ...r.error, message: '' }).toEqual({ ...want, message: '' });
    },
  );
});
