/**
 * A frame's header fields as Open vSwitch prints a packet (flow_extract + flow_format):
 * every field the frame has, exact, so packet-in and packet-out lines read like
 * "tcp,vlan_tci=0x0000,dl_src=...,nw_frag=no,tp_src=..,tp_dst=..,tcp_flags=syn tcp_csum:..".
 * Never throws: a truncated frame yields the fields that were present.
 */
import { formatMatch } from './match-format.js';
import {
  allOnes,
  ETH_TYPE,
  FID_BITS,
  type Fid,
  IPPROTO,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  OvsMatch,
  VLAN_CFI,
} from './ovs-match.js';
import { hex } from './values.js';

export interface PacketFlow {
  readonly match: OvsMatch;
  /** TCP flags when the frame is TCP. */
  readonly tcpFlags?: number | undefined;
  /** " tcp_csum:1a2b" and the like, or "". */
  readonly checksum: string;
}

const TCP_FLAG_NAMES: Readonly<Record<number, string>> = {
  1: 'fin',
  2: 'syn',
  4: 'rst',
  8: 'psh',
  16: 'ack',
  32: 'urg',
  64: 'ece',
  128: 'cwr',
  256: 'ns',
  512: '[200]',
  1024: '[400]',
  2048: '[800]',
};

/** format_flags for tcp_flags: names joined by '|', "0" for none. */
export function formatTcpFlags(flags: number): string {
  if (!flags) return '0';
  const out: string[] = [];
  for (let bit = 1; bit <= 0x800; bit <<= 1) {
    if (flags & bit) out.push(TCP_FLAG_NAMES[bit] ?? hex(bit));
  }
  return out.join('|');
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function u48(b: Uint8Array, o: number): number {
  return u16(b, o) * 2 ** 32 + u32(b, o + 2);
}
function u128(b: Uint8Array, o: number): bigint {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[o + i]!);
  return v;
}

/** flow_extract + flow_wildcards_init_for_packet for one frame. */
export function packetFlow(b: Uint8Array): PacketFlow {
  const om = new OvsMatch();
  const exact = (f: Fid, v: number | bigint) => om.set(f, BigInt(v), allOnes(FID_BITS[f]));
  if (b.length < 14) {
    for (const f of ['dl_src', 'dl_dst', 'dl_type'] as const) exact(f, 0);
    om.set('vlan_tci', 0n, 0xffffn);
    return { match: om, checksum: '' };
  }
  exact('dl_dst', u48(b, 0));
  exact('dl_src', u48(b, 6));
  let off = 12;
  let type = u16(b, off);
  const tags: number[] = [];
  while ((type === 0x8100 || type === 0x88a8) && tags.length < 2 && b.length >= off + 6) {
    tags.push(u16(b, off + 2) | VLAN_CFI);
    off += 4;
    type = u16(b, off);
  }
  om.set('vlan_tci', BigInt(tags[0] ?? 0), 0xffffn);
  if (tags.length > 0) om.set('vlan_tci1', BigInt(tags[1] ?? 0), 0xffffn);
  off += 2;
  if (type < 0x600) type = 0x05ff;
  exact('dl_type', type);
  let checksum = '';
  let tcpFlags: number | undefined;
  if (type === ETH_TYPE.MPLS || type === ETH_TYPE.MPLS_MCAST) {
    if (b.length >= off + 4) {
      const lse = u32(b, off);
      exact('mpls_label', lse >>> 12);
      exact('mpls_tc', (lse >>> 9) & 7);
      exact('mpls_bos', (lse >>> 8) & 1);
      exact('mpls_ttl', lse & 0xff);
    }
  } else if (type === ETH_TYPE.ARP || type === ETH_TYPE.RARP) {
    for (const f of ['nw_src', 'nw_dst', 'nw_proto', 'arp_sha', 'arp_tha'] as const) exact(f, 0);
    if (b.length >= off + 28 && u16(b, off) === 1 && u16(b, off + 2) === 0x0800) {
      const op = u16(b, off + 6);
      if (op <= 0xff) exact('nw_proto', op);
      exact('arp_sha', u48(b, off + 8));
      exact('nw_src', u32(b, off + 14));
      exact('arp_tha', u48(b, off + 18));
      exact('nw_dst', u32(b, off + 24));
    }
  } else if (type === ETH_TYPE.IP || type === ETH_TYPE.IPV6) {
    const r = ipFields(b, off, type, om, exact);
    checksum = r.checksum;
    tcpFlags = r.tcpFlags;
  }
  return { match: om, tcpFlags, checksum };
}

