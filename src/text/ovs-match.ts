/**
 * A match as Open vSwitch holds it: one value and one mask per flow field, where several
 * OXM fields share storage (tp_src carries TCP, UDP and SCTP ports and the ICMP type;
 * nw_proto carries the ARP opcode; vlan_tci carries vlan_vid and vlan_pcp; nw_tos carries
 * ip_dscp and ip_ecn). ovs-ofctl parses text into this form, prints from it, and encodes
 * OXM from it in its fixed order, so holding the same form here is what makes the text and
 * the bytes come out as ovs-ofctl's.
 */
import { assertNever, type Match, type OxmEntry, type OxmRaw } from '../codec/index.js';

export type Fid =
  | 'in_port'
  | 'in_phy_port'
  | 'metadata'
  | 'tun_id'
  | 'dl_src'
  | 'dl_dst'
  | 'dl_type'
  | 'vlan_tci'
  | 'vlan_tci1'
  | 'mpls_label'
  | 'mpls_tc'
  | 'mpls_bos'
  | 'mpls_ttl'
  | 'nw_src'
  | 'nw_dst'
  | 'ipv6_src'
  | 'ipv6_dst'
  | 'ipv6_label'
  | 'nw_proto'
  | 'nw_tos'
  | 'nw_ttl'
  | 'nw_frag'
  | 'tp_src'
  | 'tp_dst'
  | 'arp_sha'
  | 'arp_tha'
  | 'nd_target'
  | 'pbb_isid'
  | 'ipv6_exthdr';

/** Width in bits of each flow field. */
export const FID_BITS: Readonly<Record<Fid, number>> = {
  in_port: 32,
  in_phy_port: 32,
  metadata: 64,
  tun_id: 64,
  dl_src: 48,
  dl_dst: 48,
  dl_type: 16,
  vlan_tci: 16,
  vlan_tci1: 16,
  mpls_label: 20,
  mpls_tc: 3,
  mpls_bos: 1,
  mpls_ttl: 8,
  nw_src: 32,
  nw_dst: 32,
  ipv6_src: 128,
  ipv6_dst: 128,
  ipv6_label: 20,
  nw_proto: 8,
  nw_tos: 8,
  nw_ttl: 8,
  nw_frag: 2,
  tp_src: 16,
  tp_dst: 16,
  arp_sha: 48,
  arp_tha: 48,
  nd_target: 128,
  pbb_isid: 24,
  ipv6_exthdr: 9,
};

export const ETH_TYPE = {
  IP: 0x0800,
  ARP: 0x0806,
  RARP: 0x8035,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
  PBB: 0x88e7,
} as const;
export const IPPROTO = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, SCTP: 132, ICMPV6: 58 } as const;
export const VLAN_CFI = 0x1000;
export const VLAN_VID_MASK = 0x0fff;
export const VLAN_PCP_MASK = 0xe000;
export const ND_NEIGHBOR_SOLICIT = 135;
export const ND_NEIGHBOR_ADVERT = 136;

/** Nicira NXM class and the extension fields ovs-ofctl puts in OpenFlow 1.3 matches. */
export const NXM_CLASS = 0x0001;
export const NXM_IP_TTL = 29;
export const NXM_IP_FRAG = 26;
/** OXM packet_type (OpenFlow 1.5, field 44), which OVS adds for "Ethernet only". */
export const OXM_PACKET_TYPE = 44;

export const allOnes = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/**
 * Every field at zero, as an object literal: V8 builds it from one boilerplate with fast
 * properties, where filling an empty object key by key left it in dictionary mode (the
 * constructor was most of dump-flows' time on big tables).
 */
