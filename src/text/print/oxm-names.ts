/**
 * Open vSwitch's field names for the OXM and NXM headers a switch lists in its table
 * features, and OVS's field order (its meta-flow enumeration) for printing them.
 */

const OXM_BASIC: readonly string[] = [
  'in_port_oxm',
  'in_phy_port',
  'metadata',
  'eth_dst',
  'eth_src',
  'eth_type',
  'vlan_vid',
  'vlan_pcp',
  'ip_dscp',
  'nw_ecn',
  'nw_proto',
  'ip_src',
  'ip_dst',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
  'sctp_src',
  'sctp_dst',
  'icmp_type',
  'icmp_code',
  'arp_op',
  'arp_spa',
  'arp_tpa',
  'arp_sha',
  'arp_tha',
  'ipv6_src',
  'ipv6_dst',
  'ipv6_label',
  'icmpv6_type',
  'icmpv6_code',
  'nd_target',
  'nd_sll',
  'nd_tll',
  'mpls_label',
  'mpls_tc',
  'mpls_bos',
  'pbb_isid',
  'tun_id',
  'ipv6_exthdr',
];

const NXM0: readonly string[] = [
  'in_port',
  'eth_dst',
  'eth_src',
  'eth_type',
  'vlan_tci',
  'nw_tos',
  'nw_proto',
  'ip_src',
  'ip_dst',
  'tcp_src',
  'tcp_dst',
  'udp_src',
  'udp_dst',
  'icmp_type',
  'icmp_code',
  'arp_op',
  'arp_spa',
  'arp_tpa',
];

const NXM1: Readonly<Record<number, string>> = {
  16: 'tun_id',
  17: 'arp_sha',
  18: 'arp_tha',
  19: 'ipv6_src',
  20: 'ipv6_dst',
  21: 'icmpv6_type',
  22: 'icmpv6_code',
  23: 'nd_target',
  24: 'nd_sll',
  25: 'nd_tll',
  26: 'ip_frag',
  27: 'ipv6_label',
  28: 'nw_ecn',
  29: 'nw_ttl',
  30: 'mpls_ttl',
  31: 'tun_src',
  32: 'tun_dst',
  33: 'pkt_mark',
  34: 'tcp_flags',
  35: 'dp_hash',
  36: 'recirc_id',
  37: 'conj_id',
  38: 'tun_gbp_id',
  39: 'tun_gbp_flags',
  104: 'tun_flags',
  105: 'ct_state',
  106: 'ct_zone',
  107: 'ct_mark',
  108: 'ct_label',
  109: 'tun_ipv6_src',
  110: 'tun_ipv6_dst',
};
for (let i = 0; i < 16; i++) (NXM1 as Record<number, string>)[i] = `reg${i}`;
for (let i = 0; i < 64; i++) (NXM1 as Record<number, string>)[40 + i] = `tun_metadata${i}`;

/** Payload widths of the OXM basic fields (an OXM id must carry the right length). */
const BASIC_BYTES = [4, 4, 8, 6, 6, 2, 2, 1, 1, 1, 1, 4, 4, 2, 2, 2, 2, 2, 2, 1, 1, 2, 4, 4, 6, 6, 16, 16, 4, 1, 1, 16, 6, 6, 4, 1, 1, 3, 8, 2];

/**
 * OVS's name for an OXM id (32-bit header, experimenter id for class 0xffff), or
 * undefined when OVS would not recognise it (unknown field, or a length that does not
 * match the field's width).
 */
export function oxmIdName(header: number, experimenter?: number): string | undefined {
  const cls = header >>> 16;
  const field = (header >>> 9) & 0x7f;
  const len = header & 0xff;
  const masked = (header & 0x100) !== 0;
  if (cls === 0x8000) {
    const width = BASIC_BYTES[field];
    if (width === undefined || len !== width * (masked ? 2 : 1)) return undefined;
    return OXM_BASIC[field];
  }
  void experimenter;
  return cls === 0 ? NXM0[field] : cls === 1 ? NXM1[field] : undefined;
}

/** Open vSwitch's meta-flow order of field names (unknown names sort last, stable). */
const ORDER: readonly string[] = [
  'dp_hash',
  'recirc_id',
  'packet_type',
  'conj_id',
  'tun_id',
  'tun_src',
  'tun_dst',
  'tun_ipv6_src',
  'tun_ipv6_dst',
  'tun_flags',
  'tun_ttl',
  'tun_tos',
  'tun_gbp_id',
  'tun_gbp_flags',
  ...Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`),
  'metadata',
  'in_port',
  'in_port_oxm',
  'actset_output',
  'skb_priority',
  'pkt_mark',
  'ct_state',
  'ct_zone',
  'ct_mark',
  'ct_label',
  ...Array.from({ length: 16 }, (_, i) => `reg${i}`),
  'eth_src',
  'eth_dst',
  'eth_type',
  'vlan_tci',
  'dl_vlan',
  'vlan_vid',
  'dl_vlan_pcp',
  'vlan_pcp',
  'mpls_label',
  'mpls_tc',
  'mpls_bos',
  'mpls_ttl',
  'ip_src',
  'ip_dst',
  'ipv6_src',
  'ipv6_dst',
  'ipv6_label',
  'nw_proto',
  'nw_tos',
  'ip_dscp',
  'nw_ecn',
  'nw_ttl',
  'ip_frag',
  'arp_op',
  'arp_spa',
  'arp_tpa',
  'arp_sha',
  'arp_tha',
  'tcp_src',
  'tcp_dst',
  'tcp_flags',
  'udp_src',
  'udp_dst',
  'sctp_src',
  'sctp_dst',
  'icmp_type',
  'icmp_code',
  'icmpv6_type',
  'icmpv6_code',
  'nd_target',
  'nd_sll',
  'nd_tll',
];
const RANK = new Map(ORDER.map((n, i) => [n, i]));

/** Sorts names into Open vSwitch's field order and drops duplicates. */
export function sortFieldNames(names: readonly string[]): string[] {
  const uniq = [...new Set(names)];
  return uniq
    .map((n, i) => ({ n, i, r: RANK.get(n) ?? ORDER.length }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.n);
}
