/**
 * readPacketIn (the controller's in-place PACKET_IN reader) against decodeMessage, the
 * reference: whatever it accepts must decode to the same message field by field, and
 * whatever decodeMessage rejects it must refuse (so the caller's fallback answers with
 * the same error). Checked on OVS's PACKET_IN vectors, on random packet-ins, and on
 * random corruptions of them; plus the common shapes it must take on the fast path.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  matchGet,
  type PacketIn,
  PacketInView,
  packetInPort,
  readPacketIn,
} from '../../src/codec/index.js';
import { MESSAGES } from './arbitraries.js';

const plain = (m: PacketIn) => ({
  type: m.type,
  xid: m.xid,
  bufferId: m.bufferId,
  totalLen: m.totalLen,
  reason: m.reason,
  tableId: m.tableId,
  cookie: m.cookie,
  match: m.match,
  data: Buffer.from(m.data),
});

/** The view must agree with decodeMessage, or be refused. Returns whether it was accepted. */
function agree(buf: Buffer): boolean {
  const view = readPacketIn(buf, 0, buf.length);
  const ref = decodeMessage(buf);
  if (view === undefined) return false;
  expect(ref.ok).toBe(true);
  if (!ref.ok || ref.value.type !== 'packet_in') throw new Error('reference is not a PACKET_IN');
  expect(plain(view)).toEqual(plain(ref.value));
  expect(view.inPort).toBe(matchGet(ref.value.match, 'in_port')?.value);
  return true;
}

const common = (inPort: number, cookie: bigint): PacketIn => ({
  type: 'packet_in',
  xid: 0x01020304,
  bufferId: 0xffffffff,
  totalLen: 60,
  reason: 1,
  tableId: 7,
  cookie,
  match: [{ field: 'in_port', value: inPort }],
  data: Buffer.alloc(60, 0xab),
});

describe('readPacketIn', () => {
  test('takes the common packet-in (in_port only, any cookie) and reads it exactly', () => {
    for (const cookie of [0n, 0xffff_ffff_ffff_ffffn, 0x4c32_0000_0000_0000n, 0x1_0000_0000n]) {
      const buf = encodeMessage(common(0xfffffffe, cookie));
      expect(agree(buf)).toBe(true);
      const v = readPacketIn(buf, 0, buf.length)!;
      expect(v.inPort).toBe(0xfffffffe);
      expect(v.cookie).toBe(cookie);
      expect(packetInPort(v)).toBe(0xfffffffe);
    }
  });

  test('reads a packet-in in the middle of a larger buffer', () => {
    const one = encodeMessage(common(3, 5n));
    const buf = Buffer.concat([Buffer.alloc(13, 0xee), one, Buffer.alloc(9, 0xdd)]);
    const v = readPacketIn(buf, 13, 13 + one.length)!;
    expect(v).toBeInstanceOf(PacketInView);
    expect(plain(v)).toEqual(plain(common(3, 5n)));
  });

  test("OVS's PACKET_IN vectors", () => {
    const lines = readFileSync('test/fixtures/vectors/ovs-ofp-print-of13.jsonl', 'utf8')
      .split('\n')
      .filter((l) => l.includes('OFPT_PACKET_IN'))
      .map((l) => JSON.parse(l) as { hex: string });
    expect(lines.length).toBeGreaterThan(0);
    for (const { hex } of lines) expect(agree(Buffer.from(hex, 'hex'))).toBe(true);
  });

  test('random packet-ins: accepted ones decode the same, masked/raw fields included', () => {
    let accepted = 0;
    fc.assert(
      fc.property(MESSAGES.packet_in, (m) => {
        if (agree(encodeMessage(m))) accepted++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  test('random corruptions: never accepted where decodeMessage fails, equal where both accept', () => {
    const corrupt = fc
      .tuple(
        MESSAGES.packet_in,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(fc.nat(), { nil: undefined }),
      )
      .map(([m, edits, cut]) => {
        const buf = Buffer.from(encodeMessage(m));
        // Edits land in the header and match most of the time: that is where the checks are.
        for (const [at, v] of edits) buf[at % Math.min(buf.length, 64)] = v;
        return cut === undefined ? buf : buf.subarray(0, cut % (buf.length + 1));
      });
    fc.assert(
      fc.property(corrupt, (buf) => {
        agree(buf);
      }),
      { numRuns: 5000 },
    );
  });

  test('refuses what decodeMessage rejects: duplicate, masked, cut-off and overlong fields', () => {
    const inPort = (v: number) => Buffer.from(`80000004${v.toString(16).padStart(8, '0')}`, 'hex');
    const cases: [string, Buffer, number?][] = [
      ['in_port twice', Buffer.concat([inPort(1), inPort(2)])],
      ['masked in_port', Buffer.from('80000108000000010000ffff', 'hex')],
      ['half a TLV header', Buffer.from('8000', 'hex')],
      ['TLV longer than the match', Buffer.from('80000008000000010000', 'hex'), 14],
      ['eth_dst of 4 bytes', Buffer.from('8000060400000001', 'hex')],
    ];
    for (const [what, tlvs, matchLen = 4 + tlvs.length] of cases) {
      const match = Buffer.alloc((4 + tlvs.length + 7) & ~7);
      match.writeUInt16BE(1, 0);
      match.writeUInt16BE(matchLen, 2);
      tlvs.copy(match, 4);
      const body = Buffer.concat([
        Buffer.alloc(16, 0xff),
        match,
        Buffer.alloc(2),
        Buffer.alloc(20),
      ]);
      const buf = Buffer.concat([Buffer.from([4, 10, 0, 0, 0, 0, 0, 1]), body]);
      buf.writeUInt16BE(buf.length, 2);
      expect(decodeMessage(buf).ok, what).toBe(false);
      expect(readPacketIn(buf, 0, buf.length), what).toBeUndefined();
    }
  });

  test('packetInPort reads a plain PacketIn from its match', () => {
    expect(packetInPort(common(9, 0n))).toBe(9);
    expect(packetInPort({ ...common(9, 0n), match: [] })).toBeUndefined();
  });
});
