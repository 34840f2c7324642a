/**
 * Values, fields and matches in the syntax `ovs-appctl ofproto/trace` and `ovs-ofctl
 * dump-flows` print, as far as the engine goes without the text module: the pieces the
 * trace text of actions (action-ops.ts) and the default trace formatter use.
 */
import { formatIpv4, formatMac } from '../codec/addresses.js';
import {
  type Match,
  OFPP,
  type OxmBasic,
  type OxmEntry,
  type OxmName,
  type OxmValue,
} from '../codec/index.js';

export { formatIpv4, formatMac };

export const hex = (v: number, width = 0) => `0x${v.toString(16).padStart(width, '0')}`;

export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // Longest run of zero groups (length >= 2) becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const g = groups.map((x) => x.toString(16));
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}

/** ovs-ofctl names for OXM fields. */
export const NAMES: Partial<Record<OxmName, string>> = {
  eth_dst: 'dl_dst',
  eth_src: 'dl_src',
  eth_type: 'dl_type',
  vlan_pcp: 'dl_vlan_pcp',
  ip_proto: 'nw_proto',
  ip_ecn: 'nw_ecn',
  ipv4_src: 'nw_src',
  ipv4_dst: 'nw_dst',
  tcp_src: 'tp_src',
  tcp_dst: 'tp_dst',
  udp_src: 'tp_src',
  udp_dst: 'tp_dst',
  sctp_src: 'tp_src',
  sctp_dst: 'tp_dst',
  icmpv4_type: 'icmp_type',
  icmpv4_code: 'icmp_code',
  ipv6_flabel: 'ipv6_label',
  ipv6_nd_target: 'nd_target',
  ipv6_nd_sll: 'nd_sll',
  ipv6_nd_tll: 'nd_tll',
  tunnel_id: 'tun_id',
};

function prefixLen(mask: number): number | undefined {
  for (let n = 0; n <= 32; n++)
    if ((n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0) === mask) return n;
  return undefined;
}

/** The value of a field as ovs-ofctl writes it. */
export function formatValue(field: OxmName, v: OxmValue): string {
  switch (field) {
    case 'eth_dst':
    case 'eth_src':
    case 'arp_sha':
    case 'arp_tha':
    case 'ipv6_nd_sll':
    case 'ipv6_nd_tll':
      return formatMac(Number(v));
    case 'ipv4_src':
    case 'ipv4_dst':
    case 'arp_spa':
    case 'arp_tpa':
      return formatIpv4(Number(v));
    case 'ipv6_src':
    case 'ipv6_dst':
    case 'ipv6_nd_target':
      return formatIpv6(BigInt(v));
    case 'eth_type':
      return hex(Number(v), 4);
    case 'metadata':
    case 'tunnel_id':
    case 'ipv6_flabel':
    case 'pbb_isid':
    case 'ipv6_exthdr':
      return `0x${BigInt(v).toString(16)}`;
    default:
      return String(v);
  }
}

export function formatEntry(e: OxmEntry): string {
  if (e.field === 'raw')
    return `oxm(0x${e.oxmClass.toString(16)}:${e.oxmField})=0x${Buffer.from(e.payload).toString('hex')}`;
  if (e.field === 'vlan_vid') {
    const v = Number(e.value);
    if (e.mask === undefined) return v & 0x1000 ? `dl_vlan=${v & 0xfff}` : 'vlan_tci=0x0000/0x1fff';
    return `vlan_vid=${hex(v)}/${hex(Number(e.mask))}`;
  }
  if (e.field === 'ip_dscp') return `nw_tos=${Number(e.value) << 2}`;
  const name = NAMES[e.field] ?? e.field;
  if (e.mask === undefined) return `${name}=${formatValue(e.field, e.value)}`;
  if (['ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa'].includes(e.field)) {
    const n = prefixLen(Number(e.mask));
    if (n !== undefined) return `${name}=${formatValue(e.field, e.value)}/${n}`;
  }
  return `${name}=${formatValue(e.field, e.value)}/${formatValue(e.field, e.mask)}`;
}

/** Protocol shorthand (ip, tcp, arp, ...) for an exact eth_type and ip_proto. */
export function shorthand(m: Match): { word: string | undefined; skip: Set<OxmName> } {
  const get = (f: OxmName) => m.find((e): e is OxmBasic => e.field === f && e.mask === undefined);
  const et = get('eth_type');
  const proto = get('ip_proto');
  if (!et) return { word: undefined, skip: new Set() };
  const v4 = et.value === 0x0800;
  const v6 = et.value === 0x86dd;
  if (et.value === 0x0806) return { word: 'arp', skip: new Set(['eth_type']) };
  if (!v4 && !v6) return { word: undefined, skip: new Set() };
  const names: Record<number, string> = v4
    ? { 6: 'tcp', 17: 'udp', 132: 'sctp', 1: 'icmp' }
    : { 6: 'tcp6', 17: 'udp6', 132: 'sctp6', 58: 'icmp6' };
  const p = proto === undefined ? undefined : names[Number(proto.value)];
  if (p) return { word: p, skip: new Set(['eth_type', 'ip_proto']) };
  return { word: v4 ? 'ip' : 'ipv6', skip: new Set(['eth_type']) };
}

export function portName(port: number): string {
  const names: Record<number, string> = {
    [OFPP.IN_PORT]: 'IN_PORT',
    [OFPP.TABLE]: 'TABLE',
    [OFPP.NORMAL]: 'NORMAL',
    [OFPP.FLOOD]: 'FLOOD',
    [OFPP.ALL]: 'ALL',
    [OFPP.CONTROLLER]: 'CONTROLLER',
    [OFPP.LOCAL]: 'LOCAL',
    [OFPP.ANY]: 'ANY',
  };
  return names[port] ?? String(port);
}
