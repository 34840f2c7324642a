/**
 * One flow as ovs-ofctl prints it: a dump-flows line (ofputil_flow_stats_format, with or
 * without the statistics) and the body of an OFPT_FLOW_MOD (ofputil_flow_mod_format).
 */
import { type FlowMod, FlowModFlags, type FlowStats, OFP_NO_BUFFER, OFPP } from '../codec/index.js';
import { formatInstructions } from './actions-format.js';
import { formatMatch, OFP_DEFAULT_PRIORITY } from './match-format.js';
import { fromOxm } from './ovs-match.js';
import { formatPort, type PortMap } from './ports.js';
import { formatDuration } from './values.js';

const FLAG_NAMES: readonly (readonly [number, string])[] = [
  [FlowModFlags.SEND_FLOW_REM, 'send_flow_rem'],
  [FlowModFlags.CHECK_OVERLAP, 'check_overlap'],
  [FlowModFlags.RESET_COUNTS, 'reset_counts'],
  [FlowModFlags.NO_PKT_COUNTS, 'no_packet_counts'],
  [FlowModFlags.NO_BYT_COUNTS, 'no_byte_counts'],
];

/** ofp_print_flow_flags: each set flag's name followed by a space. */
export function formatFlowFlags(flags: number): string {
  let s = '';
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) s += `${name} `;
  return s;
}

export interface FlowFormatOptions {
  readonly ports?: PortMap | undefined;
  /** False for --no-stats: no duration, counters or table 0. */
  readonly showStats?: boolean | undefined;
}

/** A dump-flows line without its leading space. */
export function formatFlowStats(fs: FlowStats, opts: FlowFormatOptions = {}): string {
  const stats = opts.showStats ?? true;
  let s = '';
  if (stats || fs.cookie !== 0n) s += `cookie=0x${fs.cookie.toString(16)}, `;
  if (stats) s += `duration=${formatDuration(fs.durationSec, fs.durationNsec)}, `;
  if (stats || fs.tableId !== 0) s += `table=${fs.tableId}, `;
  if (stats) s += `n_packets=${fs.packetCount}, n_bytes=${fs.byteCount}, `;
  if (fs.idleTimeout !== 0) s += `idle_timeout=${fs.idleTimeout}, `;
  if (fs.hardTimeout !== 0) s += `hard_timeout=${fs.hardTimeout}, `;
  s += formatFlowFlags(fs.flags);
  const match = formatMatch(fromOxm(fs.match), fs.priority, opts.ports);
  if (match !== '') s += `${match} `;
  return `${s}actions=${formatInstructions(fs.instructions, opts.ports)}`;
}

const COMMANDS = ['ADD', 'MOD', 'MOD_STRICT', 'DEL', 'DEL_STRICT'];

/** The text after "OFPT_FLOW_MOD (OF1.3) (xid=0x..):", leading space included. */
export function formatFlowMod(fm: FlowMod, ports?: PortMap): string {
  let s = ` ${COMMANDS[fm.command] ?? `cmd:${fm.command}`}`;
  if (fm.tableId !== 0) s += ` table:${fm.tableId}`;
  s += ' ';
  s += formatMatch(fromOxm(fm.match), fm.priority, ports);
  if (!s.endsWith(' ')) s += ' ';
  const add = fm.command === 0;
  const newCookie = add ? fm.cookie : (1n << 64n) - 1n;
  if (newCookie !== 0n && newCookie !== (1n << 64n) - 1n)
    s += `cookie:0x${newCookie.toString(16)} `;
  if (fm.cookieMask !== 0n && !add) {
    s += `cookie:0x${fm.cookie.toString(16)}/0x${fm.cookieMask.toString(16)} `;
  }
  if (fm.idleTimeout !== 0) s += `idle:${fm.idleTimeout} `;
  if (fm.hardTimeout !== 0) s += `hard:${fm.hardTimeout} `;
  if (fm.priority !== OFP_DEFAULT_PRIORITY && !s.includes('priority')) s += `pri:${fm.priority} `;
  if (fm.bufferId !== OFP_NO_BUFFER) s += `buf:0x${fm.bufferId.toString(16)} `;
  if (fm.outPort !== OFPP.ANY) s += `out_port:${formatPort(fm.outPort, ports)} `;
  s += formatFlowFlags(fm.flags);
  return `${s}actions=${formatInstructions(fm.instructions, ports)}`;
}
