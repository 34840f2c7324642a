/**
 * Prints a match the way Open vSwitch's match_format does: priority first, then a protocol
 * shorthand (ip, tcp, arp, ...) that stands for eth_type and ip_proto, then the fields in
 * Open vSwitch's fixed order with its names (dl_*, nw_*, tp_*), masks as /0x.. or CIDR.
 */
import type { OxmRaw } from '../codec/index.js';
import {
  allOnes,
  ETH_TYPE,
  FID_BITS,
  type Fid,
  IPPROTO,
  type OvsMatch,
  VLAN_CFI,
  VLAN_PCP_MASK,
  VLAN_VID_MASK,
} from './ovs-match.js';
import { formatPort, type PortMap } from './ports.js';
import { formatIpv4Masked, formatIpv6Masked, formatMacMasked, hex, hexPad } from './values.js';

export const OFP_DEFAULT_PRIORITY = 0x8000;

const PROTO4: Readonly<Record<number, string>> = {
  [IPPROTO.ICMP]: 'icmp',
  [IPPROTO.IGMP]: 'igmp',
  [IPPROTO.TCP]: 'tcp',
  [IPPROTO.UDP]: 'udp',
  [IPPROTO.SCTP]: 'sctp',
};
const PROTO6: Readonly<Record<number, string>> = {
  [IPPROTO.ICMPV6]: 'icmp6',
  [IPPROTO.TCP]: 'tcp6',
  [IPPROTO.UDP]: 'udp6',
  [IPPROTO.SCTP]: 'sctp6',
};
const TYPE_NAMES: Readonly<Record<number, string>> = {
  [ETH_TYPE.ARP]: 'arp',
  [ETH_TYPE.RARP]: 'rarp',
  [ETH_TYPE.MPLS]: 'mpls',
  [ETH_TYPE.MPLS_MCAST]: 'mplsm',
};

/** The shorthand for eth_type (+ ip_proto), and whether it also stands for ip_proto. */
function shorthand(om: OvsMatch): { name?: string; proto: boolean } {
  if (!om.has('dl_type')) return { proto: false };
  const t = om.num('dl_type');
  const proto = om.has('nw_proto') ? om.num('nw_proto') : undefined;
  if (t === ETH_TYPE.IP || t === ETH_TYPE.IPV6) {
    const table = t === ETH_TYPE.IP ? PROTO4 : PROTO6;
    const base = t === ETH_TYPE.IP ? 'ip' : 'ipv6';
    const name = proto !== undefined ? table[proto] : undefined;
    return name ? { name, proto: true } : { name: base, proto: false };
  }
  const name = TYPE_NAMES[t];
  return name ? { name, proto: false } : { proto: false };
}

/** format_be16_masked: decimal when exact, else `0x%x/0x%x` (zero too: `0x0/0xff00`). */
function be16Masked(name: string, v: bigint, m: bigint): string {
  if (m === 0n) return '';
  return m === 0xffffn ? `${name}=${v},` : `${name}=0x${v.toString(16)}/0x${m.toString(16)},`;
}

function be64Masked(name: string, v: bigint, m: bigint): string {
  if (m === 0n) return '';
  return m === allOnes(64) ? `${name}=${hex(v)},` : `${name}=${hex(v)}/${hex(m)},`;
}

function mac(name: string, om: OvsMatch, f: Fid): string {
  if (!om.has(f)) return '';
  return `${name}=${formatMacMasked(om.num(f), Number(om.m[f]))},`;
}

function ip4(name: string, om: OvsMatch, f: Fid): string {
  if (!om.has(f)) return '';
  return `${name}=${formatIpv4Masked(om.num(f), Number(om.m[f]))},`;
}

function ip6(name: string, om: OvsMatch, f: Fid): string {
  if (!om.has(f)) return '';
  return `${name}=${formatIpv6Masked(om.v[f], om.m[f])},`;
}

/** The 802.1Q tag(s): dl_vlan/dl_vlan_pcp when exact with the tag present, else vlan_tci. */
function vlan(om: OvsMatch): string {
  let s = '';
  for (const [f, suffix] of [
    ['vlan_tci', ''],
    ['vlan_tci1', '1'],
  ] as const) {
    const m = Number(om.m[f]);
    if (!m) break;
    const v = om.num(f);
    const vidMask = m & VLAN_VID_MASK;
    const pcpMask = m & VLAN_PCP_MASK;
    if (
      m & VLAN_CFI &&
      v & VLAN_CFI &&
      (!vidMask || vidMask === VLAN_VID_MASK) &&
      (!pcpMask || pcpMask === VLAN_PCP_MASK) &&
      (vidMask || pcpMask)
    ) {
      if (vidMask) s += `dl_vlan${suffix}=${v & VLAN_VID_MASK},`;
      if (pcpMask) s += `dl_vlan_pcp${suffix}=${(v >> 13) & 7},`;
    } else if (m === 0xffff) s += `vlan_tci${suffix}=0x${hexPad(v, 4)},`;
    else s += `vlan_tci${suffix}=0x${hexPad(v, 4)}/0x${hexPad(m, 4)},`;
  }
  return s;
}