function zeroFields(): Record<Fid, bigint> {
  return {
    in_port: 0n,
    in_phy_port: 0n,
    metadata: 0n,
    tun_id: 0n,
    dl_src: 0n,
    dl_dst: 0n,
    dl_type: 0n,
    vlan_tci: 0n,
    vlan_tci1: 0n,
    mpls_label: 0n,
    mpls_tc: 0n,
    mpls_bos: 0n,
    mpls_ttl: 0n,
    nw_src: 0n,
    nw_dst: 0n,
    ipv6_src: 0n,
    ipv6_dst: 0n,
    ipv6_label: 0n,
    nw_proto: 0n,
    nw_tos: 0n,
    nw_ttl: 0n,
    nw_frag: 0n,
    tp_src: 0n,
    tp_dst: 0n,
    arp_sha: 0n,
    arp_tha: 0n,
    nd_target: 0n,
    pbb_isid: 0n,
    ipv6_exthdr: 0n,
  };
}

export class OvsMatch {
  /**
   * The second VLAN tag's TCI (Open vSwitch's flow->vlans[1]): tracked only by the action
   * consistency check, which follows push_vlan and pop_vlan through two tags as OVS does.
   */
  innerVlanTci = 0n;
  readonly v = zeroFields();
  readonly m = zeroFields();
  /** TLVs of classes this model does not hold, kept in order for re-encoding. */
  raw: OxmRaw[] = [];
  /** OVS's "packet_type=Ethernet" flag: set by any field that needs an Ethernet frame. */
  ethernet = false;

  clone(): OvsMatch {
    const c = new OvsMatch();
    c.innerVlanTci = this.innerVlanTci;
    Object.assign(c.v, this.v);
    Object.assign(c.m, this.m);
    c.raw = [...this.raw];
    c.ethernet = this.ethernet;
    return c;
  }

  /** Sets field `f` to `value` under `mask` (value bits outside the mask are dropped). */
  set(f: Fid, value: bigint, mask: bigint = allOnes(FID_BITS[f])): void {
    this.m[f] = mask;
    this.v[f] = value & mask;
  }

  clear(f: Fid): void {
    this.v[f] = 0n;
    this.m[f] = 0n;
  }

  has(f: Fid): boolean {
    return this.m[f] !== 0n;
  }

  exact(f: Fid): boolean {
    return this.m[f] === allOnes(FID_BITS[f]);
  }

  num(f: Fid): number {
    return Number(this.v[f]);
  }

  /** dl_type if matched, else 0. */
  get dlType(): number {
    return this.has('dl_type') ? this.num('dl_type') : 0;
  }

  /** match_set_vlan_vid_masked: `vid` is OpenFlow 1.3's (OFPVID_PRESENT = the CFI bit). */
  setVlanVid(vid: number, mask = 0x1fff): void {
    const vm = mask & 0x1fff;
    const tci = (this.num('vlan_tci') & ~0x1fff) | (vid & vm);
    this.m.vlan_tci = BigInt(vm | (Number(this.m.vlan_tci) & VLAN_PCP_MASK));
    this.v.vlan_tci = BigInt(tci) & this.m.vlan_tci;
  }

  /** match_set_dl_vlan: a 12-bit VID with the tag present (OFP10_VLAN_NONE = no tag). */
  setDlVlan(vid: number): void {
    if (vid === 0xffff) {
      this.set('vlan_tci', 0n);
      return;
    }
    const tci = (this.num('vlan_tci') & ~0x1fff) | VLAN_CFI | (vid & VLAN_VID_MASK);
    this.m.vlan_tci |= BigInt(VLAN_VID_MASK | VLAN_CFI);
    this.v.vlan_tci = BigInt(tci) & this.m.vlan_tci;
  }

  /** match_set_dl_vlan_pcp: a priority with the tag present. */
  setVlanPcp(pcp: number): void {
    const tci = (this.num('vlan_tci') & ~VLAN_PCP_MASK) | VLAN_CFI | ((pcp & 7) << 13);
    this.m.vlan_tci |= BigInt(VLAN_CFI | VLAN_PCP_MASK);
    this.v.vlan_tci = BigInt(tci) & this.m.vlan_tci;
  }

