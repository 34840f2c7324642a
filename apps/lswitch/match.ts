/**
 * The match ovs-testcontroller's learning switch (Open vSwitch lib/learning-switch.c)
 * puts on the flow it sets up for a packet: the packet's OpenFlow 1.0 twelve-tuple
 * (in_port, dl_vlan, dl_vlan_pcp, dl_src, dl_dst, dl_type, nw_tos, nw_proto, nw_src,
 * nw_dst, tp_src, tp_dst), minus the fields an OFPFW10_* wildcard mask (`-w`) leaves
 * out, normalised the way ofputil_normalize_match() does (L3 fields only under an IPv4,
 * ARP or IPv6 dl_type, L4 fields only under TCP, UDP, SCTP, ICMP or ICMPv6), and then
 * spelled as OpenFlow 1.3 OXM. As in OVS, an IPv6 flow carries no addresses (the
 * OpenFlow 1.0 tuple has none), ARP's nw_src/nw_dst/nw_proto are arp_spa/arp_tpa/arp_op,
 * and an untagged packet matches "no VLAN" (vlan_vid=0, printed vlan_tci=0x0000/0x1fff).
 */
import { type Match, OFPVID_PRESENT, type OxmBasic, type OxmName } from '../../src/codec/index.js';
import { Packet } from '../../src/engine/index.js';

/** OpenFlow 1.0 wildcard bits (ofp_flow_wildcards). */
export const OFPFW10 = {
  IN_PORT: 1 << 0,
  DL_VLAN: 1 << 1,
  DL_SRC: 1 << 2,
  DL_DST: 1 << 3,
  DL_TYPE: 1 << 4,
  NW_PROTO: 1 << 5,
  TP_SRC: 1 << 6,
  TP_DST: 1 << 7,
  NW_SRC_SHIFT: 8,
  NW_DST_SHIFT: 14,
  DL_VLAN_PCP: 1 << 20,
  NW_TOS: 1 << 21,
} as const;

/**
 * `-w` without a mask: "wildcard as many fields as possible" while keeping in_port (to
 * see moves), the MACs and the VLAN (to learn): learning-switch.c's UINT32_MAX case.
 */
export const WILDCARDS_L2 =
  OFPFW10.DL_TYPE |
  OFPFW10.DL_VLAN_PCP |
  (32 << OFPFW10.NW_SRC_SHIFT) |
  (32 << OFPFW10.NW_DST_SHIFT) |
  OFPFW10.NW_TOS |
  OFPFW10.NW_PROTO |
  OFPFW10.TP_SRC |
  OFPFW10.TP_DST;

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_IPV6 = 0x86dd;

/** L4 field names per IP protocol: [source, destination]. */
const L4: Readonly<Record<number, readonly [OxmName, OxmName]>> = {
  1: ['icmpv4_type', 'icmpv4_code'],
  6: ['tcp_src', 'tcp_dst'],
  17: ['udp_src', 'udp_dst'],
  58: ['icmpv6_type', 'icmpv6_code'],
  132: ['sctp_src', 'sctp_dst'],
};

/** The prefix mask an OpenFlow 1.0 NW_SRC/NW_DST wildcard count leaves, or 0 for "all". */
function ipv4Mask(wildcards: number, shift: number): number {
  const n = (wildcards >>> shift) & 0x3f;
  return n >= 32 ? 0 : (0xffffffff << n) >>> 0;
}

/** The flow match for `frame` received on `inPort` under the OFPFW10 mask `wildcards`. */
export function lswitchMatch(frame: Uint8Array, inPort: number, wildcards: number): Match {
  const fields = new Map<OxmName, OxmBasic>();
  for (const f of new Packet(frame, inPort).fields()) fields.set(f.field, f);
  const value = (name: OxmName): number | bigint | undefined => fields.get(name)?.value;
  const wild = (bit: number) => (wildcards & bit) !== 0;
  const out: OxmBasic[] = [];
  const put = (field: OxmName, v: number | bigint | undefined, mask?: number) => {
    if (v === undefined) return;
    out.push(mask === undefined ? { field, value: v } : { field, value: v, mask });
  };

  if (!wild(OFPFW10.IN_PORT)) put('in_port', inPort);
  const vid = value('vlan_vid');
  const tagged = vid !== undefined && (Number(vid) & OFPVID_PRESENT) !== 0;
  if (!wild(OFPFW10.DL_VLAN)) put('vlan_vid', tagged ? vid : 0);
  else if (!wild(OFPFW10.DL_VLAN_PCP) && tagged) put('vlan_vid', OFPVID_PRESENT, OFPVID_PRESENT);
  if (!wild(OFPFW10.DL_VLAN_PCP) && tagged) put('vlan_pcp', value('vlan_pcp'));
  if (!wild(OFPFW10.DL_SRC)) put('eth_src', value('eth_src'));
  if (!wild(OFPFW10.DL_DST)) put('eth_dst', value('eth_dst'));
  if (wild(OFPFW10.DL_TYPE)) return out;
  const ethType = Number(value('eth_type') ?? 0);
  put('eth_type', ethType);

  const srcMask = ipv4Mask(wildcards, OFPFW10.NW_SRC_SHIFT);
  const dstMask = ipv4Mask(wildcards, OFPFW10.NW_DST_SHIFT);
  const maskOf = (m: number) => (m === 0xffffffff ? undefined : m);
  if (ethType === ETH_ARP) {
    if (!wild(OFPFW10.NW_PROTO)) put('arp_op', value('arp_op'));
    if (srcMask !== 0) put('arp_spa', masked(value('arp_spa'), srcMask), maskOf(srcMask));
    if (dstMask !== 0) put('arp_tpa', masked(value('arp_tpa'), dstMask), maskOf(dstMask));
    return out;
  }
  if (ethType !== ETH_IPV4 && ethType !== ETH_IPV6) return out;
  if (!wild(OFPFW10.NW_TOS)) put('ip_dscp', value('ip_dscp'));
  if (wild(OFPFW10.NW_PROTO)) return finishIp(out, ethType, srcMask, dstMask, value);
  const proto = Number(value('ip_proto') ?? 0);
  put('ip_proto', proto);
  finishIp(out, ethType, srcMask, dstMask, value);
  const l4 = L4[proto];
  const fits = proto === 1 ? ethType === ETH_IPV4 : proto === 58 ? ethType === ETH_IPV6 : true;
  if (l4 && fits) {
    if (!wild(OFPFW10.TP_SRC)) put(l4[0], value(l4[0]) ?? 0);
    if (!wild(OFPFW10.TP_DST)) put(l4[1], value(l4[1]) ?? 0);
  }
  return out;
}

/** IPv4 addresses (IPv6 has none in the OpenFlow 1.0 tuple). */
function finishIp(
  out: OxmBasic[],
  ethType: number,
  srcMask: number,
  dstMask: number,
  value: (name: OxmName) => number | bigint | undefined,
): OxmBasic[] {
  if (ethType !== ETH_IPV4) return out;
  const add = (field: OxmName, m: number) => {
    if (m === 0) return;
    const v = masked(value(field), m);
    out.push(m === 0xffffffff ? { field, value: v } : { field, value: v, mask: m });
  };
  add('ipv4_src', srcMask);
  add('ipv4_dst', dstMask);
  return out;
}

function masked(v: number | bigint | undefined, mask: number): number {
  return (Number(v ?? 0) & mask) >>> 0;
}
