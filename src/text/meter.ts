/**
 * Meters in ovs-ofctl syntax: `meter=N,kbps|pktps[,burst][,stats],bands=type=drop,rate=R
 * [,burst_size=B]...` parsed into a METER_MOD (parse_ofp_meter_mod_str), and meter
 * configurations, statistics and features printed as ovs-ofctl prints them.
 */
import {
  type MeterBand,
  type MeterConfig,
  type MeterFeatures,
  type MeterMod,
  type MeterStats,
  OFPM_ALL,
  OFPM_CONTROLLER,
  OFPM_MAX,
  OFPM_SLOWPATH,
} from '../codec/index.js';
import { bitNames } from './print/bits.js';
import { fail, formatDuration, parseNumeric, parseSmall } from './values.js';

export const MeterModCommand = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
const FLAG_WORDS: Readonly<Record<string, number>> = { kbps: 1, pktps: 2, burst: 4, stats: 8 };

/** strtok over the given delimiters. */
function tokens(s: string, delims: RegExp): string[] {
  return s.split(delims).filter((t) => t !== '');
}

function meterId(value: string): number {
  if (value === 'all') return OFPM_ALL;
  if (value === 'controller') return OFPM_CONTROLLER;
  if (value === 'slowpath') return OFPM_SLOWPATH;
  const id = Number(parseNumeric(value, 32));
  if (id > OFPM_MAX || id === 0) fail('invalid value for meter');
  return id;
}

interface BandDraft {
  type: number;
  rate: number;
  burstSize: number;
  precLevel: number;
}

function parseBands(text: string): MeterBand[] {
  const drafts: BandDraft[] = [];
  const t = tokens(text, /[=, \t\r\n]+/);
  for (let i = 0; i < t.length; i += 2) {
    const name = t[i]!;
    const value = t[i + 1];
    if (value === undefined) fail(`field ${name} missing value`);
    const band = drafts[drafts.length - 1];
    if (name === 'type') {
      if (value === 'drop') drafts.push({ type: 1, rate: 0, burstSize: 0, precLevel: 0 });
      else if (value === 'dscp_remark')
        drafts.push({ type: 2, rate: 0, burstSize: 0, precLevel: 0 });
      else fail(`field ${name} unknown value ${value}`);
    } else if (!band) {
      fail("band must start with the 'type' keyword");
    } else if (name === 'rate') band.rate = Number(parseNumeric(value, 32));
    else if (name === 'burst_size') band.burstSize = Number(parseNumeric(value, 32));
    else if (name === 'prec_level') band.precLevel = parseSmall(value, 8, name);
    else fail(`unknown keyword ${name}`);
  }
  if (drafts.length === 0) fail('meter must have bands');
  return drafts.map((b) => {
    if (!b.rate) fail("band must have 'rate'");
    if (b.type === 2 && !b.precLevel) fail("dscp_remark band must have 'prec_level'");
    return b.type === 1
      ? { type: 'drop', rate: b.rate, burstSize: b.burstSize }
      : { type: 'dscp_remark', rate: b.rate, burstSize: b.burstSize, precLevel: b.precLevel };
  });
}

/**
 * parse_ofp_meter_mod_str: `command` ADD/MODIFY/DELETE, or 'request' for the
 * `meter=N` argument of dump-meters and meter-stats.
 */
export function parseMeterMod(text: string, command: number | 'request'): MeterMod {
  const withBands = command === MeterModCommand.ADD || command === MeterModCommand.MODIFY;
  let head = text;
  let bandText = '';
  if (withBands) {
    const at = text.indexOf('band');
    if (at < 0) fail('must specify bands');
    const eq = text.indexOf('=', at + 1);
    if (eq < 0) fail('must specify bands');
    head = text.slice(0, at);
    bandText = text.slice(eq + 1);
  }
  let id = 0;
  let flags = 0;
  const t = tokens(head, /[=, \t\r\n]+/);
  for (let i = 0; i < t.length; i++) {
    const name = t[i]!;
    if (withBands && FLAG_WORDS[name]) {
      flags |= FLAG_WORDS[name]!;
      continue;
    }
    const value = t[++i];
    if (value === undefined) fail(`field ${name} missing value`);
    if (name === 'meter') id = meterId(value);
    else fail(`unknown keyword ${name}`);
  }
  if (!id) fail("must specify 'meter'");
  if (withBands && !flags) fail("meter must specify either 'kbps' or 'pktps'");
  const bands = withBands ? parseBands(bandText) : [];
  return {
    type: 'meter_mod',
    xid: 0,
    command: command === 'request' ? MeterModCommand.DELETE : command,
    flags,
    meterId: id,
    bands,
  };
}

/** ofp_print_meter_id. */
export function meterIdText(id: number): string {
  if (id <= OFPM_MAX) return String(id);
  if (id === OFPM_SLOWPATH) return 'slowpath';
  if (id === OFPM_CONTROLLER) return 'controller';
  if (id === OFPM_ALL) return 'all';
  return `unknown_${id}`;
}

function bandText(flags: number, b: MeterBand): string {
  const type = b.type === 'drop' ? 'drop' : b.type === 'dscp_remark' ? 'dscp_remark' : '65535';
  let s = `\ntype=${type} rate=${b.rate}`;
  if (flags & 4) s += ` burst_size=${b.burstSize}`;
  if (b.type === 'dscp_remark') s += ` prec_level=${b.precLevel}`;
  return s;
}

/** ofp_print_meter_config: "meter=N flags bands=\ntype=...\n". */
export function formatMeterConfig(m: MeterConfig): string {
  let s = `meter=${meterIdText(m.meterId)}`;
  for (const [name, bit] of Object.entries(FLAG_WORDS)) if (m.flags & bit) s += ` ${name}`;
  s += ' bands=';
  for (const b of m.bands) s += bandText(m.flags, b);
  return `${s}\n`;
}

const METER_COMMANDS = [' ADD ', ' MOD ', ' DEL '];

export function formatMeterMod(m: MeterMod): string {
  return `${METER_COMMANDS[m.command] ?? ` cmd:${m.command} `}${formatMeterConfig(m)}`;
}

export function formatMeterStats(m: MeterStats): string {
  let s = `meter:${meterIdText(m.meterId)} flow_count:${m.flowCount}`;
  s += ` packet_in_count:${m.packetInCount} byte_in_count:${m.byteInCount}`;
  s += ` duration:${formatDuration(m.durationSec, m.durationNsec)} bands:\n`;
  m.bandStats.forEach((b, i) => {
    s += `${i}: packet_count:${b.packetBandCount} byte_count:${b.byteBandCount}\n`;
  });
  return s;
}

export function formatMeterFeatures(f: MeterFeatures): string {
  let s = `\nmax_meter:${f.maxMeter} max_bands:${f.maxBands} max_color:${f.maxColor}\n`;
  s += `band_types: ${bitNames(f.bandTypes, { 2: 'drop', 4: 'dscp_remark' })}\n`;
  s += `capabilities: ${bitNames(f.capabilities, { 1: 'kbps', 2: 'pktps', 4: 'burst', 8: 'stats' })}\n`;
  return s;
}
