/**
 * ofp-print: any OpenFlow 1.3 message as ovs-ofctl prints it (ofp_to_string). The header
 * "NAME (OF1.3) (xid=0x..):", the body in OVS's words, a trailing newline; a message that
 * does not decode reads "***decode error: NAME***" followed by a hex dump.
 */
import {
  assertNever,
  decodeMessage,
  type Instruction,
  type Match,
  type Message,
  type MultipartReply,
  type MultipartRequest,
  messageName,
} from '../../codec/index.js';
import { formatFlowMod } from '../flow-format.js';
import {
  formatGroup,
  formatGroupFeatures,
  formatGroupMod,
  formatGroupStats,
  groupIdText,
} from '../group.js';
import {
  formatMeterConfig,
  formatMeterFeatures,
  formatMeterMod,
  formatMeterStats,
  meterIdText,
} from '../meter.js';
import type { PortMap } from '../ports.js';
import { formatPort } from '../ports.js';
import { hexDump } from '../values.js';
import {
  ovsErrorName,
  printAsync,
  printEcho,
  printFeaturesReply,
  printHello,
  printPortMod,
  printPortStatus,
  printQueueGetConfigReply,
  printRole,
  printSwitchConfig,
  printTableMod,
} from './basic.js';
import {
  printAggregateReply,
  printFlowRemoved,
  printFlowStatsReply,
  printFlowStatsRequest,
  printPacketIn,
  printPacketOut,
} from './flows.js';
import { header, mpFlags, partialHeader, rawCheck } from './header.js';
import { onfMessage } from './onf.js';
import {
  printDesc,
  printPortDesc,
  printPortStats,
  printPortStatsRequest,
  printQueueStats,
  printQueueStatsRequest,
  printTableStats,
} from './stats.js';
import { printTableFeatures } from './table-features.js';
import {
  checkActions,
  checkBands,
  checkConsistency,
  checkInstructions,
  checkOvsMatch,
} from './validate.js';

function requestBody(m: MultipartRequest, ports?: PortMap): string {
  const b = m.body;
  switch (b.kind) {
    case 'flow':
    case 'aggregate':
      return printFlowStatsRequest(b, ports);
    case 'port_stats':
      return printPortStatsRequest(b.portNo, ports);
    case 'queue':
      return printQueueStatsRequest(b.portNo, b.queueId, ports);
    case 'group':
      return ` group_id=${groupIdText(b.groupId)}`;
    case 'group_desc':
      return ' group_id=ALL';
    case 'meter':
    case 'meter_config':
      return ` meter=${meterIdText(b.meterId)}`;
    case 'port_desc':
      return ' port=ANY';
    case 'table_features':
      return printTableFeatures(b.tables);
    default:
      return '';
  }
}

function replyBody(m: MultipartReply, ports?: PortMap): string | BodyError {
  const b = m.body;
  switch (b.kind) {
    case 'desc':
      return printDesc(b.desc);
    case 'flow':
      return items(
        b.flows,
        (f) => flowChecks(f.match, f.instructions),
        (f) => printFlowStatsReply([f], ports),
      );
    case 'aggregate':
      return printAggregateReply(b.packetCount, b.byteCount, b.flowCount);
    case 'table':
      return printTableStats(b.tables);
    case 'port_stats':
      return printPortStats(b.ports, ports);
    case 'queue':
      return printQueueStats(b.queues, ports);
    case 'group':
      return b.groups.map((g) => `\n ${formatGroupStats(g)}`).join('');
    case 'group_desc':
      return items(
        b.groups,
        (g) => g.buckets.map((x) => checkActions(x.actions)).find((e) => e),
        (g) => `\n ${formatGroup(g, ports)}`,
      );
    case 'group_features':
      return formatGroupFeatures(b.features);
    case 'meter':
      return b.meters.map((x) => `\n${formatMeterStats(x)}`).join('');
    case 'meter_config':
      return items(
        b.meters,
        (x) => checkBands(x.bands),
        (x) => `\n${formatMeterConfig(x)}`,
      );
    case 'meter_features':
      return formatMeterFeatures(b.features);
    case 'table_features':
      return printTableFeatures(b.tables);
    case 'port_desc':
      return printPortDesc(b.ports);
    case 'experimenter':
      return '';
    default:
      return assertNever(b);
  }
}

/** What OVS could not decode: the error name and the text printed before it. */
interface BodyError {
  readonly error: string;
  readonly partial: string;
}

const err = (error: string, partial = ''): BodyError => ({ error, partial });

/** The first decode error OVS would hit in a list of items, with the text before it. */
function items<T>(
  list: readonly T[],
  check: (x: T) => string | undefined,
  format: (x: T) => string,
): string | BodyError {
  let s = '';
  for (const x of list) {
    const e = check(x);
    if (e) return err(e, s);
    s += format(x);
  }
  return s;
}

function flowChecks(match: Match, instructions: readonly Instruction[]): string | undefined {
  return checkOvsMatch(match) ?? checkInstructions(instructions);
}

