/**
 * ovs-ofctl's text for the small OpenFlow 1.3 messages: HELLO, ECHO, FEATURES, switch
 * config, ROLE, async config, QUEUE_GET_CONFIG, TABLE_MOD, PORT_MOD, PORT_STATUS, and the
 * error-name table OVS uses (which keeps a few OpenFlow 1.0 names, e.g. OFPBRC_BAD_VENDOR).
 * Each printer returns the text after the "NAME (OF1.3) (xid=0x..):" header.
 */
import type {
  AsyncConfig,
  FeaturesReply,
  Hello,
  PortMod,
  PortStatus,
  QueueGetConfigReply,
  Role,
  SwitchConfig,
  TableMod,
} from '../../codec/index.js';
import { errorCodeName } from '../../codec/index.js';
import { formatPort, type PortMap } from '../ports.js';
import { formatMac, hexDump, hexPad } from '../values.js';
import { bitNames, formatPhyPort, PORT_CONFIG, PORT_FEATURES } from './bits.js';

/** OVS's names for error (type, code) pairs where they differ from the spec's. */
const OVS_ERROR_NAMES: Readonly<Record<string, string>> = {
  OFPBRC_BAD_MULTIPART: 'OFPBRC_BAD_STAT',
  OFPBRC_BAD_EXPERIMENTER: 'OFPBRC_BAD_VENDOR',
  OFPBRC_BAD_EXP_TYPE: 'OFPBRC_BAD_SUBTYPE',
  OFPBAC_BAD_EXPERIMENTER: 'OFPBAC_BAD_VENDOR',
  OFPBAC_BAD_EXP_TYPE: 'OFPBAC_BAD_VENDOR_TYPE',
};

/** The error's name as ovs-ofctl prints it, or undefined when OVS would not know it. */
export function ovsErrorName(
  type: number,
  code: number,
  experimenter?: number,
): string | undefined {
  if (type === 0xffff) {
    if (experimenter === 0x4f4e4600 && code === 2600) return 'OFPBIC_DUP_INST';
    return undefined;
  }
  const name = errorCodeName(type, code);
  return name ? (OVS_ERROR_NAMES[name] ?? name) : undefined;
}

export function printHello(m: Hello, raw: Uint8Array): string {
  let bits = 0;
  let ok = true;
  const bm = m.elements.find((e) => e.type === 'versionbitmap');
  if (bm && bm.type === 'versionbitmap') bits = bm.bitmaps[0] ?? 0;
  else bits = m.version >= 1 && m.version < 32 ? (2 ** (m.version + 1) - 2) >>> 0 : 0;
  if (m.elements.some((e) => e.type === 'unknown')) ok = false;
  const versions: string[] = [];
  for (let v = 0; v < 32; v++) if (bits & (1 << v)) versions.push(`0x${hexPad(v, 2)}`);
  let s = `\n version bitmap: ${versions.join(', ')}`;
  if (!ok) s += `\n unknown data in hello:\n${hexDump(raw, true)}`;
  return s;
}

export function printEcho(data: Uint8Array, verbosity: number): string {
  let s = ` ${data.length} bytes of payload\n`;
  if (verbosity > 1) s += hexDump(data, true);
  return s;
}

const CAPABILITIES: Readonly<Record<number, string>> = {
  1: 'FLOW_STATS',
  2: 'TABLE_STATS',
  4: 'PORT_STATS',
  8: 'GROUP_STATS',
  32: 'IP_REASM',
  64: 'QUEUE_STATS',
  256: 'PORT_BLOCKED',
};

export function printFeaturesReply(m: FeaturesReply): string {
  let s = ` dpid:${hexPad(m.datapathId, 16)}\n`;
  s += `n_tables:${m.nTables}, n_buffers:${m.nBuffers}`;
  if (m.auxiliaryId) s += `, auxiliary_id:${m.auxiliaryId}`;
  s += `\ncapabilities: ${bitNames(m.capabilities & 0x16f, CAPABILITIES)}\n`;
  return s;
}

