/**
 * The flow match of the lswitch app (ovs-testcontroller's learning switch) for packets
 * of each kind, with and without OpenFlow 1.0 wildcards. The figures are what
 * ovs-testcontroller 3.1 installed on a real bridge for the same packets (seen with
 * ovs-ofctl dump-flows; test/e2e/testcontroller-dropin.test.ts compares live).
 */
import { describe, expect, test } from 'vitest';
import { lswitchMatch, OFPFW10, WILDCARDS_L2 } from '../../apps/lswitch/match.js';
import type { OxmBasic } from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/index.js';

const A = 0x020000007701;
const B = 0x020000007702;
const ip = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);

const icmp = buildPacket({
  eth_src: A,
  eth_dst: B,
  eth_type: 0x0800,
  ipv4_src: ip('10.0.0.1'),
  ipv4_dst: ip('10.0.0.2'),
  ip_proto: 1,
  icmpv4_type: 8,
  icmpv4_code: 0,
});

const fields = (m: ReturnType<typeof lswitchMatch>) =>
  Object.fromEntries(
    (m as readonly OxmBasic[]).map((e) => [
      e.field,
      e.mask !== undefined ? [e.value, e.mask] : e.value,
    ]),
  );

describe('lswitchMatch', () => {
  test('IPv4 ICMP, exact: the OpenFlow 1.0 tuple with "no VLAN" and nw_tos', () => {
    expect(fields(lswitchMatch(icmp, 1, 0))).toEqual({
      in_port: 1,
      vlan_vid: 0,
      eth_src: A,
      eth_dst: B,
      eth_type: 0x0800,
      ip_dscp: 0,
      ip_proto: 1,
      ipv4_src: ip('10.0.0.1'),
      ipv4_dst: ip('10.0.0.2'),
      icmpv4_type: 8,
      icmpv4_code: 0,
    });
  });

  test('ARP: nw_src, nw_dst and nw_proto are arp_spa, arp_tpa and arp_op; no sha/tha', () => {
    const arp = buildPacket({
      eth_src: A,
      eth_dst: B,
      eth_type: 0x0806,
      arp_op: 2,
      arp_spa: ip('10.0.0.1'),
      arp_tpa: ip('10.0.0.2'),
      arp_sha: A,
      arp_tha: B,
    });
    expect(fields(lswitchMatch(arp, 2, 0))).toEqual({
      in_port: 2,
      vlan_vid: 0,
      eth_src: A,
      eth_dst: B,
      eth_type: 0x0806,
      arp_op: 2,
      arp_spa: ip('10.0.0.1'),
      arp_tpa: ip('10.0.0.2'),
    });
  });

  test('IPv6: no addresses (the OpenFlow 1.0 tuple has none), ICMPv6 type and code', () => {
    const ns = buildPacket({
      eth_src: A,
      eth_dst: B,
      eth_type: 0x86dd,
      ipv6_src: 0xfd00n << 112n,
      ipv6_dst: (0xfd00n << 112n) | 2n,
      ip_proto: 58,
      icmpv6_type: 128,
      icmpv6_code: 0,
    });
    const m = fields(lswitchMatch(ns, 1, 0));
    expect(m).not.toHaveProperty('ipv6_src');
    expect(m).toMatchObject({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 128, icmpv6_code: 0 });
  });

  test('a tagged packet matches its VLAN ID and PCP', () => {
    const tagged = buildPacket({
      eth_src: A,
      eth_dst: B,
      vlan_vid: 0x1000 | 10,
      vlan_pcp: 3,
      eth_type: 0x0806,
      arp_op: 1,
    });
    expect(fields(lswitchMatch(tagged, 1, 0))).toMatchObject({
      vlan_vid: 0x1000 | 10,
      vlan_pcp: 3,
    });
  });

  test('-w alone keeps in_port, VLAN and the MACs only', () => {
    expect(fields(lswitchMatch(icmp, 1, WILDCARDS_L2))).toEqual({
      in_port: 1,
      vlan_vid: 0,
      eth_src: A,
      eth_dst: B,
    });
  });

  test('NW_SRC/NW_DST wildcard counts become prefix masks', () => {
    const w =
      (8 << OFPFW10.NW_SRC_SHIFT) | (32 << OFPFW10.NW_DST_SHIFT) | OFPFW10.TP_SRC | OFPFW10.TP_DST;
    const m = fields(lswitchMatch(icmp, 1, w));
    expect(m.ipv4_src).toEqual([ip('10.0.0.0'), 0xffffff00]);
    expect(m).not.toHaveProperty('ipv4_dst');
    expect(m).not.toHaveProperty('icmpv4_type');
  });

  test('without dl_type no L3 or L4 field is matched (normalisation)', () => {
    const m = fields(lswitchMatch(icmp, 1, OFPFW10.DL_TYPE));
    expect(Object.keys(m).sort()).toEqual(['eth_dst', 'eth_src', 'in_port', 'vlan_vid']);
  });

  test('a runt frame gives a match without throwing', () => {
    expect(() => lswitchMatch(Uint8Array.of(1, 2, 3), 1, 0)).not.toThrow();
  });
});
