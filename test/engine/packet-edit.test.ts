/**
 * Packet edits: set_field writes the header and keeps every checksum right (checked by
 * the independent verifier of packet.test.ts), push/pop of VLAN, MPLS and PBB produce
 * the spec's headers and undo each other byte for byte, TTL actions count down and
 * report expiry.
 */
import { describe, expect, test } from 'vitest';
import type { OxmBasic, OxmName, OxmValue } from '../../src/codec/index.js';
import { readSctpChecksum, sctpChecksum } from '../../src/engine/checksum.js';
import { Packet } from '../../src/engine/packet.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import { setField } from '../../src/engine/packet-set-field.js';
import {
  copyTtlIn,
  copyTtlOut,
  decMplsTtl,
  decNwTtl,
  popMpls,
  popPbb,
  popVlan,
  pushMpls,
  pushPbb,
  pushVlan,
  setNwTtl,
} from '../../src/engine/packet-tags.js';
import { checksumsValid, MAC_A, MAC_B, V6_A, V6_B } from './packet-helpers.js';

const field = (p: Packet, name: OxmName): OxmValue | undefined =>
  p.fields().find((f) => f.field === name)?.value;
const set = (p: Packet, field: OxmName, value: OxmValue) =>
  setField(p, { field, value } as OxmBasic);

const tcp4 = () =>
  new Packet(
    buildPacket({
      eth_dst: MAC_B,
      eth_src: MAC_A,
      eth_type: 0x0800,
      ip_proto: 6,
      ipv4_src: 0x0a000001,
      ipv4_dst: 0x0a000002,
      tcp_src: 1000,
      tcp_dst: 80,
      payload: new Uint8Array([1, 2, 3]),
    }),
    1,
  );

