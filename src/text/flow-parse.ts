/**
 * A whole flow in ovs-ofctl syntax (parse_ofp_str): match fields and protocol
 * shorthands, table, priority, cookie (cookie/mask to select flows), timeouts, flags,
 * out_port/out_group for deletes and stats requests, and the actions. Produces the
 * FLOW_MOD or flow-stats request ovs-ofctl would send for OpenFlow 1.3.
 */
import {
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  type FlowStatsFilter,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP,
  OFPTT_ALL,
} from '../codec/index.js';
import { checkOfpacts, encodeInstructions } from './actions-encode.js';
import { parseActionList, parseTable } from './actions-parse.js';
import { formatMatch } from './match-format.js';
import { normalize } from './match-normalize.js';
import { toOxm } from './match-oxm.js';
import { applyField, applyProtocol } from './match-parse.js';
import type { Ofpact } from './ofpact.js';
import { OvsMatch } from './ovs-match.js';
import { type PortMap, parsePortOrUndef } from './ports.js';
import { extractActions, parseKeyValues } from './tokenize.js';
import { fail, parseNumeric, parseSmall } from './values.js';

/** The flow-mod command, or 'filter' for dump-flows/dump-aggregate filters. */
export type FlowCommand = number | 'filter';

export interface ParsedFlow {
  readonly command: FlowCommand;
  readonly match: OvsMatch;
  readonly priority: number;
  /** 255 when not given. */
  readonly tableId: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  /** The cookie to set (add), undefined when not given. */
  readonly newCookie: bigint | undefined;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly ofpacts: readonly Ofpact[];
}

/**
 * A cookie or cookie mask as ovs-ofctl reads it (strtoull): a negative number wraps
 * around, so `cookie=0/-1` selects the flows whose cookie is exactly 0.
 */
function parseCookie(s: string): bigint {
  if (!s.startsWith('-')) return parseNumeric(s, 64);
  const n = parseNumeric(s.slice(1), 64);
  return ((1n << 64n) - n) & ((1n << 64n) - 1n);
}

export interface FlowParseOptions {
  readonly ports?: PortMap | undefined;
  /** Receives ovs-ofctl's warnings (normalization, deprecated port numbers). */
  readonly warn?: ((w: string) => void) | undefined;
}

const FLAG_WORDS: Readonly<Record<string, number>> = {
  send_flow_rem: FlowModFlags.SEND_FLOW_REM,
  check_overlap: FlowModFlags.CHECK_OVERLAP,
  reset_counts: FlowModFlags.RESET_COUNTS,
  no_packet_counts: FlowModFlags.NO_PKT_COUNTS,
  no_byte_counts: FlowModFlags.NO_BYT_COUNTS,
};

const COMMAND_WORDS: Readonly<Record<string, number>> = {
  add: FlowModCommand.ADD,
  delete: FlowModCommand.DELETE,
  delete_strict: FlowModCommand.DELETE_STRICT,
  modify: FlowModCommand.MODIFY,
  modify_strict: FlowModCommand.MODIFY_STRICT,
};

/**
 * A leading command word, as add-flows files allow: any prefix of add, delete,
 * delete_strict, modify or modify_strict (first match wins); no word means add.
 */
export function splitCommand(text: string): { command: number; rest: string } {
  const trimmed = text.replace(/^[ \t\r\n]+/, '');
  const token = /^[^, \t\r\n]*/.exec(trimmed)![0];
  if (token !== '') {
    for (const [word, command] of Object.entries(COMMAND_WORDS)) {
      if (word.startsWith(token)) return { command, rest: trimmed.slice(token.length) };
    }
  }
  return { command: FlowModCommand.ADD, rest: trimmed };
}

