/**
 * Packet parsing: raw Ethernet bytes to the header words of a flow key (flow-key.ts),
 * plus the offsets of each header so actions can rewrite them in place. Covers 802.1Q
 * and QinQ tags (0x8100, 0x88a8, 0x9100; vlan_vid/pcp from the outermost, eth_type after
 * the last), 802.3 LLC/SNAP, MPLS (top label), PBB (I-TAG), ARP, IPv4 (later fragments
 * carry no L4 fields), IPv6 with extension headers (ipv6_exthdr bits, OpenFlow 1.3.5
 * section 7.2.3.8), TCP, UDP, SCTP, ICMPv4, ICMPv6 and neighbour discovery.
 *
 * Never throws: a truncated or malformed header simply leaves its fields zero, the way
 * Open vSwitch's flow_extract() stops at the first header it cannot read.
 */
import { KEY_WORDS, W } from './flow-key.js';

export const ETH_TYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  VLAN_9100: 0x9100,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
  PBB: 0x88e7,
  /** What OVS reports for an 802.3 frame without SNAP. */
  NONE: 0x05ff,
} as const;

export const IP_PROTO = { ICMP: 1, TCP: 6, UDP: 17, SCTP: 132, ICMPV6: 58 } as const;

/** ipv6_exthdr bits (OFPIEH_*). */
export const IEH = {
  NONEXT: 1 << 0,
  ESP: 1 << 1,
  AUTH: 1 << 2,
  DEST: 1 << 3,
  FRAG: 1 << 4,
  ROUTER: 1 << 5,
  HOP: 1 << 6,
  UNREP: 1 << 7,
  UNSEQ: 1 << 8,
} as const;

/** Where each header sits in the frame (-1: absent). */
export interface PacketLayout {
  /** VLAN tags right after the MAC addresses, 4 bytes each from offset 12. */
  vlans: number;
  /** Offset of the innermost ethertype field (12 + 4 * vlans), -1 for a runt. */
  typeAt: number;
  /** The innermost ethertype (after SNAP decoding), 0 for a runt. */
  ethType: number;
  /** Offset of the top MPLS label stack entry. */
  mpls: number;
  /** Offset of the PBB I-TAG. */
  pbb: number;
  /** Offset of the ARP, IPv4 or IPv6 header. */
  l3: number;
  /** End of the IP packet (total/payload length), at most the frame's length. */
  l3End: number;
  ipProto: number;
  /** Offset of the TCP/UDP/SCTP/ICMP header (absent for later fragments). */
  l4: number;
  /** Offsets of the 6-byte link-layer address in an ND SLL/TLL option. */
  ndSll: number;
  ndTll: number;
}