const FRAGS = ['normal', 'drop', 'reassemble', 'nx-match'];

/** SET_CONFIG / GET_CONFIG_REPLY body, or undefined for OVS's OFPSCFC_BAD_FLAGS. */
export function printSwitchConfig(m: SwitchConfig): string | undefined {
  if (m.flags & ~3) return undefined;
  return ` frags=${FRAGS[m.flags & 3]} miss_send_len=${m.missSendLen}\n`;
}

const ROLES = ['nochange', 'equal', 'primary', 'secondary'];

export function printRole(m: Role): string {
  let s = ` role=${ROLES[m.role] ?? `unknown_role_${m.role}`}`;
  if (m.generationId !== (1n << 64n) - 1n) s += ` generation_id=${m.generationId}`;
  return s;
}

const ASYNC_REASONS: readonly (readonly [string, readonly string[]])[] = [
  ['PACKET_IN', ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out']],
  ['PORT_STATUS', ['add', 'delete', 'modify']],
  ['FLOW_REMOVED', ['idle', 'hard', 'delete', 'group_delete', 'meter_delete', 'eviction']],
  ['ROLE_STATUS', ['primary_request', 'config', 'experimenter']],
  ['TABLE_STATUS', ['', '', '', 'vacancy_down', 'vacancy_up']],
  ['REQUESTFORWARD', ['group_mod', 'meter_mod']],
];

/** Reason bits OpenFlow 1.3 defines for each async message type; OVS drops the rest. */
const ASYNC_VALID = [0x7, 0x7, 0xf];

export function printAsync(m: AsyncConfig): string {
  let s = '';
  const masks = [m.packetInMask, m.portStatusMask, m.flowRemovedMask];
  for (let role = 0; role < 2; role++) {
    s += `\n ${role === 0 ? 'primary' : 'secondary'}:\n`;
    ASYNC_REASONS.forEach(([name, reasons], i) => {
      const mask = (masks[i]?.[role] ?? 0) & (ASYNC_VALID[i] ?? 0);
      let line = `${name.padStart(16)}:`;
      for (let j = 0; j < 32; j++) {
        if (mask & (1 << j)) line += ` ${reasons[j] || String(j)}`;
      }
      if (!mask) line += ' (off)';
      s += `${line}\n`;
    });
  }
  return s;
}

export function printQueueGetConfigReply(m: QueueGetConfigReply, ports?: PortMap): string {
  let s = ` port=${formatPort(m.port, ports)}\n`;
  const queues = [...m.queues].sort((a, b) => a.queueId - b.queueId);
  for (const q of queues) {
    s += `queue ${q.queueId}:`;
    for (const p of q.properties) {
      if (p.type === 'min_rate' || p.type === 'max_rate') {
        if (p.rate <= 1000) s += ` ${p.type}:${Math.floor(p.rate / 10)}.${p.rate % 10}%`;
        else if (p.rate < 0xffff) s += ` ${p.type}:(disabled)`;
      }
    }
    s += '\n';
  }
  return s;
}

export function printTableMod(m: TableMod): string {
  return m.tableId === 0xff ? ' table_id: ALL_TABLES' : ` table_id=${m.tableId}`;
}

export function printPortMod(m: PortMod, ports?: PortMap): string {
  let s = ` port: ${formatPort(m.portNo, ports)}: addr:${formatMac(m.hwAddr)}\n`;
  s += `     config: ${bitNames(m.config & 0x65, PORT_CONFIG)}\n`;
  s += `     mask:   ${bitNames(m.mask & 0x65, PORT_CONFIG)}\n`;
  s += `     advertise: ${m.advertise ? bitNames(m.advertise, PORT_FEATURES) : 'UNCHANGED'}\n`;
  return s;
}

const PORT_REASONS = [' ADD:', ' DEL:', ' MOD:'];

export function printPortStatus(m: PortStatus): string {
  return `${PORT_REASONS[m.reason] ?? ''}${formatPhyPort(m.port)}`;
}
