/**
 * dump-flows lines straight from the bytes of an OFPST_FLOW reply, for the flows big
 * tables are made of: OXM matches on in_port, eth_src/eth_dst, eth_type, ip_proto,
 * ipv4_src/ipv4_dst and the TCP/UDP/SCTP ports, instructions that output to ports and go
 * to a table. No match object, no bigint, no decoded message: one pass over the bytes
 * builds the text formatFlowStats would print.
 *
 * Anything else (another field, a mask where OVS allows none, a prerequisite missing, a
 * reserved port, a length that does not add up) answers undefined and the caller prints
 * the reply the general way, which also reports what OVS would refuse. The property test
 * in test/text/flow-stats-fast.test.ts holds the two paths to the same text.
 */
import { formatFlowFlags } from '../flow-format.js';
import { OFP_DEFAULT_PRIORITY } from '../match-format.js';
import { formatPort, type PortMap } from '../ports.js';
import { formatDuration, formatIpv4Masked, formatMacMasked } from '../values.js';

const OFPT_MULTIPART_REPLY = 19;
const OFPMP_FLOW = 1;
const OXM_OPENFLOW_BASIC = 0x8000;
const FLOW_STATS_LEN = 56;
const ETH_IP = 0x0800;
const ETH_IPV6 = 0x86dd;

const PROTO4: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  6: 'tcp',
  17: 'udp',
  132: 'sctp',
};
const PROTO6: Readonly<Record<number, string>> = {
  58: 'icmp6',
  6: 'tcp6',
  17: 'udp6',
  132: 'sctp6',
};
const TYPE_NAMES: Readonly<Record<number, string>> = {
  2054: 'arp',
  32821: 'rarp',
  34887: 'mpls',
  34888: 'mplsm',
};

/** OXM field numbers this path prints, with the ip_proto their ports need. */
const F_IN_PORT = 0;
const F_ETH_DST = 3;
const F_ETH_SRC = 4;
const F_ETH_TYPE = 5;
const F_IP_PROTO = 10;
const F_IPV4_SRC = 11;
const F_IPV4_DST = 12;
const PORT_FIELDS: Readonly<Record<number, { proto: number; dst: boolean }>> = {
  13: { proto: 6, dst: false },
  14: { proto: 6, dst: true },
  15: { proto: 17, dst: false },
  16: { proto: 17, dst: true },
  17: { proto: 132, dst: false },
  18: { proto: 132, dst: true },
};

/** A u64 at `off` as hex (no prefix) or decimal, without a bigint when it fits in 32 bits. */
function u64(b: Buffer, off: number, radix: 10 | 16): string {
  const hi = b.readUInt32BE(off);
  const lo = b.readUInt32BE(off + 4);
  if (hi === 0) return lo.toString(radix);
  return b.readBigUInt64BE(off).toString(radix);
}

const mac = (b: Buffer, off: number): number =>
  b.readUInt16BE(off) * 0x100000000 + b.readUInt32BE(off + 2);

