/**
 * The flow fields ovs-ofctl text names (Open vSwitch's meta-flow names and their aliases):
 * how each value is written (decimal, hex, Ethernet, IPv4, IPv6, port), its width, whether
 * it takes a mask, where it lives in an OvsMatch, and which OXM (or Nicira NXM) header a
 * set_field on it uses. One table drives match parsing, set_field parsing and printing.
 */
import { assertNever, type OxmEntry, type OxmName } from '../codec/index.js';
import {
  allOnes,
  ETH_TYPE,
  type Fid,
  IPPROTO,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  NXM_CLASS,
  NXM_IP_TTL,
  type OvsMatch,
  VLAN_CFI,
} from './ovs-match.js';

export type ValueKind = 'dec' | 'hex' | 'mac' | 'ipv4' | 'ipv6' | 'port' | 'port_oxm';

/** A prerequisite on the flow a set_field acts on (meta-flow's MFP_*). */
export type Prereq =
  | 'none'
  | 'vlan'
  | 'mpls'
  | 'ipv4'
  | 'ipv6'
  | 'ip'
  | 'arp'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmpv4'
  | 'icmpv6'
  | 'nd'
  | 'nd_solicit'
  | 'nd_advert';

/** Where a set_field on this field goes on the wire. */
export type SetTarget =
  | { readonly oxm: OxmName }
  | { readonly nxmClass: number; readonly nxmField: number }
  | { readonly readOnly: true };

export interface TextField {
  /** Open vSwitch's canonical name, used when printing. */
  readonly name: string;
  readonly aliases: readonly string[];
  /** Width in bytes (for "value too large for N-byte field"). */
  readonly bytes: number;
  readonly kind: ValueKind;
  readonly maskable: boolean;
  readonly prereq: Prereq;
  readonly set: SetTarget;
  /** Stores a parsed value and mask into the match (mf_set). */
  readonly apply: (om: OvsMatch, v: bigint, m: bigint) => void;
}

const store =
  (f: Fid) =>
  (om: OvsMatch, v: bigint, m: bigint): void =>
    om.set(f, v, m);

const exact16 =
  (f: Fid) =>
  (om: OvsMatch, v: bigint): void =>
    om.set(f, v, 0xffffn);

function field(
  name: string,
  aliases: readonly string[],
  bytes: number,
  kind: ValueKind,
  maskable: boolean,
  prereq: Prereq,
  set: SetTarget,
  apply: TextField['apply'],
): TextField {
  return { name, aliases, bytes, kind, maskable, prereq, set, apply };
}

const RO = { readOnly: true } as const;
const oxm = (n: OxmName): SetTarget => ({ oxm: n });
const nxm = (c: number, f: number): SetTarget => ({ nxmClass: c, nxmField: f });