  /** Sets the DSCP bits (upper six) or ECN bits (lower two) of nw_tos. */
  setTosBits(bits: number, value: number): void {
    this.m.nw_tos |= BigInt(bits);
    this.v.nw_tos = (this.v.nw_tos & ~BigInt(bits)) | BigInt(value & bits);
  }

  isIp(): boolean {
    const t = this.dlType;
    return t === ETH_TYPE.IP || t === ETH_TYPE.IPV6;
  }
}

const big = (v: number | bigint): bigint => BigInt(v);

/** Reads an OXM match into OVS's form (oxm_pull_match + mf_set for each field). */
export function fromOxm(match: Match): OvsMatch {
  const om = new OvsMatch();
  for (const e of match) applyOxm(om, e);
  return om;
}

function applyOxm(om: OvsMatch, e: OxmEntry): void {
  if (e.field === 'raw') {
    if (e.oxmClass === 0x8000 && e.oxmField === OXM_PACKET_TYPE && !e.hasMask) {
      const pt = Buffer.from(e.payload).readUInt32BE(0);
      if (pt === 0) {
        om.ethernet = true;
        return;
      }
    }
    if (e.oxmClass === NXM_CLASS && e.oxmField === NXM_IP_TTL && !e.hasMask) {
      om.set('nw_ttl', big(e.payload[0] ?? 0));
      return;
    }
    if (e.oxmClass === NXM_CLASS && e.oxmField === NXM_IP_FRAG) {
      om.set('nw_frag', big(e.payload[0] ?? 0) & 3n, e.hasMask ? big(e.payload[1] ?? 0) & 3n : 3n);
      return;
    }
    om.raw.push(e);
    return;
  }
  const v = big(e.value);
  const mask = e.mask === undefined ? undefined : big(e.mask);
  const setm = (f: Fid) => om.set(f, v, mask ?? allOnes(FID_BITS[f]));
  switch (e.field) {
    case 'in_port':
    case 'in_phy_port':
    case 'metadata':
    case 'ipv6_src':
    case 'ipv6_dst':
    case 'mpls_label':
    case 'mpls_tc':
    case 'mpls_bos':
    case 'pbb_isid':
    case 'ipv6_exthdr':
      return setm(e.field);
    case 'tunnel_id':
      return setm('tun_id');
    case 'eth_dst':
      return setm('dl_dst');
    case 'eth_src':
      return setm('dl_src');
    case 'eth_type':
      return setm('dl_type');
    case 'vlan_vid':
      return om.setVlanVid(Number(v), mask === undefined ? 0x1fff : Number(mask));
    case 'vlan_pcp':
      return om.setVlanPcp(Number(v));
    case 'ip_dscp':
      return om.setTosBits(0xfc, Number(v) << 2);
    case 'ip_ecn':
      return om.setTosBits(0x03, Number(v));
    case 'ip_proto':
      return setm('nw_proto');
    case 'ipv4_src':
    case 'arp_spa':
      return setm('nw_src');
    case 'ipv4_dst':
    case 'arp_tpa':
      return setm('nw_dst');
    case 'tcp_src':
    case 'udp_src':
    case 'sctp_src':
    case 'icmpv4_type':
    case 'icmpv6_type':
      return setm('tp_src');
    case 'tcp_dst':
    case 'udp_dst':
    case 'sctp_dst':
    case 'icmpv4_code':
    case 'icmpv6_code':
      return setm('tp_dst');
    case 'arp_op':
      return om.set('nw_proto', v & 0xffn);
    case 'arp_sha':
    case 'ipv6_nd_sll':
      return setm('arp_sha');
    case 'arp_tha':
    case 'ipv6_nd_tll':
      return setm('arp_tha');
    case 'ipv6_flabel':
      return setm('ipv6_label');
    case 'ipv6_nd_target':
      return setm('nd_target');
    default:
      return assertNever(e, 'OXM field');
  }
}
