/** The flow key layout: every OXM field round-trips through its words; matches convert with their masks. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OXM_FIELDS, type OxmName } from '../../src/codec/index.js';
import {
  isFlowMatch,
  KEY_FIELDS,
  KEY_WORDS,
  readKeyField,
  toFlowMatch,
  W,
  writeKeyField,
} from '../../src/engine/flow-key.js';

describe('flow key', () => {
  test('every field reads back what was written, without touching other fields', () => {
    for (const f of OXM_FIELDS) {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << BigInt(f.bits)) - 1n }), (v) => {
          const key = new Uint32Array(KEY_WORDS).fill(0xa5a5a5a5);
          const before = key.slice();
          const value = f.big ? v : Number(v);
          writeKeyField(key, f.name, value);
          expect(readKeyField(key, f.name)).toBe(value);
          const touched = new Set(KEY_FIELDS.get(f.name)!.parts.map((p) => p.word));
          for (let i = 0; i < KEY_WORDS; i++) if (!touched.has(i)) expect(key[i]).toBe(before[i]);
        }),
        { numRuns: 50 },
      );
    }
  });

  test('only fields that can never appear together share bits (L4 source/type, destination/code)', () => {
    const groups: OxmName[][] = [
      ['tcp_src', 'udp_src', 'sctp_src', 'icmpv4_type', 'icmpv6_type'],
      ['tcp_dst', 'udp_dst', 'sctp_dst', 'icmpv4_code', 'icmpv6_code'],
    ];
    const owner = new Map<string, OxmName>();
    for (const f of OXM_FIELDS) {
      for (const p of KEY_FIELDS.get(f.name)!.parts) {
        for (let b = p.shift; b < p.shift + p.bits; b++) {
          const bit = `${p.word}:${b}`;
          const other = owner.get(bit);
          if (other) {
            const ok = groups.some((g) => g.includes(other) && g.includes(f.name));
            expect(ok, `${other} and ${f.name} share bit ${bit}`).toBe(true);
          }
          owner.set(bit, f.name);
        }
      }
    }
  });

  test('toFlowMatch masks values and sets mask words', () => {
    const m = toFlowMatch([
      { field: 'eth_type', value: 0x0800 },
      { field: 'ipv4_src', value: 0x0a0b0c0d, mask: 0xffff0000 },
      { field: 'eth_dst', value: 0x0102030405, mask: 0xff00000000ff },
      { field: 'vlan_vid', value: 0x1000, mask: 0x1000 },
    ]);
    expect(isFlowMatch(m)).toBe(true);
    if (!isFlowMatch(m)) return;
    expect(m.value[W.NW_SRC]).toBe(0x0a0b0000);
    expect(m.mask[W.NW_SRC]).toBe(0xffff0000);
    expect(m.mask[W.L2]).toBe(((0xffff << 16) | (0x1000 << 3)) >>> 0);
    expect(m.value[W.DL_DST]).toBe(0x05);
    expect(m.mask[W.DL_HI]! >>> 16).toBe(0xff00);
  });

  test('two fields on the same bits are refused', () => {
    const m = toFlowMatch([
      { field: 'tcp_src', value: 1 },
      { field: 'udp_src', value: 2 },
    ]);
    expect(isFlowMatch(m) ? undefined : [m.type, m.code]).toEqual([4, 9]);
  });
});
