/**
 * ovs-ofctl's text for switch statistics replies and requests: DESC, TABLE (with OVS's
 * "ditto" for runs of identical tables), PORT_STATS, QUEUE, PORT_DESC.
 */
import type { Desc, Port, PortStats, QueueStats, TableStats } from '../../codec/index.js';
import { formatPort, type PortMap } from '../ports.js';
import { formatDuration } from '../values.js';
import { formatPhyPort, sortPorts } from './bits.js';

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffffffff;

export function printDesc(d: Desc): string {
  return (
    `\nManufacturer: ${d.mfrDesc}\nHardware: ${d.hwDesc}\nSoftware: ${d.swDesc}\n` +
    `Serial Num: ${d.serialNum}\nDP Description: ${d.dpDesc}\n`
  );
}

function ditto(first: number, last: number): string {
  if (first < 0) return '';
  return first === last ? `\n  table ${first}: ditto\n` : `\n  tables ${first}...${last}: ditto\n`;
}

/** ofputil_table_features_format with statistics only (OpenFlow 1.3 table stats). */
export function printTableStats(tables: readonly TableStats[]): string {
  let s = '';
  let first = -1;
  let last = -1;
  let prev: TableStats | undefined;
  for (const t of tables) {
    const same =
      prev !== undefined &&
      prev.activeCount === t.activeCount &&
      prev.lookupCount === t.lookupCount &&
      prev.matchedCount === t.matchedCount;
    prev = t;
    if (same) {
      if (first < 0) first = t.tableId;
      last = t.tableId;
      continue;
    }
    s += ditto(first, last);
    first = -1;
    s += `\n  table ${t.tableId}:\n`;
    s += `    active=${t.activeCount}, lookup=${t.lookupCount}, matched=${t.matchedCount}\n`;
  }
  return s + ditto(first, last);
}

function stat(label: string, v: bigint, more: boolean): string {
  return `${label}${v === U64_MAX ? '?' : v.toString()}${more ? ', ' : '\n'}`;
}

export function printPortStatsRequest(portNo: number, ports?: PortMap): string {
  return ` port_no=${formatPort(portNo, ports)}`;
}

export function printPortStats(list: readonly PortStats[], ports?: PortMap): string {
  let s = ` ${list.length} ports\n`;
  for (const p of list) {
    s += `  port ${p.portNo < 10 ? ' ' : ''}${formatPort(p.portNo, ports)}: rx `;
    s += stat('pkts=', p.rxPackets, true);
    s += stat('bytes=', p.rxBytes, true);
    s += stat('drop=', p.rxDropped, true);
    s += stat('errs=', p.rxErrors, true);
    s += stat('frame=', p.rxFrameErr, true);
    s += stat('over=', p.rxOverErr, true);
    s += stat('crc=', p.rxCrcErr, false);
    s += '           tx ';
    s += stat('pkts=', p.txPackets, true);
    s += stat('bytes=', p.txBytes, true);
    s += stat('drop=', p.txDropped, true);
    s += stat('errs=', p.txErrors, true);
    s += stat('coll=', p.collisions, false);
    if (p.durationSec !== U32_MAX) {
      s += `           duration=${formatDuration(p.durationSec, p.durationNsec)}\n`;
    }
  }
  return s;
}

function queueName(q: number): string {
  return q === U32_MAX ? 'ALL' : String(q);
}

export function printQueueStatsRequest(portNo: number, queueId: number, ports?: PortMap): string {
  return ` port=${formatPort(portNo, ports)} queue=${queueName(queueId)}`;
}

export function printQueueStats(list: readonly QueueStats[], ports?: PortMap): string {
  let s = ` ${list.length} queues\n`;
  for (const q of list) {
    s += `  port ${formatPort(q.portNo, ports)} queue ${queueName(q.queueId)}: `;
    s += stat('bytes=', q.txBytes, true);
    s += stat('pkts=', q.txPackets, true);
    s += stat('errors=', q.txErrors, true);
    s += `duration=${q.durationSec === U32_MAX ? '?' : formatDuration(q.durationSec, q.durationNsec)}\n`;
  }
  return s;
}

export function printPortDesc(ports: readonly Port[]): string {
  let s = '\n';
  for (const p of sortPorts(ports)) s += formatPhyPort(p);
  return s;
}