export const TEXT_FIELDS: readonly TextField[] = [
  field('tun_id', ['tunnel_id'], 8, 'hex', true, 'none', oxm('tunnel_id'), store('tun_id')),
  field('metadata', [], 8, 'hex', true, 'none', oxm('metadata'), store('metadata')),
  field('in_port', [], 2, 'port', false, 'none', nxm(0, 0), store('in_port')),
  field('in_port_oxm', [], 4, 'port_oxm', false, 'none', oxm('in_port'), store('in_port')),
  field('in_phy_port', [], 4, 'port_oxm', false, 'none', RO, store('in_phy_port')),
  field('eth_src', ['dl_src'], 6, 'mac', true, 'none', oxm('eth_src'), store('dl_src')),
  field('eth_dst', ['dl_dst'], 6, 'mac', true, 'none', oxm('eth_dst'), store('dl_dst')),
  field('eth_type', ['dl_type'], 2, 'hex', false, 'none', RO, store('dl_type')),
  field('vlan_tci', [], 2, 'hex', true, 'none', nxm(0, 4), store('vlan_tci')),
  field('dl_vlan', [], 2, 'dec', false, 'none', RO, (om, v) => om.setDlVlan(Number(v))),
  field('vlan_vid', [], 2, 'dec', true, 'none', oxm('vlan_vid'), (om, v, m) =>
    om.setVlanVid(Number(v), Number(m)),
  ),
  field('dl_vlan_pcp', [], 1, 'dec', false, 'vlan', RO, (om, v) => om.setVlanPcp(Number(v))),
  field('vlan_pcp', [], 1, 'dec', false, 'vlan', oxm('vlan_pcp'), (om, v) =>
    om.setVlanPcp(Number(v)),
  ),
  field('mpls_label', [], 4, 'dec', false, 'mpls', oxm('mpls_label'), (om, v) =>
    om.set('mpls_label', v & allOnes(20)),
  ),
  field('mpls_tc', [], 1, 'dec', false, 'mpls', oxm('mpls_tc'), (om, v) =>
    om.set('mpls_tc', v & 7n),
  ),
  field('mpls_bos', [], 1, 'dec', false, 'mpls', RO, (om, v) => om.set('mpls_bos', v & 1n)),
  field('mpls_ttl', [], 1, 'dec', false, 'mpls', nxm(NXM_CLASS, 30), store('mpls_ttl')),
  field('ip_src', ['nw_src'], 4, 'ipv4', true, 'ipv4', oxm('ipv4_src'), store('nw_src')),
  field('ip_dst', ['nw_dst'], 4, 'ipv4', true, 'ipv4', oxm('ipv4_dst'), store('nw_dst')),
  field('ipv6_src', [], 16, 'ipv6', true, 'ipv6', oxm('ipv6_src'), store('ipv6_src')),
  field('ipv6_dst', [], 16, 'ipv6', true, 'ipv6', oxm('ipv6_dst'), store('ipv6_dst')),
  field('ipv6_label', [], 4, 'hex', true, 'ipv6', oxm('ipv6_flabel'), (om, v, m) =>
    om.set('ipv6_label', v & allOnes(20), m & allOnes(20)),
  ),
  field('nw_proto', ['ip_proto'], 1, 'dec', false, 'ip', RO, store('nw_proto')),
  field('nw_tos', [], 1, 'dec', false, 'ip', nxm(0, 5), (om, v) => om.setTosBits(0xfc, Number(v))),
  field('ip_dscp', [], 1, 'dec', false, 'ip', oxm('ip_dscp'), (om, v) =>
    om.setTosBits(0xfc, Number(v) << 2),
  ),
  field('nw_ecn', ['ip_ecn'], 1, 'dec', false, 'ip', oxm('ip_ecn'), (om, v) =>
    om.setTosBits(0x03, Number(v)),
  ),
  field('nw_ttl', [], 1, 'dec', false, 'ip', nxm(NXM_CLASS, NXM_IP_TTL), store('nw_ttl')),
  field('arp_op', [], 2, 'dec', false, 'arp', oxm('arp_op'), (om, v) =>
    om.set('nw_proto', v & 0xffn),
  ),
  field('arp_spa', [], 4, 'ipv4', true, 'arp', oxm('arp_spa'), store('nw_src')),
  field('arp_tpa', [], 4, 'ipv4', true, 'arp', oxm('arp_tpa'), store('nw_dst')),
  field('arp_sha', [], 6, 'mac', true, 'arp', oxm('arp_sha'), store('arp_sha')),
  field('arp_tha', [], 6, 'mac', true, 'arp', oxm('arp_tha'), store('arp_tha')),
  field('tcp_src', ['tp_src'], 2, 'dec', true, 'tcp', oxm('tcp_src'), store('tp_src')),
  field('tcp_dst', ['tp_dst'], 2, 'dec', true, 'tcp', oxm('tcp_dst'), store('tp_dst')),
  field('udp_src', [], 2, 'dec', true, 'udp', oxm('udp_src'), store('tp_src')),
  field('udp_dst', [], 2, 'dec', true, 'udp', oxm('udp_dst'), store('tp_dst')),
  field('sctp_src', [], 2, 'dec', true, 'sctp', oxm('sctp_src'), store('tp_src')),
  field('sctp_dst', [], 2, 'dec', true, 'sctp', oxm('sctp_dst'), store('tp_dst')),
  field('icmp_type', [], 1, 'dec', false, 'icmpv4', oxm('icmpv4_type'), exact16('tp_src')),
  field('icmp_code', [], 1, 'dec', false, 'icmpv4', oxm('icmpv4_code'), exact16('tp_dst')),
  field('icmpv6_type', [], 1, 'dec', false, 'icmpv6', oxm('icmpv6_type'), exact16('tp_src')),
  field('icmpv6_code', [], 1, 'dec', false, 'icmpv6', oxm('icmpv6_code'), exact16('tp_dst')),
  field('nd_target', [], 16, 'ipv6', true, 'nd', oxm('ipv6_nd_target'), store('nd_target')),
  field('nd_sll', [], 6, 'mac', true, 'nd_solicit', oxm('ipv6_nd_sll'), store('arp_sha')),
  field('nd_tll', [], 6, 'mac', true, 'nd_advert', oxm('ipv6_nd_tll'), store('arp_tha')),
  field('pbb_isid', [], 3, 'dec', true, 'none', oxm('pbb_isid'), store('pbb_isid')),
  field('ipv6_exthdr', [], 2, 'hex', true, 'ipv6', RO, store('ipv6_exthdr')),
];

const BY_NAME = new Map<string, TextField>();
for (const f of TEXT_FIELDS) {
  BY_NAME.set(f.name, f);
  for (const a of f.aliases) BY_NAME.set(a, f);
}

/** mf_from_name: a field by its name or alias. */
export function textField(name: string): TextField | undefined {
  return BY_NAME.get(name);
}

