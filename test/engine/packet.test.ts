/**
 * Packet parsing and serialization: frames built from fields parse back to the same
 * fields for every protocol the engine knows; hand-made frames (QinQ, IPv6 extension
 * headers, 802.3/SNAP, ND options) parse as the spec says; checksums are verified by
 * an independent full computation written here; random and truncated bytes never throw.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { OxmName, OxmValue } from '../../src/codec/index.js';
import { crc32c } from '../../src/engine/checksum.js';
import { Packet } from '../../src/engine/packet.js';
import { buildPacket, type PacketFields } from '../../src/engine/packet-build.js';
import { IEH } from '../../src/engine/packet-parse.js';
import { checksumsValid, MAC_A, MAC_B, V6_A, V6_B } from './packet-helpers.js';

function fieldsOf(p: Packet): Map<OxmName, OxmValue> {
  return new Map(p.fields().map((f) => [f.field, f.value]));
}

/** Everything in `want` is in the parsed fields with the same value. */
function expectFields(bytes: Uint8Array, want: PacketFields): Map<OxmName, OxmValue> {
  const got = fieldsOf(new Packet(bytes, 1));
  for (const [k, v] of Object.entries(want)) {
    if (['vlanTpid', 'ttl', 'payload'].includes(k)) continue;
    expect(got.get(k as OxmName), k).toBe(v);
  }
  return got;
}

describe('buildPacket -> parse round trip', () => {
  const cases: [string, PacketFields][] = [
    [
      'tcp over ipv4 in a vlan',
      {
        eth_dst: MAC_B,
        eth_src: MAC_A,
        vlan_vid: 0x1000 | 42,
        vlan_pcp: 5,
        eth_type: 0x0800,
        ip_proto: 6,
        ip_dscp: 46,
        ip_ecn: 1,
        ipv4_src: 0x0a000001,
        ipv4_dst: 0xc0a80102,
        tcp_src: 49152,
        tcp_dst: 443,
      },
    ],
    [
      'udp over ipv4',
      { eth_type: 0x0800, ip_proto: 17, ipv4_src: 1, ipv4_dst: 2, udp_src: 53, udp_dst: 5353 },
    ],
    [
      'sctp over ipv4',
      { eth_type: 0x0800, ip_proto: 132, ipv4_src: 3, ipv4_dst: 4, sctp_src: 9, sctp_dst: 10 },
    ],
    [
      'icmp echo',
      { eth_type: 0x0800, ip_proto: 1, ipv4_src: 5, ipv4_dst: 6, icmpv4_type: 8, icmpv4_code: 0 },
    ],
    [
      'udp over ipv6',
      {
        eth_type: 0x86dd,
        ip_proto: 17,
        ipv6_src: V6_A,
        ipv6_dst: V6_B,
        ipv6_flabel: 0xabcde,
        udp_src: 1,
        udp_dst: 2,
      },
    ],
    [
      'neighbour solicitation with source link-layer address',
      {
        eth_type: 0x86dd,
        ip_proto: 58,
        ipv6_src: V6_B,
        ipv6_dst: V6_A,
        icmpv6_type: 135,
        icmpv6_code: 0,
        ipv6_nd_target: V6_A,
        ipv6_nd_sll: MAC_A,
      },
    ],
    [
      'neighbour advertisement with target link-layer address',
      {
        eth_type: 0x86dd,
        ip_proto: 58,
        ipv6_src: V6_A,
        ipv6_dst: V6_B,
        icmpv6_type: 136,
        icmpv6_code: 0,
        ipv6_nd_target: V6_A,
        ipv6_nd_tll: MAC_B,
      },
    ],
    [
      'arp request',
      {
        eth_type: 0x0806,
        arp_op: 1,
        arp_spa: 0x0a000001,
        arp_tpa: 0x0a000002,
        arp_sha: MAC_A,
        arp_tha: 0,
      },
    ],
    ['mpls', { eth_type: 0x8847, mpls_label: 0xfffff, mpls_tc: 5, mpls_bos: 1 }],
    ['pbb', { eth_type: 0x88e7, pbb_isid: 0xabcdef }],
  ];
  for (const [name, f] of cases) {
    test(name, () => {
      const bytes = buildPacket(f);
      expectFields(bytes, f);
      if (f.eth_type === 0x0800 || f.eth_type === 0x86dd) {
        expect(checksumsValid(bytes, f.vlan_vid !== undefined ? 18 : 14)).toBe(true);
      }
    });
  }

  test('fields a packet does not carry are absent (no VLAN, no L4 on ARP)', () => {
    const got = fieldsOf(new Packet(buildPacket({ eth_type: 0x0806, arp_op: 2 }), 1));
    expect(got.has('vlan_vid')).toBe(false);
    expect(got.has('tcp_src')).toBe(false);
    expect(got.has('ip_proto')).toBe(false);
    expect(got.get('arp_op')).toBe(2);
  });
});