function rawText(r: OxmRaw): string {
  const half = r.hasMask ? r.payload.length / 2 : r.payload.length;
  const h = (b: Uint8Array) => hex(BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`));
  const value = h(r.payload.subarray(0, half));
  const mask = r.hasMask ? `/${h(r.payload.subarray(half))}` : '';
  return `oxm(0x${hexPad(r.oxmClass, 4)}:${r.oxmField})=${value}${mask},`;
}

/** Nicira extension fields ovs-ofctl prints by name (NXM class 1). */
const NX_PKT_MARK = 33;
const NX_CONJ_ID = 37;
const NX_CT_STATE = 105;
const NX_TUN_SRC = 31;
const NX_TUN_DST = 32;
const NX_PRINTED = new Set([NX_PKT_MARK, NX_CONJ_ID, NX_CT_STATE, NX_TUN_SRC, NX_TUN_DST]);
const CT_STATE_BITS = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'];

function nx(om: OvsMatch, field: number): { v: bigint; m: bigint; bits: number } | undefined {
  const r = om.raw.find((e) => e.oxmClass === 1 && e.oxmField === field);
  if (!r) return undefined;
  const half = r.hasMask ? r.payload.length / 2 : r.payload.length;
  const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
  const v = big(r.payload.subarray(0, half));
  const m = r.hasMask ? big(r.payload.subarray(half)) : allOnes(half * 8);
  return { v, m, bits: half * 8 };
}

/** format_uint32_masked: "%#x" with "/%#x" unless exact. */
function u32Masked(name: string, x: { v: bigint; m: bigint; bits: number } | undefined): string {
  if (!x) return '';
  return x.m === allOnes(x.bits) ? `${name}=${hex(x.v)},` : `${name}=${hex(x.v)}/${hex(x.m)},`;
}

function ctState(x: { v: bigint; m: bigint; bits: number } | undefined): string {
  if (!x) return '';
  const v = Number(x.v);
  const m = Number(x.m);
  if ((m & 0xff) === 0xff) {
    const names = CT_STATE_BITS.filter((_, i) => v & (1 << i));
    return `ct_state=${names.length ? names.join('|') : '0'},`;
  }
  let s = 'ct_state=';
  for (let i = 0; i < 32; i++) {
    if (m & (1 << i)) s += `${v & (1 << i) ? '+' : '-'}${CT_STATE_BITS[i] ?? '[Unknown]'}`;
  }
  return `${s},`;
}

/** match_format: the match text, with "priority=N," first when N is not 32768. */
export function formatMatch(
  om: OvsMatch,
  priority = OFP_DEFAULT_PRIORITY,
  ports?: PortMap,
): string {
  let s = '';
  if (priority !== OFP_DEFAULT_PRIORITY) s += `priority=${priority},`;
  s += u32Masked('pkt_mark', nx(om, NX_PKT_MARK));
  const conj = nx(om, NX_CONJ_ID);
  if (conj) s += `conj_id=${conj.v},`;
  s += ctState(nx(om, NX_CT_STATE));
  const sh = shorthand(om);
  if (sh.name) s += `${sh.name},`;
  for (let i = 0; i < 16; i++) s += u32Masked(`reg${i}`, nx(om, i));
  s += be64Masked('tun_id', om.v.tun_id, om.m.tun_id);
  for (const [name, field] of [
    ['tun_src', NX_TUN_SRC],
    ['tun_dst', NX_TUN_DST],
  ] as const) {
    const t = nx(om, field);
    if (t) s += `${name}=${formatIpv4Masked(Number(t.v), Number(t.m))},`;
  }
  s += be64Masked('metadata', om.v.metadata, om.m.metadata);
  if (om.has('in_port')) s += `in_port=${formatPort(om.num('in_port'), ports)},`;
  s += vlan(om);
  s += mac('dl_src', om, 'dl_src');
  s += mac('dl_dst', om, 'dl_dst');
  const t = om.dlType;
  if (!sh.name && om.has('dl_type')) s += `dl_type=0x${hexPad(t, 4)},`;
  const isArp = t === ETH_TYPE.ARP || t === ETH_TYPE.RARP;
  if (t === ETH_TYPE.IPV6) {
    s += ip6('ipv6_src', om, 'ipv6_src');
    s += ip6('ipv6_dst', om, 'ipv6_dst');
    if (om.has('ipv6_label')) {
      const lm = om.m.ipv6_label;
      const lv = hexPad(om.v.ipv6_label, 5);
      s +=
        lm === allOnes(32) || lm === allOnes(20)
          ? `ipv6_label=0x${lv},`
          : `ipv6_label=0x${lv}/0x${hexPad(lm, 5)},`;
    }
  } else if (isArp) {
    s += ip4('arp_spa', om, 'nw_src');
    s += ip4('arp_tpa', om, 'nw_dst');
  } else {
    s += ip4('nw_src', om, 'nw_src');
    s += ip4('nw_dst', om, 'nw_dst');
  }
  if (!sh.proto && om.has('nw_proto')) {
    s += `${isArp ? 'arp_op' : 'nw_proto'}=${om.num('nw_proto')},`;
  }
  if (isArp) {
    s += mac('arp_sha', om, 'arp_sha');
    s += mac('arp_tha', om, 'arp_tha');
  }
  const tosMask = Number(om.m.nw_tos);
  if (tosMask & 0xfc) s += `nw_tos=${om.num('nw_tos') & 0xfc},`;
  if (tosMask & 0x03) s += `nw_ecn=${om.num('nw_tos') & 0x03},`;
  if (om.has('nw_ttl')) s += `nw_ttl=${om.num('nw_ttl')},`;
  if (om.has('mpls_label')) s += `mpls_label=${om.num('mpls_label')},`;
  if (om.has('mpls_tc')) s += `mpls_tc=${om.num('mpls_tc')},`;
  if (om.has('mpls_ttl')) s += `mpls_ttl=${om.num('mpls_ttl')},`;
  if (om.has('mpls_bos')) s += `mpls_bos=${om.num('mpls_bos')},`;
  s += frag(om);
  const proto = om.num('nw_proto');
  if (t === ETH_TYPE.IP && proto === IPPROTO.ICMP) {
    s += be16Masked('icmp_type', om.v.tp_src, om.m.tp_src);
    s += be16Masked('icmp_code', om.v.tp_dst, om.m.tp_dst);
  } else if (t === ETH_TYPE.IP && proto === IPPROTO.IGMP) {
    s += be16Masked('igmp_type', om.v.tp_src, om.m.tp_src);
    s += be16Masked('igmp_code', om.v.tp_dst, om.m.tp_dst);
  } else if (t === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6) {
    s += be16Masked('icmp_type', om.v.tp_src, om.m.tp_src);
    s += be16Masked('icmp_code', om.v.tp_dst, om.m.tp_dst);
    s += ip6('nd_target', om, 'nd_target');
    s += mac('nd_sll', om, 'arp_sha');
    s += mac('nd_tll', om, 'arp_tha');
  } else {
    s += be16Masked('tp_src', om.v.tp_src, om.m.tp_src);
    s += be16Masked('tp_dst', om.v.tp_dst, om.m.tp_dst);
  }
  s += extensions(om);
  for (const r of om.raw) {
    if (r.oxmClass === 1 && (NX_PRINTED.has(r.oxmField) || r.oxmField < 16)) continue;
    s += rawText(r);
  }
  return s.endsWith(',') ? s.slice(0, -1) : s;
}

function frag(om: OvsMatch): string {
  const m = Number(om.m.nw_frag);
  const v = om.num('nw_frag');
  if (m === 3) return `nw_frag=${v & 1 ? (v & 2 ? 'later' : 'first') : v & 2 ? '<error>' : 'no'},`;
  if (m === 1) return `nw_frag=${v & 1 ? 'yes' : 'no'},`;
  if (m === 2) return `nw_frag=${v & 2 ? 'later' : 'not_later'},`;
  return '';
}

/** OpenFlow 1.3 fields Open vSwitch has no name for; printed with their OXM names. */
function extensions(om: OvsMatch): string {
  let s = '';
  if (om.has('pbb_isid')) {
    s += om.exact('pbb_isid')
      ? `pbb_isid=${om.v.pbb_isid},`
      : `pbb_isid=${hex(om.v.pbb_isid)}/${hex(om.m.pbb_isid)},`;
  }
  if (om.has('ipv6_exthdr')) {
    s +=
      om.m.ipv6_exthdr === allOnes(FID_BITS.ipv6_exthdr)
        ? `ipv6_exthdr=${hex(om.v.ipv6_exthdr)},`
        : `ipv6_exthdr=${hex(om.v.ipv6_exthdr)}/${hex(om.m.ipv6_exthdr)},`;
  }
  if (om.has('in_phy_port')) s += `in_phy_port=${om.v.in_phy_port},`;
  return s;
}
