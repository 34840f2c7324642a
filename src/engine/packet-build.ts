/**
 * Serializing header fields to an Ethernet frame: the reverse of packet-parse.ts, with
 * correct lengths and checksums. Tests, traces ("what would this flow do to a packet
 * with these fields") and the CLI build packets from OXM field values with it.
 */
import type { OxmName, OxmValue } from '../codec/index.js';
import { finish, onesSum, sctpChecksum, writeSctpChecksum } from './checksum.js';
import { ETH_TYPE, IP_PROTO } from './packet-parse.js';

/** Header fields by OXM name, plus a few things OXM does not name. */
export type PacketFields = Partial<Record<OxmName, OxmValue>> & {
  /** TPID of the VLAN tag when vlan_vid has OFPVID_PRESENT (default 0x8100). */
  readonly vlanTpid?: number;
  /** IPv4 TTL, IPv6 hop limit and MPLS TTL (default 64). */
  readonly ttl?: number;
  /** Bytes after the last header (default: none). */
  readonly payload?: Uint8Array;
};

class Bytes {
  readonly b: number[] = [];
  u8(v: number) {
    this.b.push(v & 0xff);
  }
  u16(v: number) {
    this.b.push((v >> 8) & 0xff, v & 0xff);
  }
  u32(v: number) {
    this.u16(Math.floor(v / 0x10000));
    this.u16(v);
  }
  mac(v: number) {
    this.u16(Math.floor(v / 2 ** 32));
    this.u32(v % 2 ** 32);
  }
  u128(v: bigint) {
    for (let i = 15; i >= 0; i--) this.u8(Number((v >> BigInt(i * 8)) & 0xffn));
  }
  bytes(x: Uint8Array) {
    for (const v of x) this.b.push(v);
  }
}

const num = (f: PacketFields, n: OxmName, d = 0) => (f[n] === undefined ? d : Number(f[n]));
const big = (f: PacketFields, n: OxmName) => (f[n] === undefined ? 0n : BigInt(f[n]));

/** Builds an Ethernet frame carrying `f`; eth_type decides which headers follow. */
export function buildPacket(f: PacketFields): Uint8Array {
  const o = new Bytes();
  o.mac(num(f, 'eth_dst'));
  o.mac(num(f, 'eth_src'));
  const vid = num(f, 'vlan_vid');
  if (vid & 0x1000) {
    o.u16(f.vlanTpid ?? ETH_TYPE.VLAN);
    o.u16((num(f, 'vlan_pcp') << 13) | (vid & 0xfff));
  }
  const ethType = num(f, 'eth_type');
  o.u16(ethType);
  const l3 = new Uint8Array(l3Bytes(f, ethType));
  const frame = new Uint8Array(o.b.length + l3.length);
  frame.set(o.b, 0);
  frame.set(l3, o.b.length);
  return frame;
}

function l3Bytes(f: PacketFields, ethType: number): number[] {
  const o = new Bytes();
  const payload = f.payload ?? new Uint8Array(0);
  const ttl = f.ttl ?? 64;
  switch (ethType) {
    case ETH_TYPE.ARP:
      o.u16(1);
      o.u16(ETH_TYPE.IPV4);
      o.u8(6);
      o.u8(4);
      o.u16(num(f, 'arp_op'));
      o.mac(num(f, 'arp_sha'));
      o.u32(num(f, 'arp_spa'));
      o.mac(num(f, 'arp_tha'));
      o.u32(num(f, 'arp_tpa'));
      o.bytes(payload);
      return o.b;
    case ETH_TYPE.MPLS:
    case ETH_TYPE.MPLS_MCAST:
      o.u32(
        num(f, 'mpls_label') * 4096 + (num(f, 'mpls_tc') << 9) + (num(f, 'mpls_bos', 1) << 8) + ttl,
      );
      o.bytes(payload);
      return o.b;
    case ETH_TYPE.PBB:
      o.u32(num(f, 'pbb_isid') & 0xffffff);
      o.bytes(payload);
      return o.b;
    case ETH_TYPE.IPV4:
      return ipv4(f, ttl, payload);
    case ETH_TYPE.IPV6:
      return ipv6(f, ttl, payload);
    default:
      o.bytes(payload);
      return o.b;
  }
}

