/**
 * The set_field action on a packet's bytes (OpenFlow 1.3.5 section 7.2.5): writes the
 * field where the header carries it and updates the IPv4 header checksum and the L4
 * checksum incrementally (TCP, UDP, ICMPv4, ICMPv6, and SCTP's CRC32c when it was
 * right). Fields that cannot be set at all are refused earlier, by the FLOW_MOD check
 * (SETTABLE); a field the packet does not carry (a VLAN VID on an untagged packet) is
 * ignored, as Open vSwitch does after the check.
 */
import { OXM_FIELDS, type OxmBasic, type OxmName } from '../codec/index.js';
import { adjust, onesSum, readSctpChecksum, sctpChecksum, writeSctpChecksum } from './checksum.js';
import type { Packet } from './packet.js';
import { ETH_TYPE, IP_PROTO } from './packet-parse.js';

/**
 * Fields a set_field action may write: every OXM field but those that say what the
 * headers are (eth_type, ip_proto, ipv6_exthdr) and the physical port. The rest give
 * OFPBAC_BAD_SET_TYPE.
 */
const UNSETTABLE: ReadonlySet<OxmName> = new Set<OxmName>([
  'in_phy_port',
  'eth_type',
  'ip_proto',
  'ipv6_exthdr',
]);
export const SETTABLE: ReadonlySet<OxmName> = new Set(
  OXM_FIELDS.map((f) => f.name).filter((n) => !UNSETTABLE.has(n)),
);

function be(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return out;
}

/** Offset in the ARP header and size of each ARP field. */
const ARP_AT = {
  arp_op: [6, 2],
  arp_sha: [8, 6],
  arp_spa: [14, 4],
  arp_tha: [18, 6],
  arp_tpa: [24, 4],
} as const;

interface Sum {
  readonly at: number;
  readonly zeroMeansNone: boolean;
}

/**
 * Writes `data` at `at`, keeping the checksums in `sums` right. Word alignment is
 * relative to the L3 header (every checksummed region starts at an even distance
 * from it).
 */
function write(p: Packet, at: number, data: readonly number[], sums: readonly Sum[]): void {
  const b = p.bytes;
  if (at + data.length > b.length) return;
  const base = Math.max(p.layout.l3, 0);
  const start = at - ((at - base) & 1);
  const end0 = at + data.length;
  const end = Math.min(end0 + ((end0 - base) & 1), b.length);
  const sctp = sctpValid(p);
  const before = onesSum(b, start, end);
  b.set(data, at);
  const after = onesSum(b, start, end);
  for (const s of sums) adjust(b, s.at, before, after, s.zeroMeansNone);
  if (sctp) writeSctpChecksum(b, p.layout.l4, sctpChecksum(b, p.layout.l4, p.layout.l3End));
}

function sctpValid(p: Packet): boolean {
  const l = p.layout;
  if (l.ipProto !== IP_PROTO.SCTP || l.l4 < 0) return false;
  return readSctpChecksum(p.bytes, l.l4) === sctpChecksum(p.bytes, l.l4, l.l3End);
}

const isV4 = (p: Packet) => p.layout.l3 >= 0 && p.layout.ethType === ETH_TYPE.IPV4;
const isV6 = (p: Packet) => p.layout.l3 >= 0 && p.layout.ethType === ETH_TYPE.IPV6;

/** The L4 checksum, if any, that covers the IP pseudo-header or the L4 header. */
function l4Sum(p: Packet, pseudo: boolean): Sum[] {
  const l = p.layout;
  if (l.l4 < 0) return [];
  switch (l.ipProto) {
    case IP_PROTO.TCP:
      return [{ at: l.l4 + 16, zeroMeansNone: false }];
    case IP_PROTO.UDP:
      return [{ at: l.l4 + 6, zeroMeansNone: isV4(p) }];
    case IP_PROTO.ICMP:
      return pseudo ? [] : [{ at: l.l4 + 2, zeroMeansNone: false }];
    case IP_PROTO.ICMPV6:
      return [{ at: l.l4 + 2, zeroMeansNone: false }];
    default:
      return [];
  }
}

const ipHeaderSum = (p: Packet): Sum[] =>
  isV4(p) ? [{ at: p.layout.l3 + 10, zeroMeansNone: false }] : [];

function writeTos(p: Packet, dscp: number | undefined, ecn: number | undefined): void {
  const l = p.layout;
  if (isV4(p)) {
    const tos = p.bytes[l.l3 + 1]!;
    const next = ((dscp ?? tos >> 2) << 2) | (ecn ?? tos & 3);
    write(p, l.l3 + 1, [next], ipHeaderSum(p));
  } else if (isV6(p)) {
    const w = (p.bytes[l.l3]! << 8) | p.bytes[l.l3 + 1]!;
    const tclass = (w >> 4) & 0xff;
    const next = ((dscp ?? tclass >> 2) << 2) | (ecn ?? tclass & 3);
    const w2 = (w & 0xf00f) | (next << 4);
    write(p, l.l3, [w2 >> 8, w2 & 0xff], []);
  }
}

