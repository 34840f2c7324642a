/**
 * ovs-ofctl's text for flow-related messages: FLOW_REMOVED, PACKET_IN, PACKET_OUT, flow and
 * aggregate stats requests and replies. Each printer returns the text after the header.
 */
import type {
  FlowRemoved,
  FlowStats,
  FlowStatsFilter,
  PacketIn,
  PacketOut,
} from '../../codec/index.js';
import { OFP_NO_BUFFER, OFPP } from '../../codec/index.js';
import { formatActions } from '../actions-format.js';
import { formatFlowStats } from '../flow-format.js';
import { formatMatch } from '../match-format.js';
import { fromOxm, OvsMatch } from '../ovs-match.js';
import { packetToString } from '../packet-flow.js';
import { formatPort, type PortMap } from '../ports.js';
import { formatDuration, hexDump, hexPad } from '../values.js';

const REMOVED_REASONS = ['idle', 'hard', 'delete', 'group_delete', 'meter_delete', 'eviction'];

export function printFlowRemoved(m: FlowRemoved, ports?: PortMap): string {
  let s = ` ${formatMatch(fromOxm(m.match), m.priority, ports)}`;
  s += ` reason=${REMOVED_REASONS[m.reason] ?? String(m.reason)}`;
  if (m.tableId !== 255) s += ` table_id=${m.tableId}`;
  if (m.cookie !== 0n) s += ` cookie:0x${m.cookie.toString(16)}`;
  s += ` duration${formatDuration(m.durationSec, m.durationNsec)} idle${m.idleTimeout}`;
  if (m.hardTimeout) s += ` hard${m.hardTimeout}`;
  return `${s} pkts${m.packetCount} bytes${m.byteCount}\n`;
}

const PACKET_IN_REASONS = [
  'no_match',
  'action',
  'invalid_ttl',
  'action_set',
  'group',
  'packet_out',
];

export function printPacketIn(m: PacketIn, verbosity: number, ports?: PortMap): string {
  let s = '';
  if (m.tableId) s += ` table_id=${m.tableId}`;
  if (m.cookie !== (1n << 64n) - 1n) s += ` cookie=0x${m.cookie.toString(16)}`;
  s += ` total_len=${m.totalLen} ${formatMatch(fromOxm(m.match), undefined, ports)}`;
  s += ` (via ${PACKET_IN_REASONS[m.reason] ?? String(m.reason)}) data_len=${m.data.length}`;
  if (m.bufferId === OFP_NO_BUFFER) {
    s += ' (unbuffered)';
    if (m.totalLen !== m.data.length) s += ' (***total_len != data_len***)';
  } else {
    s += ` buffer=0x${hexPad(m.bufferId, 8)}`;
    if (m.totalLen < m.data.length) s += ' (***total_len < data_len***)';
  }
  s += '\n';
  if (verbosity > 0) s += packetToString(m.data);
  if (verbosity > 2) s += hexDump(m.data, false);
  return s;
}

export function printPacketOut(m: PacketOut, verbosity: number, ports?: PortMap): string {
  const meta = new OvsMatch();
  meta.set('in_port', BigInt(m.inPort));
  let s = ` ${formatMatch(meta, undefined, ports)} actions=${
    m.actions.length ? formatActions(m.actions, ports) : 'drop'
  }`;
  if (m.bufferId === OFP_NO_BUFFER) {
    s += ` data_len=${m.data.length}`;
    if (verbosity > 0 && m.data.length > 0) s += `\n${packetToString(m.data)}`;
    if (verbosity > 2) s += hexDump(m.data, false);
  } else {
    s += ` buffer=0x${hexPad(m.bufferId, 8)}`;
  }
  return s;
}

export function printFlowStatsRequest(f: FlowStatsFilter, ports?: PortMap): string {
  let s = '';
  if (f.tableId !== 0xff) s += ` table=${f.tableId}`;
  if (f.outPort !== OFPP.ANY) s += ` out_port=${formatPort(f.outPort, ports)}`;
  return `${s} ${formatMatch(fromOxm(f.match), undefined, ports)}`;
}

export function printFlowStatsReply(flows: readonly FlowStats[], ports?: PortMap): string {
  let s = '';
  for (const f of flows) s += `\n ${formatFlowStats(f, { ports })}`;
  return s;
}

export function printAggregateReply(packets: bigint, bytes: bigint, flows: number): string {
  return ` packet_count=${packets} byte_count=${bytes} flow_count=${flows}`;
}
