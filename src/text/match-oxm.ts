/**
 * Encodes an OVS-form match as OXM the way ovs-ofctl does for OpenFlow 1.3 (nx_put_raw):
 * its fixed field order, fields whose prerequisites the match lacks left out, Nicira
 * fields (nw_ttl, ip_frag) in their NXM form, and packet_type=Ethernet put first when the
 * match needs Ethernet but nothing else says so.
 */
import type { OxmEntry, OxmRaw } from '../codec/index.js';
import {
  allOnes,
  ETH_TYPE,
  FID_BITS,
  type Fid,
  IPPROTO,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  NXM_CLASS,
  NXM_IP_FRAG,
  NXM_IP_TTL,
  type OvsMatch,
  OXM_PACKET_TYPE,
  VLAN_PCP_MASK,
} from './ovs-match.js';

/** Builds one OXM entry; the mask is left out when it is all ones. */
function oxm(
  field: OxmEntry['field'],
  v: bigint,
  m: bigint,
  bits: number,
  isBig: boolean,
): OxmEntry {
  const full = m === allOnes(bits);
  const value = isBig ? v : Number(v);
  if (full) return { field, value } as OxmEntry;
  return { field, value, mask: isBig ? m : Number(m) } as OxmEntry;
}

function rawTlv(oxmClass: number, oxmField: number, payload: number[], hasMask = false): OxmRaw {
  return { field: 'raw', oxmClass, oxmField, hasMask, payload: Uint8Array.from(payload) };
}

/**
 * Encodes the match as ovs-ofctl does for OpenFlow 1.3 (nx_put_raw): a fixed field order,
 * fields whose prerequisites the match lacks left out, and packet_type=Ethernet put first
 * when the match needs Ethernet but nothing else says so.
 */
export function toOxm(om: OvsMatch): OxmEntry[] {
  const out: OxmEntry[] = [];
  let implied = false;
  const put = (e: OxmEntry, ethernet = true) => {
    out.push(e);
    if (ethernet) implied = true;
  };
  const putm = (f: Fid, field: OxmEntry['field'], isBig = false, ethernet = true) => {
    if (om.has(f)) put(oxm(field, om.v[f], om.m[f], FID_BITS[f], isBig), ethernet);
  };
  const exact8 = (field: OxmEntry['field'], v: number) => put({ field, value: v } as OxmEntry);

  if (om.has('in_port')) put({ field: 'in_port', value: om.num('in_port') }, false);
  if (om.has('in_phy_port')) put({ field: 'in_phy_port', value: om.num('in_phy_port') }, false);
  putm('dl_src', 'eth_src');
  putm('dl_dst', 'eth_dst');
  if (om.has('dl_type')) put({ field: 'eth_type', value: om.num('dl_type') });

  const vid = om.num('vlan_tci') & 0x1fff;
  const vmask = Number(om.m.vlan_tci) & 0x1fff;
  if (vmask === 0x1fff) put({ field: 'vlan_vid', value: vid });
  else if (vmask) put({ field: 'vlan_vid', value: vid, mask: vmask });
  if (vid && Number(om.m.vlan_tci) & VLAN_PCP_MASK) {
    exact8('vlan_pcp', om.num('vlan_tci') >> 13);
  }

  const dlType = om.dlType;
  if (dlType === ETH_TYPE.MPLS || dlType === ETH_TYPE.MPLS_MCAST) {
    if (om.has('mpls_tc')) exact8('mpls_tc', om.num('mpls_tc'));
    if (om.has('mpls_bos')) exact8('mpls_bos', om.num('mpls_bos'));
    if (om.has('mpls_label')) put({ field: 'mpls_label', value: om.num('mpls_label') });
  }

  if (om.isIp()) putIp(om, put, putm, exact8);
  else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    if (om.has('nw_proto')) put({ field: 'arp_op', value: om.num('nw_proto') });
    putm('nw_src', 'arp_spa');
    putm('nw_dst', 'arp_tpa');
    putm('arp_sha', 'arp_sha');
    putm('arp_tha', 'arp_tha');
  }
  if (dlType === ETH_TYPE.PBB) putm('pbb_isid', 'pbb_isid');

  putm('tun_id', 'tunnel_id', true, false);
  putm('metadata', 'metadata', true, false);
  for (const r of om.raw) put(r, false);

  if (om.ethernet && !implied) out.unshift(rawTlv(0x8000, OXM_PACKET_TYPE, [0, 0, 0, 0]));
  return out;
}

type Put = (e: OxmEntry, ethernet?: boolean) => void;
type PutM = (f: Fid, field: OxmEntry['field'], isBig?: boolean) => void;

function putIp(
  om: OvsMatch,
  put: Put,
  putm: PutM,
  exact8: (field: OxmEntry['field'], v: number) => void,
): void {
  if (om.dlType === ETH_TYPE.IP) {
    putm('nw_src', 'ipv4_src');
    putm('nw_dst', 'ipv4_dst');
  } else {
    putm('ipv6_src', 'ipv6_src', true);
    putm('ipv6_dst', 'ipv6_dst', true);
  }
  if (om.has('nw_frag')) {
    const m = Number(om.m.nw_frag);
    const payload = m === 3 ? [om.num('nw_frag')] : [om.num('nw_frag'), m];
    put(rawTlv(NXM_CLASS, NXM_IP_FRAG, payload, m !== 3));
  }
  const tos = Number(om.m.nw_tos);
  if (tos & 0xfc) exact8('ip_dscp', om.num('nw_tos') >> 2);
  if (tos & 0x03) exact8('ip_ecn', om.num('nw_tos') & 3);
  if (om.has('nw_ttl')) put(rawTlv(NXM_CLASS, NXM_IP_TTL, [om.num('nw_ttl')]));
  putm('ipv6_label', 'ipv6_flabel');
  if (om.dlType === ETH_TYPE.IPV6) putm('ipv6_exthdr', 'ipv6_exthdr');
  if (!om.has('nw_proto')) return;
  const proto = om.num('nw_proto');
  exact8('ip_proto', proto);
  if (proto === IPPROTO.TCP) {
    putm('tp_src', 'tcp_src');
    putm('tp_dst', 'tcp_dst');
  } else if (proto === IPPROTO.UDP) {
    putm('tp_src', 'udp_src');
    putm('tp_dst', 'udp_dst');
  } else if (proto === IPPROTO.SCTP) {
    putm('tp_src', 'sctp_src');
    putm('tp_dst', 'sctp_dst');
  } else if (proto === IPPROTO.ICMP && om.dlType === ETH_TYPE.IP) {
    if (om.has('tp_src')) exact8('icmpv4_type', om.num('tp_src'));
    if (om.has('tp_dst')) exact8('icmpv4_code', om.num('tp_dst'));
  } else if (proto === IPPROTO.ICMPV6 && om.dlType === ETH_TYPE.IPV6) {
    if (om.has('tp_src')) exact8('icmpv6_type', om.num('tp_src'));
    if (om.has('tp_dst')) exact8('icmpv6_code', om.num('tp_dst'));
    const type = om.num('tp_src');
    if (type === ND_NEIGHBOR_SOLICIT || type === ND_NEIGHBOR_ADVERT) {
      putm('nd_target', 'ipv6_nd_target', true);
      if (type === ND_NEIGHBOR_SOLICIT) putm('arp_sha', 'ipv6_nd_sll');
      if (type === ND_NEIGHBOR_ADVERT) putm('arp_tha', 'ipv6_nd_tll');
    }
  }
}
