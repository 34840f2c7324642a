/**
 * Where each OXM basic field lives in the flow key (see the essay in flow-key.ts): word
 * indices W, the key width KEY_WORDS, and per field the parts (word, shift, bits, value
 * offset) that hold its value. Data only; flow-key.ts and match-key.ts read and write it.
 */
import { OXM_FIELDS, type OxmName } from '../codec/index.js';

/** Word indices of the flow key. */
export const W = {
  IN_PORT: 0,
  IN_PHY_PORT: 1,
  METADATA_HI: 2,
  METADATA_LO: 3,
  TUNNEL_HI: 4,
  TUNNEL_LO: 5,
  /** Low 32 bits of eth_dst. */
  DL_DST: 6,
  /** Low 32 bits of eth_src. */
  DL_SRC: 7,
  /** eth_dst bits 47..32 << 16 | eth_src bits 47..32. */
  DL_HI: 8,
  /** eth_type << 16 | vlan_vid (13 bits, OFPVID_PRESENT included) << 3 | vlan_pcp. */
  L2: 9,
  /** ip_proto << 24 | ip_dscp << 18 | ip_ecn << 16 | ipv6_exthdr (9 bits). */
  NW: 10,
  NW_SRC: 11,
  NW_DST: 12,
  /** Port source (or ICMP type) << 16 | port destination (or ICMP code). */
  TP: 13,
  ARP_SPA: 14,
  ARP_TPA: 15,
  ARP_SHA: 16,
  ARP_THA: 17,
  /** arp_sha bits 47..32 << 16 | arp_tha bits 47..32. */
  ARP_HI: 18,
  ARP_OP: 19,
  /** mpls_label << 4 | mpls_tc << 1 | mpls_bos. */
  MPLS: 20,
  PBB_ISID: 21,
  IPV6_FLABEL: 22,
  /** Four words each, most significant first. */
  IPV6_SRC: 23,
  IPV6_DST: 27,
  ND_TARGET: 31,
  ND_SLL: 35,
  ND_TLL: 36,
  /** nd_sll bits 47..32 << 16 | nd_tll bits 47..32. */
  ND_HI: 37,
} as const;

export const KEY_WORDS = 38;

/** Value bits [offset, offset + bits) of a field live in bits [shift, shift + bits) of `word`. */
export interface KeyPart {
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
  readonly offset: number;
}

export interface KeyField {
  readonly name: OxmName;
  readonly parts: readonly KeyPart[];
  /** Values are bigints (64- and 128-bit fields). */
  readonly big: boolean;
}

const p = (word: number, shift: number, bits: number, offset = 0): KeyPart => ({
  word,
  shift,
  bits,
  offset,
});
const mac = (lo: number, hiShift: number) => [p(lo, 0, 32), p(W.DL_HI, hiShift, 16, 32)];
const u128 = (w: number) => [
  p(w, 0, 32, 96),
  p(w + 1, 0, 32, 64),
  p(w + 2, 0, 32, 32),
  p(w + 3, 0, 32),
];
const u64 = (w: number) => [p(w, 0, 32, 32), p(w + 1, 0, 32)];

const LAYOUT: Readonly<Record<OxmName, readonly KeyPart[]>> = {
  in_port: [p(W.IN_PORT, 0, 32)],
  in_phy_port: [p(W.IN_PHY_PORT, 0, 32)],
  metadata: u64(W.METADATA_HI),
  eth_dst: mac(W.DL_DST, 16),
  eth_src: mac(W.DL_SRC, 0),
  eth_type: [p(W.L2, 16, 16)],
  vlan_vid: [p(W.L2, 3, 13)],
  vlan_pcp: [p(W.L2, 0, 3)],
  ip_dscp: [p(W.NW, 18, 6)],
  ip_ecn: [p(W.NW, 16, 2)],
  ip_proto: [p(W.NW, 24, 8)],
  ipv4_src: [p(W.NW_SRC, 0, 32)],
  ipv4_dst: [p(W.NW_DST, 0, 32)],
  tcp_src: [p(W.TP, 16, 16)],
  tcp_dst: [p(W.TP, 0, 16)],
  udp_src: [p(W.TP, 16, 16)],
  udp_dst: [p(W.TP, 0, 16)],
  sctp_src: [p(W.TP, 16, 16)],
  sctp_dst: [p(W.TP, 0, 16)],
  icmpv4_type: [p(W.TP, 16, 8)],
  icmpv4_code: [p(W.TP, 0, 8)],
  arp_op: [p(W.ARP_OP, 0, 16)],
  arp_spa: [p(W.ARP_SPA, 0, 32)],
  arp_tpa: [p(W.ARP_TPA, 0, 32)],
  arp_sha: [p(W.ARP_SHA, 0, 32), p(W.ARP_HI, 16, 16, 32)],
  arp_tha: [p(W.ARP_THA, 0, 32), p(W.ARP_HI, 0, 16, 32)],
  ipv6_src: u128(W.IPV6_SRC),
  ipv6_dst: u128(W.IPV6_DST),
  ipv6_flabel: [p(W.IPV6_FLABEL, 0, 20)],
  icmpv6_type: [p(W.TP, 16, 8)],
  icmpv6_code: [p(W.TP, 0, 8)],
  ipv6_nd_target: u128(W.ND_TARGET),
  ipv6_nd_sll: [p(W.ND_SLL, 0, 32), p(W.ND_HI, 16, 16, 32)],
  ipv6_nd_tll: [p(W.ND_TLL, 0, 32), p(W.ND_HI, 0, 16, 32)],
  mpls_label: [p(W.MPLS, 4, 20)],
  mpls_tc: [p(W.MPLS, 1, 3)],
  mpls_bos: [p(W.MPLS, 0, 1)],
  pbb_isid: [p(W.PBB_ISID, 0, 24)],
  tunnel_id: u64(W.TUNNEL_HI),
  ipv6_exthdr: [p(W.NW, 0, 9)],
};

export const KEY_FIELDS: ReadonlyMap<OxmName, KeyField> = new Map(
  OXM_FIELDS.map((f) => [f.name, { name: f.name, parts: LAYOUT[f.name], big: f.big }]),
);