/** The match text (match_format) of the OXM TLVs in [start, end), or undefined. */
function matchText(
  b: Buffer,
  start: number,
  end: number,
  priority: number,
  ports?: PortMap,
): string | undefined {
  let inPort: number | undefined;
  let ethType: number | undefined;
  let proto: number | undefined;
  let dlSrc = '';
  let dlDst = '';
  let nwSrc = '';
  let nwDst = '';
  let tpSrc = -1;
  let tpDst = -1;
  let seen = 0;
  let off = start;
  while (off < end) {
    if (end - off < 4) return undefined;
    const cls = b.readUInt16BE(off);
    const fieldByte = b[off + 2]!;
    const len = b[off + 3]!;
    const field = fieldByte >> 1;
    const masked = (fieldByte & 1) === 1;
    const v = off + 4;
    off = v + len;
    if (cls !== OXM_OPENFLOW_BASIC || off > end || field > 31) return undefined;
    if (seen & (1 << field)) return undefined;
    seen |= 1 << field;
    switch (field) {
      case F_IN_PORT: {
        if (masked || len !== 4) return undefined;
        inPort = b.readUInt32BE(v);
        if (inPort >= 0xff00) return undefined;
        break;
      }
      case F_ETH_DST:
      case F_ETH_SRC: {
        if (len !== (masked ? 12 : 6)) return undefined;
        const value = mac(b, v);
        const m = masked ? mac(b, v + 6) : 0xffffffffffff;
        if (masked && (m === 0 || m === 0xffffffffffff || !fitsMask48(value, m))) return undefined;
        const text = formatMacMasked(value, m);
        if (field === F_ETH_SRC) dlSrc = text;
        else dlDst = text;
        break;
      }
      case F_ETH_TYPE:
        if (masked || len !== 2) return undefined;
        ethType = b.readUInt16BE(v);
        break;
      case F_IP_PROTO:
        if (masked || len !== 1 || (ethType !== ETH_IP && ethType !== ETH_IPV6)) return undefined;
        proto = b[v]!;
        break;
      case F_IPV4_SRC:
      case F_IPV4_DST: {
        if (len !== (masked ? 8 : 4) || ethType !== ETH_IP) return undefined;
        const value = b.readUInt32BE(v);
        const m = masked ? b.readUInt32BE(v + 4) : 0xffffffff;
        if (masked && (m === 0 || m === 0xffffffff || (value & ~m) >>> 0 !== 0)) return undefined;
        const text = formatIpv4Masked(value, m);
        if (field === F_IPV4_SRC) nwSrc = text;
        else nwDst = text;
        break;
      }
      default: {
        const pf = PORT_FIELDS[field];
        if (!pf || masked || len !== 2 || proto !== pf.proto) return undefined;
        if (pf.dst) tpDst = b.readUInt16BE(v);
        else tpSrc = b.readUInt16BE(v);
      }
    }
  }
  let s = priority !== OFP_DEFAULT_PRIORITY ? `priority=${priority},` : '';
  let protoInName = false;
  let named = false;
  if (ethType !== undefined) {
    let name: string | undefined;
    if (ethType === ETH_IP || ethType === ETH_IPV6) {
      name = proto === undefined ? undefined : (ethType === ETH_IP ? PROTO4 : PROTO6)[proto];
      if (name) protoInName = true;
      else name = ethType === ETH_IP ? 'ip' : 'ipv6';
    } else name = TYPE_NAMES[ethType];
    if (name) {
      s += `${name},`;
      named = true;
    }
  }
  if (inPort !== undefined) s += `in_port=${formatPort(inPort, ports)},`;
  if (dlSrc) s += `dl_src=${dlSrc},`;
  if (dlDst) s += `dl_dst=${dlDst},`;
  if (ethType !== undefined && !named) s += `dl_type=0x${ethType.toString(16).padStart(4, '0')},`;
  if (nwSrc) s += `nw_src=${nwSrc},`;
  if (nwDst) s += `nw_dst=${nwDst},`;
  if (proto !== undefined && !protoInName) s += `nw_proto=${proto},`;
  if (tpSrc >= 0) s += `tp_src=${tpSrc},`;
  if (tpDst >= 0) s += `tp_dst=${tpDst},`;
  return s.endsWith(',') ? s.slice(0, -1) : s;
}

/** True when a 48-bit value has no bits outside its mask. */
function fitsMask48(v: number, m: number): boolean {
  const hiOk = (Math.floor(v / 0x100000000) & ~Math.floor(m / 0x100000000)) === 0;
  return hiOk && ((v >>> 0) & ~(m >>> 0)) >>> 0 === 0;
}

/** The instructions' text (ofpacts_format), or undefined. */
function actionsText(b: Buffer, start: number, end: number, ports?: PortMap): string | undefined {
  let s = '';
  let seen = 0;
  let off = start;
  while (off < end) {
    if (end - off < 8) return undefined;
    const type = b.readUInt16BE(off);
    const len = b.readUInt16BE(off + 2);
    if (len < 8 || len % 8 !== 0 || off + len > end || type > 6 || seen & (1 << type))
      return undefined;
    seen |= 1 << type;
    if (type === 1) {
      // OFPIT_GOTO_TABLE
      if (len !== 8) return undefined;
      s += `${s ? ',' : ''}goto_table:${b[off + 4]}`;
    } else if (type === 4) {
      // OFPIT_APPLY_ACTIONS: output actions to ports, nothing else.
      for (let a = off + 8; a < off + len; a += 16) {
        if (off + len - a < 16 || b.readUInt16BE(a) !== 0 || b.readUInt16BE(a + 2) !== 16)
          return undefined;
        const port = b.readUInt32BE(a + 4);
        if (port >= 0xff00) return undefined;
        s += `${s ? ',' : ''}output:${formatPort(port, ports)}`;
      }
    } else return undefined;
    off += len;
  }
  return s === '' ? 'drop' : s;
}