/** The field a set_field OXM entry writes, by its OXM name or NXM class/field. */
export function fieldForEntry(e: OxmEntry): TextField | undefined {
  for (const f of TEXT_FIELDS) {
    const t = f.set;
    if (e.field === 'raw') {
      if ('nxmClass' in t && t.nxmClass === e.oxmClass && t.nxmField === e.oxmField) return f;
    } else if ('oxm' in t && t.oxm === e.field) {
      return f;
    }
  }
  return undefined;
}

/** mf_are_prereqs_ok on the flow an action list is acting on. */
export function prereqOk(p: Prereq, om: OvsMatch): boolean {
  const t = om.num('dl_type');
  const proto = om.num('nw_proto');
  const ip = t === ETH_TYPE.IP || t === ETH_TYPE.IPV6;
  switch (p) {
    case 'none':
      return true;
    case 'vlan':
      return (om.num('vlan_tci') & VLAN_CFI) !== 0;
    case 'mpls':
      return t === ETH_TYPE.MPLS || t === ETH_TYPE.MPLS_MCAST;
    case 'ipv4':
      return t === ETH_TYPE.IP;
    case 'ipv6':
      return t === ETH_TYPE.IPV6;
    case 'ip':
      return ip;
    case 'arp':
      return t === ETH_TYPE.ARP || t === ETH_TYPE.RARP;
    case 'tcp':
      return ip && proto === IPPROTO.TCP;
    case 'udp':
      return ip && proto === IPPROTO.UDP;
    case 'sctp':
      return ip && proto === IPPROTO.SCTP;
    case 'icmpv4':
      return t === ETH_TYPE.IP && proto === IPPROTO.ICMP;
    case 'icmpv6':
      return t === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6;
    case 'nd':
    case 'nd_solicit':
    case 'nd_advert': {
      if (!(t === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6)) return false;
      const type = om.num('tp_src');
      if (p === 'nd_solicit') return type === ND_NEIGHBOR_SOLICIT;
      if (p === 'nd_advert') return type === ND_NEIGHBOR_ADVERT;
      return type === ND_NEIGHBOR_SOLICIT || type === ND_NEIGHBOR_ADVERT;
    }
    default:
      return assertNever(p, 'prerequisite');
  }
}

const STORAGE: Readonly<Record<string, Fid>> = {
  tun_id: 'tun_id',
  metadata: 'metadata',
  in_port: 'in_port',
  in_port_oxm: 'in_port',
  in_phy_port: 'in_phy_port',
  eth_src: 'dl_src',
  eth_dst: 'dl_dst',
  eth_type: 'dl_type',
  mpls_label: 'mpls_label',
  mpls_tc: 'mpls_tc',
  mpls_bos: 'mpls_bos',
  mpls_ttl: 'mpls_ttl',
  ip_src: 'nw_src',
  ip_dst: 'nw_dst',
  ipv6_src: 'ipv6_src',
  ipv6_dst: 'ipv6_dst',
  ipv6_label: 'ipv6_label',
  nw_proto: 'nw_proto',
  nw_ttl: 'nw_ttl',
  arp_op: 'nw_proto',
  arp_spa: 'nw_src',
  arp_tpa: 'nw_dst',
  arp_sha: 'arp_sha',
  arp_tha: 'arp_tha',
  tcp_src: 'tp_src',
  tcp_dst: 'tp_dst',
  udp_src: 'tp_src',
  udp_dst: 'tp_dst',
  sctp_src: 'tp_src',
  sctp_dst: 'tp_dst',
  icmp_type: 'tp_src',
  icmp_code: 'tp_dst',
  icmpv6_type: 'tp_src',
  icmpv6_code: 'tp_dst',
  nd_target: 'nd_target',
  nd_sll: 'arp_sha',
  nd_tll: 'arp_tha',
  pbb_isid: 'pbb_isid',
  ipv6_exthdr: 'ipv6_exthdr',
};

/** mf_get: the field's value and mask in a match (for sorting flows by a field). */
export function fieldValue(f: TextField, om: OvsMatch): { v: bigint; m: bigint } {
  const tci = om.v.vlan_tci;
  const tciMask = om.m.vlan_tci;
  const tos = om.v.nw_tos;
  const tosMask = om.m.nw_tos;
  switch (f.name) {
    case 'vlan_tci':
      return { v: tci, m: tciMask };
    case 'dl_vlan':
      return { v: tci & 0xfffn, m: tciMask & 0xfffn };
    case 'vlan_vid':
      return { v: tci & 0x1fffn, m: tciMask & 0x1fffn };
    case 'dl_vlan_pcp':
    case 'vlan_pcp':
      return { v: (tci >> 13n) & 7n, m: (tciMask >> 13n) & 7n };
    case 'nw_tos':
      return { v: tos & 0xfcn, m: tosMask & 0xfcn };
    case 'ip_dscp':
      return { v: tos >> 2n, m: tosMask >> 2n };
    case 'nw_ecn':
      return { v: tos & 3n, m: tosMask & 3n };
  }
  const fid = STORAGE[f.name]!;
  return { v: om.v[fid], m: om.m[fid] };
}
