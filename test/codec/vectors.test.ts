/**
 * Golden vectors from two independent producers (see test/fixtures/vectors/README.md):
 * every os-ken OF1.3 packet and every Open vSwitch ofp-print record decodes as its
 * producer says, and re-encodes to the same bytes. The os-ken JSON is compared field by
 * field through an adapter (support/os-ken-shape.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  errorByName,
  errorName,
  errorReply,
  type Message,
  messageName,
} from '../../src/codec/index.js';
import { parseJsonBig } from './support/json-bigint.js';
import { osKenShape } from './support/os-ken-shape.js';
import { compareShape } from './support/shape-compare.js';

const DIR = fileURLToPath(new URL('../fixtures/vectors/', import.meta.url));
const OSKEN = `${DIR}os-ken-of13/`;
const ONF = 0x4f4e4600;

interface OsKenIndex {
  packet: string;
  json: string;
  msg_type: string;
  byte_length: number;
  xid: number;
  /** Set on the one entry that asks to decode only a prefix of the packet. */
  truncate_to?: number;
}

interface OvsPrintRecord {
  title: string;
  hex: string;
  expect: string;
  command: 'ofp-print' | 'encode-error-reply';
  msg_type: string;
  error_name?: string;
  request_hex?: string;
}

const jsonl = <T>(file: string): T[] =>
  readFileSync(`${DIR}${file}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** The README's `msg_type` naming: OFPT name, then /OFPMP_*, then /ONF/subtype=N. */
function msgTypeName(m: Message, code: number): string {
  const base = messageName(code)!;
  const exp = (experimenter: number, expType: number) =>
    `/${experimenter === ONF ? 'ONF' : `0x${experimenter.toString(16).padStart(8, '0')}`}/subtype=${expType}`;
  if (m.type === 'multipart_request' || m.type === 'multipart_reply') {
    const b = m.body;
    const mp = `${base}/OFPMP_${b.kind.toUpperCase()}`;
    return b.kind === 'experimenter' ? mp + exp(b.experimenter, b.expType) : mp;
  }
  if (m.type === 'experimenter') return base + exp(m.experimenter, m.expType);
  return base;
}

function decodeOk(bytes: Buffer): Message {
  const r = decodeMessage(bytes);
  if (!r.ok) throw new Error(`decode failed: ${errorName(r.error)} ${r.error.message}`);
  return r.value;
}

describe('os-ken OF1.3 vectors', () => {
  const index = jsonl<OsKenIndex>('os-ken-of13-index.jsonl');
  const packets = index.filter((e) => e.truncate_to === undefined);
  const truncated = index.filter((e) => e.truncate_to !== undefined);

  it('the index covers every .packet file in the folder, and only those', () => {
    const files = readdirSync(OSKEN).filter((f) => f.endsWith('.packet'));
    expect(packets.map((e) => e.packet.replace('os-ken-of13/', '')).sort()).toEqual(files.sort());
    expect(files.length).toBe(104);
  });

  it.each(packets.map((e) => [e.packet.replace('os-ken-of13/', ''), e] as const))(
    '%s decodes, re-encodes byte for byte and agrees with os-ken',
    (_name, entry) => {
      const bytes = readFileSync(`${DIR}${entry.packet}`);
      expect(bytes.length).toBe(entry.byte_length);
      const m = decodeOk(bytes);
      expect(m.xid).toBe(entry.xid);
      expect(msgTypeName(m, bytes[1]!)).toBe(entry.msg_type);
      expect(encodeMessage(m).equals(bytes)).toBe(true);
      const json = parseJsonBig(readFileSync(`${DIR}${entry.json}`, 'utf8'));
      expect(compareShape(osKenShape(m), json)).toEqual([]);
    },
  );

  it('the flow_mod cut at 64 bytes fails to decode, whatever its header claims', () => {
    expect(truncated.map((e) => e.truncate_to)).toEqual([64]);
    const entry = truncated[0]!;
    const cut = Buffer.from(readFileSync(`${DIR}${entry.packet}`).subarray(0, 64));
    // os-ken reads a partial flow_mod from it (OFPTruncatedMessage); we refuse it.
    const json = parseJsonBig(readFileSync(`${DIR}${entry.json}`, 'utf8')) as object;
    expect(Object.keys(json)).toEqual(['OFPTruncatedMessage']);
    // As cut, the header still says the full length: a framing-level BAD_LEN.
    const r1 = decodeMessage(cut);
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(errorName(r1.error)).toBe('OFPBRC_BAD_LEN');
    // With the header patched to 64, the match runs past the end: OFPBMC_BAD_LEN.
    cut.writeUInt16BE(64, 2);
    const r2 = decodeMessage(cut);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(errorName(r2.error)).toBe('OFPBMC_BAD_LEN');
  });
});

describe('the os-ken comparison itself', () => {
  // Proves the field-by-field check above is not vacuous: a decoded value that differs
  // from os-ken's, in a header field, an OXM value and a nested action, is reported.
  const load = (name: string) => ({
    m: decodeOk(readFileSync(`${OSKEN}${name}.packet`)),
    json: parseJsonBig(readFileSync(`${OSKEN}${name}.packet.json`, 'utf8')),
  });

  it('reports a changed field, OXM value and action port', () => {
    const { m, json } = load('4-12-ofp_flow_stats_reply');
    if (m.type !== 'multipart_reply' || m.body.kind !== 'flow') throw new Error('not flow stats');
    const [f0, f1, f2, ...rest] = m.body.flows;
    const changed: Message = {
      ...m,
      body: {
        kind: 'flow',
        flows: [
          { ...f0!, priority: f0!.priority - 1 },
          {
            ...f1!,
            instructions: [
              { type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] },
            ],
          },
          { ...f2!, match: f2!.match.map((e) => (e.field === 'in_port' ? { ...e, value: 7 } : e)) },
          ...rest,
        ],
      },
    };
    const diffs = compareShape(osKenShape(changed), json);
    expect(diffs.some((d) => d.includes('body[0].OFPFlowStats.priority'))).toBe(true);
    expect(diffs.some((d) => d.includes('OFPActionOutput.port'))).toBe(true);
    expect(diffs.some((d) => d.includes('oxm_fields[0].OXMTlv.value'))).toBe(true);
    expect(compareShape(osKenShape(m), json)).toEqual([]);
  });

  it('reports a key the adapter does not map, and a wrong class', () => {
    const { m, json } = load('4-22-ofp_port_mod');
    const extra = { OFPPortMod: { ...(json as { OFPPortMod: object }).OFPPortMod, bogus: 1 } };
    expect(compareShape(osKenShape(m), extra)).toEqual([
      '$.OFPPortMod.bogus: fixture has 1, adapter does not map it',
    ]);
    expect(compareShape(osKenShape(m), { OFPTableMod: {} })[0]).toContain('class OFPTableMod');
  });
});

describe('Open vSwitch ofp-print OF1.3 vectors', () => {
  const records = jsonl<OvsPrintRecord>('ovs-ofp-print-of13.jsonl');

  it('holds the 45 records the README lists', () => {
    expect(records.length).toBe(45);
  });

  const printRecords = records.filter((r) => r.command === 'ofp-print');
  it.each(printRecords.map((r, i) => [`${i} ${r.title}`, r] as const))('%s', (_t, rec) => {
    const bytes = Buffer.from(rec.hex, 'hex');
    const firstLine = rec.expect.split('\n')[0]!;
    const xid = /\(xid=0x([0-9a-f]+)\)/.exec(firstLine)?.[1];
    const decodeError = /\*\*\*decode error: (\w+)\*\*\*/.exec(rec.expect)?.[1];
    const r = decodeMessage(bytes);
    if (decodeError) {
      const want = errorByName(decodeError);
      expect(want, `${decodeError} is a known error name`).toBeDefined();
      expect(r.ok).toBe(false);
      if (!r.ok) expect({ ...r.error, message: '' }).toEqual({ ...want, message: '' });
      return;
    }
    const m = decodeOk(bytes);
    expect(m.xid).toBe(Number.parseInt(xid!, 16));
    expect(msgTypeName(m, bytes[1]!)).toBe(rec.msg_type);
    expect(encodeMessage(m).equals(bytes)).toBe(true);
  });

  it('decodes the ONF experimenter error OVS prints as OFPBIC_DUP_INST', () => {
    const rec = records.find((r) => r.title === 'decoding experimenter errors')!;
    const m = decodeOk(Buffer.from(rec.hex, 'hex'));
    expect(m.type).toBe('error');
    if (m.type !== 'error') return;
    const name = /OFPT_ERROR \(OF1\.3\) \(xid=0x\w+\): (\w+)/.exec(rec.expect)![1]!;
    expect(errorName({ type: m.errType, code: m.code, experimenter: m.experimenter })).toBe(name);
    // The data is the offending request: an OF1.3 HELLO that decodes in its own right.
    expect(decodeOk(Buffer.from(m.data)).type).toBe('hello');
  });

  it('encodes the error reply for a request the same way OVS does', () => {
    const rec = records.find((r) => r.command === 'encode-error-reply')!;
    const id = errorByName(rec.error_name!)!;
    const reply = errorReply(id, Buffer.from(rec.request_hex!, 'hex'));
    const bytes = encodeMessage(reply);
    expect(bytes.toString('hex')).toBe(rec.hex);
    // OVS's expect is its hex dump of those same bytes.
    const dumped = rec.expect
      .split('\n')
      .map((l) => l.slice(10, 58).replace(/[ -]/g, ''))
      .join('');
    expect(dumped).toBe(rec.hex);
  });
});