export function emptyLayout(): PacketLayout {
  return {
    vlans: 0,
    typeAt: -1,
    ethType: 0,
    mpls: -1,
    pbb: -1,
    l3: -1,
    l3End: -1,
    ipProto: 0,
    l4: -1,
    ndSll: -1,
    ndTll: -1,
  };
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const isVlanTpid = (t: number) =>
  t === ETH_TYPE.VLAN || t === ETH_TYPE.QINQ || t === ETH_TYPE.VLAN_9100;

/** Reads a 6-byte MAC at `o` into a low word and a 16-bit high half. */
function macLo(b: Uint8Array, o: number): number {
  return u32(b, o + 2);
}
function macHi(b: Uint8Array, o: number): number {
  return u16(b, o);
}

/**
 * Parses `b` into the header words of `key` (words from W.DL_DST on are overwritten;
 * the pipeline words in_port .. tunnel_id are left to the caller) and fills `layout`.
 */
export function parsePacket(b: Uint8Array, key: Uint32Array, layout: PacketLayout): void {
  key.fill(0, W.DL_DST, KEY_WORDS);
  const l = layout;
  l.vlans = 0;
  l.typeAt = -1;
  l.ethType = 0;
  l.mpls = -1;
  l.pbb = -1;
  l.l3 = -1;
  l.l3End = -1;
  l.ipProto = 0;
  l.l4 = -1;
  l.ndSll = -1;
  l.ndTll = -1;
  const len = b.length;
  if (len < 14) return;
  key[W.DL_DST] = macLo(b, 0);
  key[W.DL_SRC] = macLo(b, 6);
  key[W.DL_HI] = ((macHi(b, 0) << 16) | macHi(b, 6)) >>> 0;
  let off = 12;
  let type = u16(b, off);
  let l2 = 0;
  while (isVlanTpid(type) && off + 6 <= len) {
    if (l.vlans === 0) {
      const tci = u16(b, off + 2);
      l2 = (((tci & 0xfff) | 0x1000) << 3) | (tci >>> 13);
    }
    l.vlans++;
    off += 4;
    type = u16(b, off);
  }
  l.typeAt = off;
  let next = off + 2;
  if (type < 0x600) {
    // 802.3 length field: only LLC/SNAP with a zero OUI carries an ethertype.
    if (len >= next + 8 && b[next] === 0xaa && b[next + 1] === 0xaa && b[next + 2] === 0x03) {
      if (b[next + 3] === 0 && b[next + 4] === 0 && b[next + 5] === 0) {
        type = u16(b, next + 6);
        next += 8;
      } else type = ETH_TYPE.NONE;
    } else type = ETH_TYPE.NONE;
  }
  l.ethType = type;
  key[W.L2] = ((type << 16) | l2) >>> 0;
  switch (type) {
    case ETH_TYPE.MPLS:
    case ETH_TYPE.MPLS_MCAST:
      if (next + 4 <= len) {
        l.mpls = next;
        const lse = u32(b, next);
        key[W.MPLS] = ((lse >>> 12) << 4) | (((lse >>> 9) & 7) << 1) | ((lse >>> 8) & 1);
      }
      return;
    case ETH_TYPE.PBB:
      if (next + 4 <= len) {
        l.pbb = next;
        key[W.PBB_ISID] = u32(b, next) & 0xffffff;
      }
      return;
    case ETH_TYPE.ARP:
      parseArp(b, next, key, l);
      return;
    case ETH_TYPE.IPV4:
      parseIpv4(b, next, key, l);
      return;
    case ETH_TYPE.IPV6:
      parseIpv6(b, next, key, l);
      return;
    default:
      return;
  }
}

function parseArp(b: Uint8Array, o: number, key: Uint32Array, l: PacketLayout): void {
  if (o + 28 > b.length) return;
  if (u16(b, o) !== 1 || u16(b, o + 2) !== ETH_TYPE.IPV4 || b[o + 4] !== 6 || b[o + 5] !== 4) {
    return;
  }
  l.l3 = o;
  l.l3End = o + 28;
  key[W.ARP_OP] = u16(b, o + 6);
  key[W.ARP_SHA] = macLo(b, o + 8);
  key[W.ARP_SPA] = u32(b, o + 14);
  key[W.ARP_THA] = macLo(b, o + 18);
  key[W.ARP_TPA] = u32(b, o + 24);
  key[W.ARP_HI] = ((macHi(b, o + 8) << 16) | macHi(b, o + 18)) >>> 0;
}

function parseIpv4(b: Uint8Array, o: number, key: Uint32Array, l: PacketLayout): void {
  if (o + 20 > b.length || b[o]! >> 4 !== 4) return;
  const ihl = (b[o]! & 0x0f) * 4;
  const total = u16(b, o + 2);
  // As Open vSwitch: a total length past the frame makes the L3 header unusable.
  if (ihl < 20 || total < ihl || o + total > b.length) return;
  l.l3 = o;
  l.l3End = o + total;
  const tos = b[o + 1]!;
  const proto = b[o + 9]!;
  l.ipProto = proto;
  key[W.NW] = ((proto << 24) | ((tos >> 2) << 18) | ((tos & 3) << 16)) >>> 0;
  key[W.NW_SRC] = u32(b, o + 12);
  key[W.NW_DST] = u32(b, o + 16);
  const fragOffset = u16(b, o + 6) & 0x1fff;
  if (fragOffset !== 0) return;
  parseL4(b, o + ihl, l.l3End, proto, key, l);
}

/** Rank of each extension header in RFC 8200's recommended order (DEST appears twice). */
const EXT_ORDER: Readonly<Record<number, number>> = { 0: 0, 60: 1, 43: 2, 44: 3, 51: 4, 50: 5 };
const EXT_BIT: Readonly<Record<number, number>> = {
  0: IEH.HOP,
  60: IEH.DEST,
  43: IEH.ROUTER,
  44: IEH.FRAG,
  51: IEH.AUTH,
  50: IEH.ESP,
};

function parseIpv6(b: Uint8Array, o: number, key: Uint32Array, l: PacketLayout): void {
  if (o + 40 > b.length || b[o]! >> 4 !== 6) return;
  // As Open vSwitch: a payload length past the frame makes the header unusable.
  if (o + 40 + u16(b, o + 4) > b.length) return;
  l.l3 = o;
  l.l3End = o + 40 + u16(b, o + 4);
  const vtf = u32(b, o);
  const tclass = (vtf >>> 20) & 0xff;
  key[W.IPV6_FLABEL] = vtf & 0xfffff;
  for (let i = 0; i < 4; i++) {
    key[W.IPV6_SRC + i] = u32(b, o + 8 + 4 * i);
    key[W.IPV6_DST + i] = u32(b, o + 24 + 4 * i);
  }
  let nh = b[o + 6]!;
  let at = o + 40;
  let bits = 0;
  let rank = -1;
  let destSeen = 0;
  let later = false;
  const end = l.l3End;
  for (;;) {
    const bit = EXT_BIT[nh];
    if (bit === undefined) break;
    // The second Destination Options header is the one just before the upper layer.
    let r = EXT_ORDER[nh]!;
    if (nh === 60 && rank >= 2) r = 6;
    if (nh === 0 && at !== o + 40) bits |= IEH.UNSEQ;
    if (r < rank) bits |= IEH.UNSEQ;
    if (bits & bit && !(nh === 60 && destSeen === 1 && r === 6)) bits |= IEH.UNREP;
    if (nh === 60) destSeen++;
    bits |= bit;
    rank = Math.max(rank, r);
    if (nh === 50) break; // ESP: the rest is encrypted.
    if (at + 8 > end) {
      nh = -1;
      break;
    }
    const following = b[at]!;
    if (nh === 44) {
      if ((u16(b, at + 2) & 0xfff8) !== 0) later = true;
      at += 8;
    } else if (nh === 51) {
      at += (b[at + 1]! + 2) * 4;
    } else {
      at += (b[at + 1]! + 1) * 8;
    }
    nh = following;
  }
  if (nh === 59) bits |= IEH.NONEXT;
  const proto = Math.max(nh, 0);
  l.ipProto = proto;
  key[W.NW] = ((proto << 24) | ((tclass >> 2) << 18) | ((tclass & 3) << 16) | bits) >>> 0;
  if (later || nh < 0 || EXT_BIT[nh] !== undefined) return;
  parseL4(b, at, end, proto, key, l);
}

function parseL4(
  b: Uint8Array,
  o: number,
  end: number,
  proto: number,
  key: Uint32Array,
  l: PacketLayout,
): void {
  switch (proto) {
    case IP_PROTO.TCP:
      if (o + 20 > end) return;
      break;
    case IP_PROTO.UDP:
      if (o + 8 > end) return;
      break;
    case IP_PROTO.SCTP:
      if (o + 12 > end) return;
      break;
    case IP_PROTO.ICMP:
    case IP_PROTO.ICMPV6:
      if (o + 4 > end) return;
      key[W.TP] = ((b[o]! << 16) | b[o + 1]!) >>> 0;
      l.l4 = o;
      if (proto === IP_PROTO.ICMPV6) parseNd(b, o, end, key, l);
      return;
    default:
      return;
  }
  l.l4 = o;
  key[W.TP] = u32(b, o);
}

function parseNd(b: Uint8Array, o: number, end: number, key: Uint32Array, l: PacketLayout) {
  const type = b[o]!;
  if ((type !== 135 && type !== 136) || b[o + 1] !== 0 || o + 24 > end) return;
  for (let i = 0; i < 4; i++) key[W.ND_TARGET + i] = u32(b, o + 8 + 4 * i);
  let at = o + 24;
  let sll = -1;
  let tll = -1;
  while (at + 8 <= end) {
    const optType = b[at]!;
    const optLen = b[at + 1]! * 8;
    if (optLen === 0 || at + optLen > end) break;
    if (optLen === 8) {
      // A repeated address option makes the message invalid: keep neither (as OVS).
      if (optType === 1 && type === 135) sll = sll < 0 ? at + 2 : -2;
      if (optType === 2 && type === 136) tll = tll < 0 ? at + 2 : -2;
    }
    at += optLen;
  }
  if (sll === -2 || tll === -2) {
    key.fill(0, W.ND_TARGET, W.ND_TARGET + 4);
    return;
  }
  if (sll >= 0) {
    l.ndSll = sll;
    key[W.ND_SLL] = macLo(b, sll);
    key[W.ND_HI] = (key[W.ND_HI]! | (macHi(b, sll) << 16)) >>> 0;
  }
  if (tll >= 0) {
    l.ndTll = tll;
    key[W.ND_TLL] = macLo(b, tll);
    key[W.ND_HI] = (key[W.ND_HI]! | macHi(b, tll)) >>> 0;
  }
}