/** Applies set_field `e` to `p`; returns false when the packet lacks the header. */
export function setField(p: Packet, e: OxmBasic): boolean {
  const l = p.layout;
  const v = BigInt(e.value);
  const n = Number(e.value);
  const l4 = (proto: number, off: number, bytes: number) => {
    if (l.l4 < 0 || l.ipProto !== proto) return false;
    write(p, l.l4 + off, be(v, bytes), l4Sum(p, false));
    return true;
  };
  switch (e.field) {
    case 'in_port':
      p.inPort = n;
      return true;
    case 'metadata':
      p.metadata = v;
      return true;
    case 'tunnel_id':
      p.tunnelId = v;
      return true;
    case 'eth_dst':
    case 'eth_src':
      if (l.typeAt < 0) return false;
      write(p, e.field === 'eth_dst' ? 0 : 6, be(v, 6), []);
      break;
    case 'vlan_vid':
    case 'vlan_pcp': {
      if (l.vlans === 0) return false;
      const tci = (p.bytes[14]! << 8) | p.bytes[15]!;
      const next =
        e.field === 'vlan_vid' ? (tci & 0xf000) | (n & 0xfff) : (tci & 0x1fff) | (n << 13);
      write(p, 14, [next >> 8, next & 0xff], []);
      break;
    }
    case 'ip_dscp':
    case 'ip_ecn':
      if (!isV4(p) && !isV6(p)) return false;
      writeTos(p, e.field === 'ip_dscp' ? n : undefined, e.field === 'ip_ecn' ? n : undefined);
      break;
    case 'ipv4_src':
    case 'ipv4_dst':
      if (!isV4(p)) return false;
      write(p, l.l3 + (e.field === 'ipv4_src' ? 12 : 16), be(v, 4), [
        ...ipHeaderSum(p),
        ...l4Sum(p, true),
      ]);
      break;
    case 'ipv6_src':
    case 'ipv6_dst':
      if (!isV6(p)) return false;
      write(p, l.l3 + (e.field === 'ipv6_src' ? 8 : 24), be(v, 16), l4Sum(p, true));
      break;
    case 'ipv6_flabel': {
      if (!isV6(p)) return false;
      const b = p.bytes;
      const hi = (b[l.l3 + 1]! & 0xf0) | ((n >> 16) & 0x0f);
      write(p, l.l3 + 1, [hi, (n >> 8) & 0xff, n & 0xff], []);
      break;
    }
    case 'tcp_src':
    case 'tcp_dst':
      if (!l4(IP_PROTO.TCP, e.field === 'tcp_src' ? 0 : 2, 2)) return false;
      break;
    case 'udp_src':
    case 'udp_dst':
      if (!l4(IP_PROTO.UDP, e.field === 'udp_src' ? 0 : 2, 2)) return false;
      break;
    case 'sctp_src':
    case 'sctp_dst':
      if (!l4(IP_PROTO.SCTP, e.field === 'sctp_src' ? 0 : 2, 2)) return false;
      break;
    case 'icmpv4_type':
    case 'icmpv4_code':
      if (!isV4(p) || !l4(IP_PROTO.ICMP, e.field === 'icmpv4_type' ? 0 : 1, 1)) return false;
      break;
    case 'icmpv6_type':
    case 'icmpv6_code':
      if (!isV6(p) || !l4(IP_PROTO.ICMPV6, e.field === 'icmpv6_type' ? 0 : 1, 1)) return false;
      break;
    case 'ipv6_nd_target': {
      const type = l.l4 >= 0 ? p.bytes[l.l4] : -1;
      if (l.ipProto !== IP_PROTO.ICMPV6 || (type !== 135 && type !== 136)) return false;
      if (!l4(IP_PROTO.ICMPV6, 8, 16)) return false;
      break;
    }
    case 'ipv6_nd_sll':
    case 'ipv6_nd_tll': {
      const at = e.field === 'ipv6_nd_sll' ? l.ndSll : l.ndTll;
      if (at < 0) return false;
      write(p, at, be(v, 6), l4Sum(p, false));
      break;
    }
    case 'arp_op':
    case 'arp_spa':
    case 'arp_tpa':
    case 'arp_sha':
    case 'arp_tha': {
      if (l.l3 < 0 || l.ethType !== ETH_TYPE.ARP) return false;
      const [at, size] = ARP_AT[e.field];
      write(p, l.l3 + at, be(v, size), []);
      break;
    }
    case 'mpls_label':
    case 'mpls_tc':
    case 'mpls_bos': {
      if (l.mpls < 0) return false;
      const b = p.bytes;
      let lse = ((b[l.mpls]! << 24) | (b[l.mpls + 1]! << 16) | (b[l.mpls + 2]! << 8)) >>> 0;
      if (e.field === 'mpls_label') lse = ((lse & 0xfff) | (n << 12)) >>> 0;
      else if (e.field === 'mpls_tc') lse = (lse & ~(7 << 9)) | ((n & 7) << 9);
      else lse = (lse & ~(1 << 8)) | ((n & 1) << 8);
      write(p, l.mpls, [(lse >>> 24) & 0xff, (lse >>> 16) & 0xff, (lse >>> 8) & 0xff], []);
      break;
    }
    case 'pbb_isid':
      if (l.pbb < 0) return false;
      write(p, l.pbb + 1, be(v, 3), []);
      break;
    default:
      return false;
  }
  p.reparse();
  return true;
}
