/**
 * Tag and TTL actions on a packet's bytes (OpenFlow 1.3.5 section 7.2.5): push/pop of
 * VLAN, MPLS and PBB headers, and the TTL actions. A pushed header copies its fields from
 * the existing outermost header of its kind, else from the packet (MPLS TTL from the IP
 * TTL, PBB I-SID 0 and I-PCP from the VLAN PCP), else zero. MPLS goes after any VLAN tags,
 * VLAN tags right after the MAC addresses. An action on a packet that lacks its header
 * does nothing; a TTL decrement that would reach zero reports it (the caller drops the
 * packet or sends it to the controller with OFPR_INVALID_TTL).
 */
import { adjust, onesSum } from './checksum.js';
import type { Packet } from './packet.js';
import { ETH_TYPE } from './packet-parse.js';

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

export function pushVlan(p: Packet, tpid: number): void {
  if (p.layout.typeAt < 0) return;
  const tci = p.layout.vlans > 0 ? u16(p.bytes, 14) : 0;
  p.splice(12, 0, [tpid >> 8, tpid & 0xff, tci >> 8, tci & 0xff]);
}

export function popVlan(p: Packet): void {
  if (p.layout.vlans > 0) p.splice(12, 4);
}

/** IPv4 TTL / IPv6 hop limit offset of the packet's (unlabelled) IP header, or -1. */
function ipTtlAt(p: Packet): number {
  const l = p.layout;
  if (l.l3 < 0) return -1;
  if (l.ethType === ETH_TYPE.IPV4) return l.l3 + 8;
  if (l.ethType === ETH_TYPE.IPV6) return l.l3 + 7;
  return -1;
}

export function pushMpls(p: Packet, ethertype: number): void {
  const l = p.layout;
  if (l.typeAt < 0 || u16(p.bytes, l.typeAt) < 0x600) return;
  let lse: number[];
  if (l.mpls >= 0) {
    const b = p.bytes;
    lse = [b[l.mpls]!, b[l.mpls + 1]!, b[l.mpls + 2]! & 0xfe, b[l.mpls + 3]!];
  } else {
    const ttlAt = ipTtlAt(p);
    lse = [0, 0, 0x01, ttlAt >= 0 ? p.bytes[ttlAt]! : 0];
  }
  const at = l.typeAt;
  p.bytes[at] = ethertype >> 8;
  p.bytes[at + 1] = ethertype & 0xff;
  p.splice(at + 2, 0, lse);
}

export function popMpls(p: Packet, ethertype: number): void {
  const l = p.layout;
  if (l.mpls < 0) return;
  const bos = (p.bytes[l.mpls + 2]! & 1) === 1;
  if (bos) {
    p.bytes[l.typeAt] = ethertype >> 8;
    p.bytes[l.typeAt + 1] = ethertype & 0xff;
  }
  p.splice(l.mpls, 4);
}

export function pushPbb(p: Packet, ethertype: number): void {
  const l = p.layout;
  if (l.typeAt < 0) return;
  const b = p.bytes;
  const pcp = l.vlans > 0 ? b[14]! >> 5 : 0;
  const isid = l.pbb >= 0 ? [b[l.pbb + 1]!, b[l.pbb + 2]!, b[l.pbb + 3]!] : [0, 0, 0];
  const head = [...b.subarray(0, 12), ethertype >> 8, ethertype & 0xff, pcp << 5, ...isid];
  p.splice(0, 0, head);
}

export function popPbb(p: Packet): void {
  if (p.layout.pbb >= 0) p.splice(0, p.layout.pbb + 4);
}

export function setMplsTtl(p: Packet, ttl: number): void {
  if (p.layout.mpls < 0) return;
  p.bytes[p.layout.mpls + 3] = ttl;
}

/** Decrements the top MPLS TTL; false when it is 0 or 1 (the packet must not go on). */
export function decMplsTtl(p: Packet): boolean {
  const at = p.layout.mpls + 3;
  if (p.layout.mpls < 0) return true;
  const ttl = p.bytes[at]!;
  if (ttl <= 1) return false;
  p.bytes[at] = ttl - 1;
  return true;
}

/** Writes an IP TTL; an IPv4 header checksum is adjusted incrementally (TTL is byte 8). */
function writeIpTtl(p: Packet, ipAt: number, ttlAt: number, ttl: number): void {
  const b = p.bytes;
  if (b[ipAt]! >> 4 !== 4) {
    b[ttlAt] = ttl;
    return;
  }
  const before = onesSum(b, ttlAt, ttlAt + 2);
  b[ttlAt] = ttl;
  adjust(b, ipAt + 10, before, onesSum(b, ttlAt, ttlAt + 2));
}

export function setNwTtl(p: Packet, ttl: number): void {
  const at = ipTtlAt(p);
  if (at >= 0) writeIpTtl(p, p.layout.l3, at, ttl);
}

/** Decrements the IP TTL / hop limit; false when it is 0 or 1. */
export function decNwTtl(p: Packet): boolean {
  const at = ipTtlAt(p);
  if (at < 0) return true;
  const ttl = p.bytes[at]!;
  if (ttl <= 1) return false;
  writeIpTtl(p, p.layout.l3, at, ttl - 1);
  return true;
}

/** The header under the top MPLS label: the next label, or the IP header when BoS. */
function innerTtl(p: Packet): { ipAt: number; ttlAt: number } | undefined {
  const m = p.layout.mpls;
  const b = p.bytes;
  if (m < 0 || m + 8 > b.length) return undefined;
  if ((b[m + 2]! & 1) === 0) return { ipAt: -1, ttlAt: m + 7 };
  const version = b[m + 4]! >> 4;
  if (version === 4 && m + 24 <= b.length) return { ipAt: m + 4, ttlAt: m + 12 };
  if (version === 6 && m + 44 <= b.length) return { ipAt: m + 4, ttlAt: m + 11 };
  return undefined;
}

/** copy_ttl_out: next-to-outermost TTL to the outermost (IP to MPLS, MPLS to MPLS). */
export function copyTtlOut(p: Packet): void {
  const inner = innerTtl(p);
  if (inner) p.bytes[p.layout.mpls + 3] = p.bytes[inner.ttlAt]!;
}

/** copy_ttl_in: outermost TTL to the next-to-outermost (MPLS to MPLS, MPLS to IP). */
export function copyTtlIn(p: Packet): void {
  const inner = innerTtl(p);
  if (!inner) return;
  const ttl = p.bytes[p.layout.mpls + 3]!;
  if (inner.ipAt < 0) p.bytes[inner.ttlAt] = ttl;
  else writeIpTtl(p, inner.ipAt, inner.ttlAt, ttl);
}