function ipFields(
  b: Uint8Array,
  off: number,
  type: number,
  om: OvsMatch,
  exact: (f: Fid, v: number | bigint) => void,
): { checksum: string; tcpFlags?: number } {
  let proto: number;
  let l4: number;
  let later = false;
  for (const f of ['nw_tos', 'nw_ttl', 'nw_proto'] as const) exact(f, 0);
  om.set('nw_frag', 0n, 3n);
  if (type === ETH_TYPE.IP) {
    exact('nw_src', 0);
    exact('nw_dst', 0);
    if (b.length < off + 20) return { checksum: '' };
    const ihl = (b[off]! & 0x0f) * 4;
    const total = u16(b, off + 2);
    if (ihl < 20 || total < ihl || b.length - off < total) return { checksum: '' };
    exact('nw_tos', b[off + 1]!);
    const fragOff = u16(b, off + 6);
    const more = (fragOff & 0x2000) !== 0;
    const offset = fragOff & 0x1fff;
    if (more || offset) om.set('nw_frag', BigInt(1 | (offset ? 2 : 0)), 3n);
    later = offset !== 0;
    exact('nw_ttl', b[off + 8]!);
    proto = b[off + 9]!;
    exact('nw_proto', proto);
    exact('nw_src', u32(b, off + 12));
    exact('nw_dst', u32(b, off + 16));
    l4 = off + ihl;
  } else {
    for (const f of ['ipv6_src', 'ipv6_dst', 'ipv6_label'] as const) exact(f, 0);
    if (b.length < off + 40 || b.length - off - 40 < u16(b, off + 4)) return { checksum: '' };
    const vtf = u32(b, off);
    exact('nw_tos', (vtf >>> 20) & 0xff);
    exact('ipv6_label', vtf & 0xfffff);
    proto = b[off + 6]!;
    exact('nw_proto', proto);
    exact('nw_ttl', b[off + 7]!);
    exact('ipv6_src', u128(b, off + 8));
    exact('ipv6_dst', u128(b, off + 24));
    l4 = off + 40;
  }
  const left = b.length - l4;
  if (later) return { checksum: laterChecksum(b, l4, left, proto) };
  if (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP) {
    exact('tp_src', 0);
    exact('tp_dst', 0);
    if (proto === IPPROTO.TCP && left >= 20) {
      exact('tp_src', u16(b, l4));
      exact('tp_dst', u16(b, l4 + 2));
      const flags = u16(b, l4 + 12) & 0x0fff;
      return { checksum: ` tcp_csum:${u16(b, l4 + 16).toString(16)}`, tcpFlags: flags };
    }
    if (proto === IPPROTO.TCP) return { checksum: '', tcpFlags: 0 };
    if (proto === IPPROTO.UDP && left >= 8) {
      exact('tp_src', u16(b, l4));
      exact('tp_dst', u16(b, l4 + 2));
      return { checksum: ` udp_csum:${u16(b, l4 + 6).toString(16)}` };
    }
    if (proto === IPPROTO.SCTP && left >= 12) {
      exact('tp_src', u16(b, l4));
      exact('tp_dst', u16(b, l4 + 2));
      return { checksum: ` sctp_csum:${u32(b, l4 + 8).toString(16)}` };
    }
    return { checksum: '' };
  }
  if (proto === IPPROTO.ICMP && type === ETH_TYPE.IP) {
    exact('tp_src', 0);
    exact('tp_dst', 0);
    if (left < 4) return { checksum: '' };
    exact('tp_src', b[l4]!);
    exact('tp_dst', b[l4 + 1]!);
    return { checksum: ` icmp_csum:${u16(b, l4 + 2).toString(16)}` };
  }
  if (proto === IPPROTO.ICMPV6 && type === ETH_TYPE.IPV6) {
    exact('tp_src', 0);
    exact('tp_dst', 0);
    if (left < 4) return { checksum: '' };
    const icmpType = b[l4]!;
    exact('tp_src', icmpType);
    exact('tp_dst', b[l4 + 1]!);
    if ((icmpType === ND_NEIGHBOR_SOLICIT || icmpType === ND_NEIGHBOR_ADVERT) && left >= 24) {
      exact('nd_target', u128(b, l4 + 8));
      exact('arp_sha', 0);
      exact('arp_tha', 0);
      for (let o = l4 + 24; o + 8 <= b.length; ) {
        const optType = b[o]!;
        const optLen = b[o + 1]! * 8;
        if (optLen === 0 || o + optLen > b.length) break;
        if (optType === 1 && optLen === 8) exact('arp_sha', u48(b, o + 2));
        if (optType === 2 && optLen === 8) exact('arp_tha', u48(b, o + 2));
        o += optLen;
      }
    }
    return { checksum: ` icmp6_csum:${u16(b, l4 + 2).toString(16)}` };
  }
  return { checksum: '' };
}

/** A non-first fragment: no ports, but OVS still prints the checksum where it would be. */
function laterChecksum(b: Uint8Array, l4: number, left: number, proto: number): string {
  if (proto === IPPROTO.TCP && left >= 20) return ` tcp_csum:${u16(b, l4 + 16).toString(16)}`;
  if (proto === IPPROTO.UDP && left >= 8) return ` udp_csum:${u16(b, l4 + 6).toString(16)}`;
  if (proto === IPPROTO.SCTP && left >= 12) return ` sctp_csum:${u32(b, l4 + 8).toString(16)}`;
  if (proto === IPPROTO.ICMP && left >= 4) return ` icmp_csum:${u16(b, l4 + 2).toString(16)}`;
  return '';
}

/** ofp_packet_to_string: the frame's flow and checksum, newline-terminated. */
export function packetToString(b: Uint8Array): string {
  const pf = packetFlow(b);
  let s = formatMatch(pf.match);
  if (pf.tcpFlags !== undefined) s += `${s ? ',' : ''}tcp_flags=${formatTcpFlags(pf.tcpFlags)}`;
  return `${s}${pf.checksum}\n`;
}