/** The body text of a decoded message, or the OVS error name when OVS would reject it. */
function body(m: Message, raw: Buffer, verbosity: number, ports?: PortMap): string | BodyError {
  const bad = validate(m, ports);
  if (bad !== undefined) return bad;
  switch (m.type) {
    case 'hello':
      return printHello(m, raw);
    case 'error': {
      const name = ovsErrorName(m.errType, m.code, m.experimenter);
      if (!name) return err('OFPBRC_BAD_LEN');
      const inner =
        m.errType === 0
          ? Buffer.from(m.data).toString('latin1')
          : ofpToString(Buffer.from(m.data), 1, ports);
      return ` ${name}\n${inner}`;
    }
    case 'echo_request':
    case 'echo_reply':
      return printEcho(m.data, verbosity);
    case 'experimenter':
      return err('OFPBRC_BAD_VENDOR');
    case 'features_request':
    case 'get_config_request':
    case 'barrier_request':
    case 'barrier_reply':
    case 'get_async_request':
      return '';
    case 'features_reply':
      return printFeaturesReply(m);
    case 'get_config_reply':
    case 'set_config':
      return printSwitchConfig(m) ?? err('OFPSCFC_BAD_FLAGS');
    case 'packet_in':
      return printPacketIn(m, verbosity, ports);
    case 'flow_removed':
      return printFlowRemoved(m, ports);
    case 'port_status':
      return printPortStatus(m);
    case 'packet_out':
      return printPacketOut(m, verbosity, ports);
    case 'flow_mod':
      return formatFlowMod(m, ports);
    case 'group_mod':
      return formatGroupMod(m, ports);
    case 'port_mod':
      return printPortMod(m, ports);
    case 'table_mod':
      return printTableMod(m);
    case 'multipart_request':
      return `${mpFlags(m.flags)}${requestBody(m, ports)}`;
    case 'multipart_reply': {
      const b = replyBody(m, ports);
      return typeof b === 'string'
        ? `${mpFlags(m.flags)}${b}`
        : err(b.error, `${mpFlags(m.flags)}${b.partial}`);
    }
    case 'queue_get_config_request':
      return ` port=${formatPort(m.port, ports)}`;
    case 'queue_get_config_reply':
      return printQueueGetConfigReply(m, ports);
    case 'role_request':
    case 'role_reply':
      return printRole(m);
    case 'get_async_reply':
    case 'set_async':
      return printAsync(m);
    case 'meter_mod':
      return formatMeterMod(m);
    default:
      return assertNever(m);
  }
}

/** Whole-message checks OVS makes before printing anything of the body. */
function validate(m: Message, ports?: PortMap): BodyError | undefined {
  void ports;
  let e: string | undefined;
  switch (m.type) {
    case 'flow_mod':
      e = flowChecks(m.match, m.instructions) ?? checkConsistency(m.match, m.instructions);
      break;
    case 'flow_removed':
    case 'packet_in':
      e = checkOvsMatch(m.match);
      break;
    case 'packet_out':
      e = checkActions(m.actions);
      break;
    case 'group_mod':
      e = m.buckets.map((b) => checkActions(b.actions)).find((x) => x);
      break;
    case 'meter_mod':
      e = checkBands(m.bands);
      break;
    default:
      break;
  }
  return e ? err(e) : undefined;
}

/** The codec's decode error as the OVS error name it corresponds to. */
function decodeErrorName(type: number, code: number): string {
  return ovsErrorName(type, code) ?? 'OFPBRC_BAD_LEN';
}

/**
 * ofp_to_string for one message's bytes. `verbosity` as ovs-ofctl's (ofp-print defaults
 * to 2; packet data is printed from 1, hex dumps of it from 3).
 */
export function ofpToString(raw: Buffer, verbosity = 2, ports?: PortMap): string {
  const len = raw.length;
  if (len === 0) return 'OpenFlow message is empty\n';
  if (len < 8) return `OpenFlow packet too short (only ${len} bytes):\n${hexDump(raw, true)}`;
  const declared = raw.readUInt16BE(2);
  if (declared > len) {
    const head = partialHeader(raw);
    return `${head ? `${head}\n` : ''}(***truncated to ${len} bytes from ${declared}***)\n${hexDump(raw, true)}`;
  }
  if (declared < len) {
    return `(***only uses ${declared} bytes out of ${len}***)\n${hexDump(raw, true)}`;
  }
  const rawError = rawCheck(raw);
  if (rawError) return `***decode error: ${rawError}***\n${hexDump(raw, true)}`;
  const r = decodeMessage(raw);
  if (!r.ok) {
    const e = r.error;
    const headerLevel = e.type === 1 && (e.code === 0 || e.code === 1 || e.code === 6);
    const name = decodeErrorName(e.type, e.code);
    if (headerLevel || raw[0] !== 4) return `***decode error: ${name}***\n${hexDump(raw, true)}`;
    const code = raw[1]!;
    const hdr = `${messageName(code) ?? 'OFPT_UNKNOWN'} (OF1.3) (xid=0x${raw.readUInt32BE(4).toString(16)}):`;
    return `${hdr} ***decode error: ${name}***\n${hexDump(raw, true)}`;
  }
  const m = r.value;
  if (m.type === 'experimenter') {
    const onf = onfMessage(m, (bytes) => {
      const inner = decodeMessage(bytes);
      const text = inner.ok ? body(inner.value, bytes, verbosity, ports) : undefined;
      return typeof text === 'string' ? text : undefined;
    });
    if (onf) {
      const s = `${onf.name} (OF1.3) (xid=0x${m.xid.toString(16)}):${onf.body}`.trimEnd();
      return `${s}\n`;
    }
  }
  const b = body(m, raw, verbosity, ports);
  if (typeof b !== 'string') {
    if (m.type === 'experimenter') return `***decode error: ${b.error}***\n${hexDump(raw, true)}`;
    let s = `${header(m)}${b.partial}`;
    if (b.partial) {
      while (s.endsWith(' ')) s = s.slice(0, -1);
      s += '\n';
    } else s += ' ';
    return `${s}***decode error: ${b.error}***\n${hexDump(raw, true)}`;
  }
  let s = `${header(m)}${b}`;
  while (s.endsWith(' ')) s = s.slice(0, -1);
  return s.endsWith('\n') ? s : `${s}\n`;
}