function ipv4(f: PacketFields, ttl: number, payload: Uint8Array): number[] {
  const proto = num(f, 'ip_proto');
  const src = num(f, 'ipv4_src');
  const dst = num(f, 'ipv4_dst');
  const pseudo = new Bytes();
  pseudo.u32(src);
  pseudo.u32(dst);
  pseudo.u16(proto);
  const l4 = l4Bytes(f, proto, payload, pseudo.b, false);
  const h = new Bytes();
  h.u8(0x45);
  h.u8((num(f, 'ip_dscp') << 2) | num(f, 'ip_ecn'));
  h.u16(20 + l4.length);
  h.u16(0);
  h.u16(0x4000);
  h.u8(ttl);
  h.u8(proto);
  h.u16(0);
  h.u32(src);
  h.u32(dst);
  const hdr = new Uint8Array(h.b);
  const c = finish(onesSum(hdr, 0, 20));
  h.b[10] = c >> 8;
  h.b[11] = c & 0xff;
  return h.b.concat(l4);
}

function ipv6(f: PacketFields, ttl: number, payload: Uint8Array): number[] {
  const proto = num(f, 'ip_proto');
  const tclass = (num(f, 'ip_dscp') << 2) | num(f, 'ip_ecn');
  const pseudo = new Bytes();
  pseudo.u128(big(f, 'ipv6_src'));
  pseudo.u128(big(f, 'ipv6_dst'));
  pseudo.u16(proto);
  const l4 = l4Bytes(f, proto, payload, pseudo.b, true);
  const h = new Bytes();
  h.u32(0x60000000 + tclass * 0x100000 + (num(f, 'ipv6_flabel') & 0xfffff));
  h.u16(l4.length);
  h.u8(proto);
  h.u8(ttl);
  h.u128(big(f, 'ipv6_src'));
  h.u128(big(f, 'ipv6_dst'));
  return h.b.concat(l4);
}

function l4Bytes(
  f: PacketFields,
  proto: number,
  payload: Uint8Array,
  pseudo: number[],
  v6: boolean,
): number[] {
  const o = new Bytes();
  let csumAt = -1;
  switch (proto) {
    case IP_PROTO.TCP:
      o.u16(num(f, 'tcp_src'));
      o.u16(num(f, 'tcp_dst'));
      o.u32(0);
      o.u32(0);
      o.u16(0x5002); // data offset 5, SYN
      o.u16(0xffff);
      o.u16(0);
      o.u16(0);
      csumAt = 16;
      break;
    case IP_PROTO.UDP:
      o.u16(num(f, 'udp_src'));
      o.u16(num(f, 'udp_dst'));
      o.u16(8 + payload.length);
      o.u16(0);
      csumAt = 6;
      break;
    case IP_PROTO.SCTP:
      o.u16(num(f, 'sctp_src'));
      o.u16(num(f, 'sctp_dst'));
      o.u32(0);
      o.u32(0);
      break;
    case IP_PROTO.ICMP:
      o.u8(num(f, 'icmpv4_type'));
      o.u8(num(f, 'icmpv4_code'));
      o.u16(0);
      o.u32(0);
      csumAt = 2;
      break;
    case IP_PROTO.ICMPV6: {
      const type = num(f, 'icmpv6_type');
      o.u8(type);
      o.u8(num(f, 'icmpv6_code'));
      o.u16(0);
      o.u32(0);
      if (type === 135 || type === 136) {
        o.u128(big(f, 'ipv6_nd_target'));
        const ll = type === 135 ? f.ipv6_nd_sll : f.ipv6_nd_tll;
        if (ll !== undefined) {
          o.u8(type === 135 ? 1 : 2);
          o.u8(1);
          o.mac(Number(ll));
        }
      }
      csumAt = 2;
      break;
    }
    default:
      break;
  }
  o.bytes(payload);
  const seg = new Uint8Array(o.b);
  if (proto === IP_PROTO.SCTP) {
    writeSctpChecksum(seg, 0, sctpChecksum(seg, 0, seg.length));
    return Array.from(seg);
  }
  if (csumAt >= 0) {
    // ICMPv4 has no pseudo-header; TCP, UDP and ICMPv6 add addresses, protocol, length.
    const withPseudo = proto !== IP_PROTO.ICMP || v6;
    const len = new Bytes();
    len.u32(seg.length);
    const pre = withPseudo
      ? onesSum(new Uint8Array(pseudo.concat(len.b)), 0, pseudo.length + 4)
      : 0;
    let c = finish(onesSum(seg, 0, seg.length, pre));
    if (proto === IP_PROTO.UDP && c === 0) c = 0xffff;
    seg[csumAt] = c >> 8;
    seg[csumAt + 1] = c & 0xff;
  }
  return Array.from(seg);
}