describe('set_field', () => {
  test('IPv4 addresses and TCP ports: header and TCP checksums stay valid', () => {
    const p = tcp4();
    expect(set(p, 'ipv4_src', 0xc0a80001)).toBe(true);
    expect(set(p, 'ipv4_dst', 0x08080808)).toBe(true);
    expect(set(p, 'tcp_dst', 8080)).toBe(true);
    expect(field(p, 'ipv4_src')).toBe(0xc0a80001);
    expect(field(p, 'ipv4_dst')).toBe(0x08080808);
    expect(field(p, 'tcp_dst')).toBe(8080);
    expect(checksumsValid(p.bytes)).toBe(true);
  });

  test('dscp and ecn on IPv4 and IPv6', () => {
    const p = tcp4();
    set(p, 'ip_dscp', 46);
    set(p, 'ip_ecn', 3);
    expect([field(p, 'ip_dscp'), field(p, 'ip_ecn')]).toEqual([46, 3]);
    expect(checksumsValid(p.bytes)).toBe(true);
    const q = new Packet(buildPacket({ eth_type: 0x86dd, ip_proto: 17, ipv6_flabel: 0x12345 }), 1);
    set(q, 'ip_dscp', 10);
    expect([field(q, 'ip_dscp'), field(q, 'ipv6_flabel')]).toEqual([10, 0x12345]);
    set(q, 'ipv6_flabel', 0xfffff);
    expect([field(q, 'ip_dscp'), field(q, 'ipv6_flabel')]).toEqual([10, 0xfffff]);
  });

  test('a UDP checksum of zero (none) stays zero; a real one stays valid', () => {
    const b = buildPacket({
      eth_type: 0x0800,
      ip_proto: 17,
      ipv4_src: 1,
      ipv4_dst: 2,
      udp_dst: 53,
    });
    const none = new Packet(b.slice(), 1);
    none.bytes[14 + 20 + 6] = 0;
    none.bytes[14 + 20 + 7] = 0;
    set(none, 'ipv4_src', 0x01020304);
    expect([none.bytes[40], none.bytes[41]]).toEqual([0, 0]);
    const real = new Packet(b.slice(), 1);
    set(real, 'udp_src', 0xffff);
    set(real, 'ipv4_dst', 0xfffffffe);
    expect(checksumsValid(real.bytes)).toBe(true);
  });

  test('IPv6 addresses and ND fields keep the ICMPv6 checksum valid', () => {
    const p = new Packet(
      buildPacket({
        eth_type: 0x86dd,
        ip_proto: 58,
        ipv6_src: V6_A,
        ipv6_dst: V6_B,
        icmpv6_type: 135,
        ipv6_nd_target: V6_B,
        ipv6_nd_sll: MAC_A,
      }),
      1,
    );
    set(p, 'ipv6_src', 1n);
    set(p, 'ipv6_nd_target', V6_A);
    set(p, 'ipv6_nd_sll', MAC_B);
    expect(field(p, 'ipv6_src')).toBe(1n);
    expect(field(p, 'ipv6_nd_target')).toBe(V6_A);
    expect(field(p, 'ipv6_nd_sll')).toBe(MAC_B);
    expect(checksumsValid(p.bytes)).toBe(true);
    // No TLL option in a solicitation: nothing to write.
    expect(set(p, 'ipv6_nd_tll', 1)).toBe(false);
  });

  test('SCTP ports keep a correct CRC32c correct', () => {
    const p = new Packet(
      buildPacket({ eth_type: 0x0800, ip_proto: 132, sctp_src: 1, sctp_dst: 2 }),
      1,
    );
    set(p, 'sctp_dst', 9999);
    expect(field(p, 'sctp_dst')).toBe(9999);
    expect(readSctpChecksum(p.bytes, 34)).toBe(sctpChecksum(p.bytes, 34, p.bytes.length));
  });

  test('ICMPv4 type and code, ARP fields, MACs, MPLS and PBB fields', () => {
    const icmp = new Packet(buildPacket({ eth_type: 0x0800, ip_proto: 1, icmpv4_type: 8 }), 1);
    set(icmp, 'icmpv4_type', 0);
    set(icmp, 'icmpv4_code', 3);
    expect([field(icmp, 'icmpv4_type'), field(icmp, 'icmpv4_code')]).toEqual([0, 3]);
    expect(checksumsValid(icmp.bytes)).toBe(true);
    const arp = new Packet(buildPacket({ eth_type: 0x0806, arp_op: 1 }), 1);
    set(arp, 'arp_op', 2);
    set(arp, 'arp_spa', 0x0a0a0a0a);
    set(arp, 'arp_tha', MAC_B);
    set(arp, 'eth_src', MAC_A);
    expect([field(arp, 'arp_op'), field(arp, 'arp_spa'), field(arp, 'arp_tha')]).toEqual([
      2,
      0x0a0a0a0a,
      MAC_B,
    ]);
    expect(field(arp, 'eth_src')).toBe(MAC_A);
    const mpls = new Packet(buildPacket({ eth_type: 0x8847, mpls_label: 5 }), 1);
    set(mpls, 'mpls_label', 0xabcde);
    set(mpls, 'mpls_tc', 7);
    expect([field(mpls, 'mpls_label'), field(mpls, 'mpls_tc'), field(mpls, 'mpls_bos')]).toEqual([
      0xabcde, 7, 1,
    ]);
    const pbb = new Packet(buildPacket({ eth_type: 0x88e7, pbb_isid: 1 }), 1);
    set(pbb, 'pbb_isid', 0x123456);
    expect(field(pbb, 'pbb_isid')).toBe(0x123456);
  });

  test('a header the packet lacks is not written', () => {
    const p = tcp4();
    const before = p.bytes.slice();
    expect(set(p, 'vlan_vid', 0x1005)).toBe(false);
    expect(set(p, 'udp_dst', 1)).toBe(false);
    expect(set(p, 'arp_op', 1)).toBe(false);
    expect(set(p, 'ipv6_src', 1n)).toBe(false);
    expect(p.bytes).toEqual(before);
  });

  test('pipeline fields: in_port, metadata, tunnel_id', () => {
    const p = tcp4();
    set(p, 'in_port', 9);
    set(p, 'metadata', 0xffn);
    set(p, 'tunnel_id', 7n);
    expect([p.inPort, p.metadata, p.tunnelId]).toEqual([9, 0xffn, 7n]);
  });
});