/** Hand-written frame: MACs then the given bytes. */
function frame(...rest: number[]): Uint8Array {
  return new Uint8Array([...Array(6).fill(0xaa), ...Array(6).fill(0xbb), ...rest]);
}

describe('hand-made frames', () => {
  test('QinQ: outer tag gives vlan_vid/pcp, eth_type is after both tags', () => {
    const b = frame(0x88, 0xa8, 0x20, 100, 0x81, 0x00, 0x00, 200, 0x08, 0x06, ...Array(28).fill(0));
    const p = new Packet(b, 1);
    const f = fieldsOf(p);
    expect(f.get('vlan_vid')).toBe(0x1000 | 100);
    expect(f.get('vlan_pcp')).toBe(1);
    expect(f.get('eth_type')).toBe(0x0806);
    expect(p.layout.vlans).toBe(2);
  });

  test('802.3 with SNAP carries the SNAP ethertype; without SNAP eth_type is 0x05ff', () => {
    const snap = frame(0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06, ...Array(28).fill(0));
    expect(fieldsOf(new Packet(snap, 1)).get('eth_type')).toBe(0x0806);
    const llc = frame(0x00, 0x30, 0x42, 0x42, 0x03, ...Array(40).fill(0));
    expect(fieldsOf(new Packet(llc, 1)).get('eth_type')).toBe(0x05ff);
  });

  /** IPv6 header with next header `nh`, followed by `ext` bytes then an 8-byte UDP header. */
  function v6(nh: number, ext: number[]): Uint8Array {
    const udp = [0x12, 0x34, 0x56, 0x78, 0, 8, 0, 0];
    const plen = ext.length + udp.length;
    return frame(
      0x86,
      0xdd,
      0x60,
      0,
      0,
      0,
      plen >> 8,
      plen & 255,
      nh,
      64,
      ...Array(32).fill(1),
      ...ext,
      ...udp,
    );
  }
  const ext = (next: number, len8 = 0) => [next, len8, ...Array(6 + len8 * 8).fill(0)];
  const frag = (next: number, offset: number) => [
    next,
    0,
    (offset << 3) >> 8,
    (offset << 3) & 0xff,
    0,
    0,
    0,
    1,
  ];
  const exthdr = (b: Uint8Array) => fieldsOf(new Packet(b, 1)).get('ipv6_exthdr');

  test('extension headers in order: bits set, upper layer parsed', () => {
    const b = v6(0, [...ext(60), ...ext(43), ...ext(44), ...frag(60, 0), ...ext(17)]);
    const f = fieldsOf(new Packet(b, 1));
    expect(f.get('ipv6_exthdr')).toBe(IEH.HOP | IEH.DEST | IEH.ROUTER | IEH.FRAG);
    expect(f.get('ip_proto')).toBe(17);
    expect(f.get('udp_src')).toBe(0x1234);
  });

  test('out of order is UNSEQ, repeated is UNREP, 59 is NONEXT, ESP stops parsing', () => {
    expect(exthdr(v6(60, [...ext(0), ...ext(17)]))).toBe(IEH.DEST | IEH.HOP | IEH.UNSEQ);
    expect(exthdr(v6(43, [...ext(43), ...ext(17)]))).toBe(IEH.ROUTER | IEH.UNREP);
    expect(exthdr(v6(59, []))).toBe(IEH.NONEXT);
    const esp = fieldsOf(new Packet(v6(51, [50, 0, 0, 0, ...Array(8).fill(0)]), 1));
    expect(esp.get('ipv6_exthdr')).toBe(IEH.AUTH | IEH.ESP);
    expect(esp.get('ip_proto')).toBe(50);
  });

  test('a later IPv6 fragment has no L4 fields', () => {
    const f = fieldsOf(new Packet(v6(44, frag(17, 100)), 1));
    expect(f.get('ip_proto')).toBe(17);
    expect(f.get('udp_src')).toBe(0);
  });

  test('a later IPv4 fragment has no L4 fields', () => {
    const b = buildPacket({ eth_type: 0x0800, ip_proto: 6, tcp_src: 80, tcp_dst: 81 });
    b[14 + 6] = 0x00;
    b[14 + 7] = 0x10; // fragment offset 16
    expect(fieldsOf(new Packet(b, 1)).get('tcp_src')).toBe(0);
  });

  test('pipeline fields: in_port, in_phy_port, metadata, tunnel_id', () => {
    const p = new Packet(buildPacket({ eth_type: 0x0800 }), 7, 3);
    p.metadata = 0x1122334455667788n;
    p.tunnelId = 99n;
    const f = new Map(p.fields(true).map((x) => [x.field, x.value]));
    expect(f.get('in_port')).toBe(7);
    expect(f.get('in_phy_port')).toBe(3);
    expect(f.get('metadata')).toBe(0x1122334455667788n);
    expect(f.get('tunnel_id')).toBe(99n);
  });
});