/**
 * One dump-flows line (without the leading space) for the ofp_flow_stats at `off`, or
 * undefined when this path does not print it.
 */
export function fastFlowStatsLine(
  b: Buffer,
  off: number,
  len: number,
  showStats: boolean,
  ports?: PortMap,
): string | undefined {
  const matchOff = off + 48;
  if (b.readUInt16BE(matchOff) !== 1) return undefined;
  const matchLen = b.readUInt16BE(matchOff + 2);
  const padded = (matchLen + 7) & ~7;
  if (matchLen < 4 || 48 + padded > len) return undefined;
  const priority = b.readUInt16BE(off + 12);
  const match = matchText(b, matchOff + 4, matchOff + matchLen, priority, ports);
  if (match === undefined) return undefined;
  const actions = actionsText(b, matchOff + padded, off + len, ports);
  if (actions === undefined) return undefined;
  const table = b[off + 2]!;
  const cookieZero = b.readUInt32BE(off + 24) === 0 && b.readUInt32BE(off + 28) === 0;
  let s = '';
  if (showStats || !cookieZero) s += `cookie=0x${u64(b, off + 24, 16)}, `;
  if (showStats) {
    s += `duration=${formatDuration(b.readUInt32BE(off + 4), b.readUInt32BE(off + 8))}, `;
  }
  if (showStats || table !== 0) s += `table=${table}, `;
  if (showStats) s += `n_packets=${u64(b, off + 32, 10)}, n_bytes=${u64(b, off + 40, 10)}, `;
  const idle = b.readUInt16BE(off + 14);
  const hard = b.readUInt16BE(off + 16);
  if (idle !== 0) s += `idle_timeout=${idle}, `;
  if (hard !== 0) s += `hard_timeout=${hard}, `;
  s += formatFlowFlags(b.readUInt16BE(off + 18));
  if (match !== '') s += `${match} `;
  return `${s}actions=${actions}`;
}

/**
 * Every flow line of an OFPST_FLOW reply, each " LINE\n", or undefined when the message is
 * not a well-formed flow stats reply or holds a flow this path does not print.
 */
export function fastFlowStatsLines(
  raw: Buffer,
  showStats: boolean,
  ports?: PortMap,
): string | undefined {
  if (raw.length < 16 || raw[0] !== 4 || raw[1] !== OFPT_MULTIPART_REPLY) return undefined;
  if (raw.readUInt16BE(2) !== raw.length || raw.readUInt16BE(8) !== OFPMP_FLOW) return undefined;
  let s = '';
  let off = 16;
  while (off < raw.length) {
    if (raw.length - off < FLOW_STATS_LEN) return undefined;
    const len = raw.readUInt16BE(off);
    if (len < FLOW_STATS_LEN || len % 8 !== 0 || off + len > raw.length) return undefined;
    const line = fastFlowStatsLine(raw, off, len, showStats, ports);
    if (line === undefined) return undefined;
    s += ` ${line}\n`;
    off += len;
  }
  return s;
}

/**
 * ofp_to_string of an OFPST_FLOW reply (header, flags, one line per flow), or undefined
 * when fastFlowStatsLines does not print it.
 */
export function fastFlowStatsReply(raw: Buffer, ports?: PortMap): string | undefined {
  const lines = fastFlowStatsLines(raw, true, ports);
  if (lines === undefined) return undefined;
  const flags = raw.readUInt16BE(10);
  if (flags & ~1) return undefined;
  const more = flags & 1 ? ' flags=[more]' : '';
  return `OFPST_FLOW reply (OF1.3) (xid=0x${raw.readUInt32BE(4).toString(16)}):${more}\n${lines}`;
}