describe('push and pop', () => {
  test('push_vlan on an untagged packet: VID 0, PCP 0; pop_vlan restores the bytes', () => {
    const p = tcp4();
    const orig = p.bytes.slice();
    pushVlan(p, 0x8100);
    expect(p.layout.vlans).toBe(1);
    expect(field(p, 'vlan_vid')).toBe(0x1000);
    expect(field(p, 'eth_type')).toBe(0x0800);
    expect(set(p, 'vlan_vid', 0x1000 | 77)).toBe(true);
    expect(set(p, 'vlan_pcp', 3)).toBe(true);
    expect([field(p, 'vlan_vid'), field(p, 'vlan_pcp')]).toEqual([0x1000 | 77, 3]);
    expect(Array.from(p.bytes.subarray(12, 16))).toEqual([0x81, 0x00, 0x60, 77]);
    popVlan(p);
    expect(p.bytes).toEqual(orig);
  });

  test('push_vlan on a tagged packet copies the outer tag (QinQ with 0x88a8 outside)', () => {
    const p = new Packet(buildPacket({ vlan_vid: 0x1000 | 10, vlan_pcp: 2, eth_type: 0x0806 }), 1);
    pushVlan(p, 0x88a8);
    expect(p.layout.vlans).toBe(2);
    expect(Array.from(p.bytes.subarray(12, 20))).toEqual([
      0x88, 0xa8, 0x40, 10, 0x81, 0x00, 0x40, 10,
    ]);
    expect(field(p, 'eth_type')).toBe(0x0806);
  });

  test('push_mpls takes the IP TTL, sits after VLAN tags; pop_mpls restores the packet', () => {
    const p = new Packet(
      buildPacket({ vlan_vid: 0x1000 | 5, eth_type: 0x0800, ip_proto: 17, ttl: 33 }),
      1,
    );
    const orig = p.bytes.slice();
    pushMpls(p, 0x8847);
    expect([field(p, 'eth_type'), field(p, 'mpls_label'), field(p, 'mpls_bos')]).toEqual([
      0x8847, 0, 1,
    ]);
    expect(field(p, 'vlan_vid')).toBe(0x1000 | 5);
    expect(p.bytes[p.layout.mpls + 3]).toBe(33);
    pushMpls(p, 0x8847); // a second label copies the first, bottom of stack cleared
    expect(field(p, 'mpls_bos')).toBe(0);
    popMpls(p, 0x8847);
    expect(field(p, 'mpls_bos')).toBe(1);
    popMpls(p, 0x0800);
    expect(p.bytes).toEqual(orig);
  });

  test('push_pbb copies the MACs outward; pop_pbb restores the customer frame', () => {
    const p = tcp4();
    const orig = p.bytes.slice();
    pushPbb(p, 0x88e7);
    expect([field(p, 'eth_type'), field(p, 'pbb_isid'), field(p, 'eth_dst')]).toEqual([
      0x88e7,
      0,
      MAC_B,
    ]);
    popPbb(p);
    expect(p.bytes).toEqual(orig);
  });
});

describe('TTL actions', () => {
  test('dec_nw_ttl counts down with a valid checksum and refuses at 1', () => {
    const p = new Packet(buildPacket({ eth_type: 0x0800, ip_proto: 6, ttl: 3 }), 1);
    expect(decNwTtl(p)).toBe(true);
    expect(p.bytes[22]).toBe(2);
    expect(checksumsValid(p.bytes)).toBe(true);
    expect(decNwTtl(p)).toBe(true);
    expect(decNwTtl(p)).toBe(false);
    setNwTtl(p, 200);
    expect(p.bytes[22]).toBe(200);
    expect(checksumsValid(p.bytes)).toBe(true);
    const v6 = new Packet(buildPacket({ eth_type: 0x86dd, ip_proto: 17, ttl: 1 }), 1);
    expect(decNwTtl(v6)).toBe(false);
  });

  test('checksum updates are incremental: a wrong checksum stays wrong by the same amount', () => {
    const frame = buildPacket({ eth_type: 0x0800, ip_proto: 6, ttl: 9, tcp_dst: 1 });
    const good = new Packet(frame.slice(), 1);
    const bad = new Packet(frame.slice(), 1);
    const c16 = (p: Packet, at: number) => (p.bytes[at]! << 8) | p.bytes[at + 1]!;
    // One's-complement distance between the two packets' checksums at `at`.
    const gap = (at: number) => (c16(bad, at) - c16(good, at) + 0xffff) % 0xffff;
    const IP_SUM = 24;
    const TCP_SUM = 50;
    const bump = (at: number, by: number) => {
      const v = (c16(bad, at) + by) % 0xffff;
      bad.bytes[at] = v >> 8;
      bad.bytes[at + 1] = v & 0xff;
    };
    bump(IP_SUM, 3);
    bump(TCP_SUM, 5);
    for (const p of [good, bad]) {
      decNwTtl(p);
      set(p, 'ipv4_dst', 0x01020304);
      set(p, 'tcp_dst', 443);
    }
    expect(checksumsValid(good.bytes)).toBe(true);
    expect([gap(IP_SUM), gap(TCP_SUM)]).toEqual([3, 5]);
  });

  test('copy_ttl_out / copy_ttl_in between MPLS and IP', () => {
    const p = new Packet(buildPacket({ eth_type: 0x0800, ip_proto: 17, ttl: 40 }), 1);
    pushMpls(p, 0x8847);
    p.bytes[p.layout.mpls + 3] = 9;
    copyTtlOut(p);
    expect(p.bytes[p.layout.mpls + 3]).toBe(40);
    p.bytes[p.layout.mpls + 3] = 12;
    expect(decMplsTtl(p)).toBe(true);
    copyTtlIn(p);
    popMpls(p, 0x0800);
    expect(p.bytes[22]).toBe(11);
    expect(checksumsValid(p.bytes)).toBe(true);
  });
});