describe('robustness', () => {
  test('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const p = new Packet(b, 1);
        p.fields();
      }),
      { numRuns: 2000 },
    );
  });

  test('an IP length past the end of the frame leaves the L3 fields unset (as OVS)', () => {
    const v4 = buildPacket({ eth_type: 0x0800, ip_proto: 17, ipv4_src: 9, udp_src: 7 });
    const cut = new Packet(v4.subarray(0, v4.length - 1), 1);
    expect(fieldsOf(cut).get('eth_type')).toBe(0x0800);
    expect(fieldsOf(cut).get('ipv4_src')).toBe(0);
    expect(fieldsOf(cut).has('udp_src')).toBe(false);
    const v6 = buildPacket({ eth_type: 0x86dd, ip_proto: 17, ipv6_src: 5n });
    expect(fieldsOf(new Packet(v6.subarray(0, v6.length - 1), 1)).get('ipv6_src')).toBe(0n);
  });

  test('every truncation of valid frames parses without throwing', () => {
    const frames = [
      buildPacket({ eth_type: 0x86dd, ip_proto: 58, icmpv6_type: 135, ipv6_nd_sll: 1 }),
      buildPacket({ vlan_vid: 0x1001, eth_type: 0x0800, ip_proto: 6 }),
      buildPacket({ eth_type: 0x0806 }),
      buildPacket({ eth_type: 0x8847 }),
    ];
    for (const f of frames)
      for (let n = 0; n <= f.length; n++) new Packet(f.subarray(0, n), 1).fields();
  });
});

describe('checksum helpers', () => {
  test('crc32c matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'), 0, 9)).toBe(0xe3069283);
  });

  test('the independent verifier rejects a corrupted packet', () => {
    const b = buildPacket({ eth_type: 0x0800, ip_proto: 6, tcp_dst: 80 });
    expect(checksumsValid(b)).toBe(true);
    b[b.length - 1]! ^= 1;
    expect(checksumsValid(b)).toBe(false);
  });
});