/** parse_ofp_str for one flow. */
export function parseFlow(
  text: string,
  command: FlowCommand,
  opts: FlowParseOptions = {},
): ParsedFlow {
  const isFilter = command === 'filter';
  const del = command === FlowModCommand.DELETE || command === FlowModCommand.DELETE_STRICT;
  const add = command === FlowModCommand.ADD;
  const outPortAllowed = isFilter || del;
  const priorityAllowed = !isFilter && command !== FlowModCommand.DELETE;
  const actionsAllowed = !isFilter && !del;
  let matchText = text;
  let actionsText: string | undefined;
  if (actionsAllowed) {
    const x = extractActions(text);
    if (x.actions === undefined) fail('must specify an action');
    matchText = x.match;
    actionsText = x.actions;
  }
  const match = new OvsMatch();
  let priority = 0x8000;
  let tableId = OFPTT_ALL;
  let cookie = 0n;
  let cookieMask = 0n;
  let newCookie: bigint | undefined;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let flags = 0;
  let outPort: number = OFPP.ANY;
  let outGroup = OFPG_ANY;
  for (const { key, value } of parseKeyValues(matchText)) {
    if (applyProtocol(match, key)) continue;
    if (actionsAllowed && FLAG_WORDS[key] !== undefined) {
      flags |= FLAG_WORDS[key]!;
      continue;
    }
    if (key === 'no_readonly_table' || key === 'allow_hidden_fields') continue;
    if (applyField(match, key, value, opts.ports, opts.warn)) continue;
    if (value === '') fail(`field ${key} missing value`);
    switch (key) {
      case 'table':
        tableId = parseTable(value, opts.warn);
        continue;
      case 'out_port':
        if (!outPortAllowed) break;
        {
          const p = parsePortOrUndef(value, opts.ports);
          if (!p) fail(`${value} is not a valid OpenFlow port`);
          outPort = p.port;
        }
        continue;
      case 'out_group':
        if (!outPortAllowed) break;
        outGroup = parseGroupId(value);
        continue;
      case 'priority':
        if (!priorityAllowed) break;
        priority = parseSmall(value, 16, 'priority');
        continue;
      case 'idle_timeout':
      case 'hard_timeout':
        if (!actionsAllowed) break;
        if (key === 'idle_timeout') idleTimeout = parseSmall(value, 16, key);
        else hardTimeout = parseSmall(value, 16, key);
        continue;
      case 'importance':
        if (!add) break;
        parseSmall(value, 16, key);
        continue;
      case 'cookie': {
        const slash = value.indexOf('/');
        if (slash >= 0) {
          if (add) fail('flow additions cannot use a cookie mask');
          cookie = parseCookie(value.slice(0, slash));
          cookieMask = parseCookie(value.slice(slash + 1));
        } else {
          if (!actionsAllowed) fail('cannot set cookie');
          newCookie = parseCookie(value);
        }
        continue;
      }
      case 'duration':
      case 'n_packets':
      case 'n_bytes':
      case 'idle_age':
      case 'hard_age':
        continue;
    }
    fail(`unknown keyword ${key}`);
  }
  let ofpacts: Ofpact[] = [];
  if (actionsText !== undefined) {
    ofpacts = parseActionList(actionsText, { ports: opts.ports, warn: opts.warn });
    checkOfpacts(ofpacts, match.clone(), tableId);
  }
  warnIfNormalized(match, opts.warn);
  return {
    command,
    match,
    priority,
    tableId,
    cookie,
    cookieMask,
    newCookie,
    idleTimeout,
    hardTimeout,
    flags,
    outPort,
    outGroup,
    ofpacts,
  };
}

/** ofputil_group_from_string: a number or ANY/ALL. */
export function parseGroupId(s: string): number {
  const u = s.toUpperCase();
  if (u === 'ANY') return OFPG_ANY;
  if (u === 'ALL') return 0xfffffffc;
  if (/^[0-9]+$/.test(s) && Number(s) <= 0xffffffff) return Number(s);
  return fail(`${s} is not a valid OpenFlow group`);
}

function warnIfNormalized(match: OvsMatch, warn?: (w: string) => void): void {
  if (!warn) return;
  const pre = formatMatch(match);
  const post = formatMatch(normalize(match));
  if (pre !== post) {
    warn(`normalization changed ofp_match, details:\n pre: ${pre}\npost: ${post}`);
  }
}

/** The FLOW_MOD ovs-ofctl sends for a parsed flow (ofputil_encode_flow_mod, OpenFlow 1.3). */
export function toFlowMod(p: ParsedFlow, xid = 0): FlowMod {
  if (p.command === 'filter') throw new TypeError('a flow filter is not a flow mod');
  const del = p.command === FlowModCommand.DELETE || p.command === FlowModCommand.DELETE_STRICT;
  const add = p.command === FlowModCommand.ADD;
  return {
    type: 'flow_mod',
    xid,
    cookie: add ? (p.newCookie ?? 0n) : p.cookie & p.cookieMask,
    cookieMask: p.cookieMask,
    tableId: p.tableId !== OFPTT_ALL || del ? p.tableId : 0,
    command: p.command,
    idleTimeout: p.idleTimeout,
    hardTimeout: p.hardTimeout,
    priority: p.priority,
    bufferId: OFP_NO_BUFFER,
    outPort: p.outPort,
    outGroup: del ? p.outGroup : OFPG_ANY,
    flags: p.flags,
    match: toOxm(p.match),
    instructions: encodeInstructions(p.ofpacts),
  };
}

/** The flow/aggregate stats request body for a dump-flows filter. */
export function toFlowStatsFilter(p: ParsedFlow): FlowStatsFilter {
  return {
    tableId: p.tableId,
    outPort: p.outPort,
    outGroup: p.outGroup,
    cookie: p.cookie,
    cookieMask: p.cookieMask,
    match: toOxm(p.match),
  };
}
