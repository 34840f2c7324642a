/**
 * The 40 OXM OpenFlow-basic fields of OpenFlow 1.3.5 (section 7.2.3.7): one table with
 * wire width, maskability and prerequisites, which drives decode, encode, text and the
 * flow-table engine alike.
 *
 * Value representation: fields up to 48 bits are JavaScript numbers (a MAC is a 48-bit
 * integer, an IPv4 address a 32-bit unsigned); 64-bit and 128-bit fields (metadata,
 * tunnel_id, IPv6 addresses) are bigints.
 */

export const OXM_CLASS_OPENFLOW_BASIC = 0x8000;
export const OXM_CLASS_EXPERIMENTER = 0xffff;
export const OFPVID_PRESENT = 0x1000;
export const OFPVID_NONE = 0x0000;

export type OxmName =
  | 'in_port'
  | 'in_phy_port'
  | 'metadata'
  | 'eth_dst'
  | 'eth_src'
  | 'eth_type'
  | 'vlan_vid'
  | 'vlan_pcp'
  | 'ip_dscp'
  | 'ip_ecn'
  | 'ip_proto'
  | 'ipv4_src'
  | 'ipv4_dst'
  | 'tcp_src'
  | 'tcp_dst'
  | 'udp_src'
  | 'udp_dst'
  | 'sctp_src'
  | 'sctp_dst'
  | 'icmpv4_type'
  | 'icmpv4_code'
  | 'arp_op'
  | 'arp_spa'
  | 'arp_tpa'
  | 'arp_sha'
  | 'arp_tha'
  | 'ipv6_src'
  | 'ipv6_dst'
  | 'ipv6_flabel'
  | 'icmpv6_type'
  | 'icmpv6_code'
  | 'ipv6_nd_target'
  | 'ipv6_nd_sll'
  | 'ipv6_nd_tll'
  | 'mpls_label'
  | 'mpls_tc'
  | 'mpls_bos'
  | 'pbb_isid'
  | 'tunnel_id'
  | 'ipv6_exthdr';

/** A prerequisite: `field` must be matched exactly to one of `values`. */
export interface Prereq {
  readonly field: OxmName;
  readonly values: readonly number[];
}

export interface OxmFieldInfo {
  readonly name: OxmName;
  /** OXM field number in class OPENFLOW_BASIC. */
  readonly code: number;
  /** Width on the wire, in bytes. */
  readonly bytes: number;
  /** Significant bits (vlan_vid has 13, ipv6_flabel 20, ...). */
  readonly bits: number;
  readonly maskable: boolean;
  /** True for 64- and 128-bit fields, whose values are bigints. */
  readonly big: boolean;
  /** All of these must hold (each is an OR over its values). */
  readonly prereqs: readonly Prereq[];
}

const IP = { field: 'eth_type', values: [0x0800, 0x86dd] } as const;
const IPV4 = { field: 'eth_type', values: [0x0800] } as const;
const IPV6 = { field: 'eth_type', values: [0x86dd] } as const;
const ARP = { field: 'eth_type', values: [0x0806] } as const;
const MPLS = { field: 'eth_type', values: [0x8847, 0x8848] } as const;
const proto = (p: number): Prereq => ({ field: 'ip_proto', values: [p] });

function f(
  name: OxmName,
  code: number,
  bytes: number,
  bits: number,
  maskable: boolean,
  prereqs: readonly Prereq[] = [],
): OxmFieldInfo {
  return { name, code, bytes, bits, maskable, big: bytes > 6, prereqs };
}

export const OXM_FIELDS: readonly OxmFieldInfo[] = [
  f('in_port', 0, 4, 32, false),
  f('in_phy_port', 1, 4, 32, false, [{ field: 'in_port', values: [] }]),
  f('metadata', 2, 8, 64, true),
  f('eth_dst', 3, 6, 48, true),
  f('eth_src', 4, 6, 48, true),
  f('eth_type', 5, 2, 16, false),
  f('vlan_vid', 6, 2, 13, true),
  f('vlan_pcp', 7, 1, 3, false, [{ field: 'vlan_vid', values: [] }]),
  f('ip_dscp', 8, 1, 6, false, [IP]),
  f('ip_ecn', 9, 1, 2, false, [IP]),
  f('ip_proto', 10, 1, 8, false, [IP]),
  f('ipv4_src', 11, 4, 32, true, [IPV4]),
  f('ipv4_dst', 12, 4, 32, true, [IPV4]),
  f('tcp_src', 13, 2, 16, false, [IP, proto(6)]),
  f('tcp_dst', 14, 2, 16, false, [IP, proto(6)]),
  f('udp_src', 15, 2, 16, false, [IP, proto(17)]),
  f('udp_dst', 16, 2, 16, false, [IP, proto(17)]),
  f('sctp_src', 17, 2, 16, false, [IP, proto(132)]),
  f('sctp_dst', 18, 2, 16, false, [IP, proto(132)]),
  f('icmpv4_type', 19, 1, 8, false, [IPV4, proto(1)]),
  f('icmpv4_code', 20, 1, 8, false, [IPV4, proto(1)]),
  f('arp_op', 21, 2, 16, false, [ARP]),
  f('arp_spa', 22, 4, 32, true, [ARP]),
  f('arp_tpa', 23, 4, 32, true, [ARP]),
  f('arp_sha', 24, 6, 48, true, [ARP]),
  f('arp_tha', 25, 6, 48, true, [ARP]),
  f('ipv6_src', 26, 16, 128, true, [IPV6]),
  f('ipv6_dst', 27, 16, 128, true, [IPV6]),
  f('ipv6_flabel', 28, 4, 20, true, [IPV6]),
  f('icmpv6_type', 29, 1, 8, false, [IPV6, proto(58)]),
  f('icmpv6_code', 30, 1, 8, false, [IPV6, proto(58)]),
  f('ipv6_nd_target', 31, 16, 128, false, [{ field: 'icmpv6_type', values: [135, 136] }]),
  f('ipv6_nd_sll', 32, 6, 48, false, [{ field: 'icmpv6_type', values: [135] }]),
  f('ipv6_nd_tll', 33, 6, 48, false, [{ field: 'icmpv6_type', values: [136] }]),
  f('mpls_label', 34, 4, 20, false, [MPLS]),
  f('mpls_tc', 35, 1, 3, false, [MPLS]),
  f('mpls_bos', 36, 1, 1, false, [MPLS]),
  f('pbb_isid', 37, 3, 24, true, [{ field: 'eth_type', values: [0x88e7] }]),
  f('tunnel_id', 38, 8, 64, true),
  f('ipv6_exthdr', 39, 2, 9, true, [IPV6]),
];

export const OXM_BY_CODE: readonly OxmFieldInfo[] = OXM_FIELDS;
export const OXM_BY_NAME: ReadonlyMap<OxmName, OxmFieldInfo> = new Map(
  OXM_FIELDS.map((x) => [x.name, x]),
);

export function oxmInfo(name: OxmName): OxmFieldInfo {
  return OXM_BY_NAME.get(name)!;
}

function computeFullMask(info: OxmFieldInfo): number | bigint {
  if (info.big) return (1n << BigInt(info.bytes * 8)) - 1n;
  return info.bytes === 6 ? 0xffffffffffff : 2 ** (info.bytes * 8) - 1;
}

/** Full masks by field code, computed once: checkMatch asks for one per field of every match. */
const FULL_MASKS: readonly (number | bigint)[] = OXM_FIELDS.map(computeFullMask);

/** The all-ones value of a field (its full mask). */
export function fullMask(info: OxmFieldInfo): number | bigint {
  return OXM_FIELDS[info.code] === info ? FULL_MASKS[info.code]! : computeFullMask(info);
}
