/**
 * Parses the actions part of an ovs-ofctl flow ("actions=...") into ofpacts: every
 * OpenFlow 1.3 action and instruction under ovs-ofctl's names, port names as bare
 * outputs, instruction order and duplicate checks, with ovs-ofctl's error wording.
 */
import { OFPCML_NO_BUFFER, OFPP } from '../codec/index.js';
import { textField } from './fields.js';
import { parseFieldValue } from './match-parse.js';
import { INSTRUCTION_ORDER, type InstructionName, instructionOf, type Ofpact } from './ofpact.js';
import { type PortMap, parsePortOrUndef } from './ports.js';
import { parseKeyValues } from './tokenize.js';
import { fail, parseIpv4OrUndef, parseMacOrUndef, parseNumeric, parseSmall } from './values.js';

export interface ActionParseContext {
  readonly ports?: PortMap | undefined;
  readonly warn?: ((w: string) => void) | undefined;
}

/** ofputil_table_from_string: a table number 0-255. */
export function parseTable(s: string, warn?: (w: string) => void): number {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n <= 255) return n;
    warn?.(`table ${s} is outside the supported range 0 through 255`);
  }
  return fail(`unknown table "${s}"`);
}

function port(s: string, ctx: ActionParseContext, message: (s: string) => string): number {
  const p = parsePortOrUndef(s, ctx.ports);
  if (!p) fail(message(s));
  if (p.warning) ctx.warn?.(p.warning);
  return p.port;
}

function parseController(arg: string): Ofpact {
  let maxLen = OFPCML_NO_BUFFER;
  if (arg === '') return { k: 'output', port: OFPP.CONTROLLER, maxLen };
  if (/^[0-9]+$/.test(arg)) {
    return { k: 'output', port: OFPP.CONTROLLER, maxLen: parseSmall(arg, 16, 'max_len') };
  }
  for (const { key, value } of parseKeyValues(arg)) {
    if (key === 'max_len') maxLen = parseSmall(value, 16, 'max_len');
    else if (key === 'reason' || key === 'id' || key === 'userdata' || key === 'pause') {
      fail(
        `controller action with ${key}: Open vSwitch sends this as a Nicira extension, ` +
          'which ofctl-ts does not support; use controller or controller:MAX_LEN',
      );
    } else fail(`unknown key "${key}" parsing controller action`);
  }
  return { k: 'output', port: OFPP.CONTROLLER, maxLen };
}

function parseSetField(arg: string, ctx: ActionParseContext): Ofpact {
  const arrow = arg.indexOf('->');
  if (arrow < 0) fail(`${arg}: missing \`->'`);
  const valueText = arg.slice(0, arrow);
  const name = arg.slice(arrow + 2);
  const f = textField(name);
  if (!f) fail(`${name} is not a valid OXM field name`);
  if ('readOnly' in f.set) fail(`${f.name} is read-only`);
  const { v, m } = parseFieldValue(f, valueText, ctx.ports, ctx.warn);
  const full =
    f.kind === 'port' || f.kind === 'port_oxm' ? 0xffffffffn : (1n << BigInt(f.bytes * 8)) - 1n;
  if (m !== full && !(f.kind === 'mac' && m === 0xffffffffffffn)) {
    fail(
      `${arg}: a set_field with a mask is not an OpenFlow 1.3 action (Open vSwitch sends a ` +
        'Nicira "load" extension for it); set the whole field instead',
    );
  }
  return { k: 'set_field', field: f, value: v };
}

function ethertype(arg: string, name: string): number {
  return parseSmall(arg, 16, name);
}

/** One action or instruction `key[:=(]value`; undefined for "drop". */
function parseOne(key: string, value: string, ctx: ActionParseContext): Ofpact | undefined {
  const k = key.toLowerCase();
  switch (k) {
    case 'drop':
      return undefined;
    case 'output': {
      const p = port(value, ctx, (s) => `${s}: output to unknown port`);
      return { k: 'output', port: p, maxLen: p === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0 };
    }
    case 'controller':
      return parseController(value);
    case 'group':
      return { k: 'group', id: Number(parseNumeric(value, 32)) };
    case 'set_queue':
      return { k: 'set_queue', id: Number(parseNumeric(value, 32)) };
    case 'meter':
      return { k: 'meter', id: Number(parseNumeric(value, 32)) };
    case 'mod_vlan_vid':
    case 'set_vlan_vid': {
      const vid = parseSmall(value, 16, 'VLAN VID');
      if (vid > 0xfff) fail(`${value}: not a valid VLAN VID`);
      return { k: 'set_vlan_vid', vid, push: k === 'mod_vlan_vid' };
    }
    case 'mod_vlan_pcp':
    case 'set_vlan_pcp': {
      const pcp = parseSmall(value, 8, 'VLAN PCP');
      if (pcp > 7) fail(`${value}: not a valid VLAN PCP`);
      return { k: 'set_vlan_pcp', pcp, push: k === 'mod_vlan_pcp' };
    }
    case 'strip_vlan':
    case 'pop_vlan':
      return { k: 'strip_vlan' };
    case 'push_vlan': {
      const t = ethertype(value, 'ethertype');
      if (t !== 0x8100 && t !== 0x88a8) fail(`${value}: not a valid VLAN ethertype`);
      return { k: 'push_vlan', ethertype: t };
    }
    case 'mod_dl_src':
    case 'mod_dl_dst': {
      const mac = parseMacOrUndef(value);
      if (mac === undefined) fail(`invalid mac address ${value}`);
      return { k: 'set_eth', dst: k === 'mod_dl_dst', mac };
    }
    case 'mod_nw_src':
    case 'mod_nw_dst': {
      const ip = parseIpv4OrUndef(value);
      if (ip === undefined) fail(`${value}: could not convert to IP address`);
      return { k: 'set_ipv4', dst: k === 'mod_nw_dst', ip };
    }
    case 'mod_nw_tos': {
      const tos = parseSmall(value, 8, 'TOS');
      if (tos & 3) fail(`${value}: not a valid TOS`);
      return { k: 'set_dscp', tos };
    }
    case 'mod_nw_ecn': {
      const ecn = parseSmall(value, 8, 'ECN');
      if (ecn > 3) fail(`${value}: not a valid ECN`);
      return { k: 'set_ecn', ecn };
    }
    case 'mod_nw_ttl':
    case 'set_nw_ttl':
      return { k: 'set_nw_ttl', ttl: parseSmall(value, 8, 'TTL') };
    case 'mod_tp_src':
    case 'mod_tp_dst': {
      const dst = k === 'mod_tp_dst';
      return {
        k: 'set_l4',
        dst,
        port: parseSmall(value, 16, dst ? 'destination port' : 'source port'),
      };
    }
    case 'dec_ttl':
      if (value !== '') {
        fail(
          'dec_ttl with controller ids is an Open vSwitch extension that ofctl-ts does not ' +
            'support; use plain dec_ttl',
        );
      }
      return { k: 'dec_ttl' };
    case 'set_mpls_label':
      return { k: 'set_mpls_label', label: Number(parseNumeric(value, 32)) & 0xfffff };
    case 'set_mpls_tc':
      return { k: 'set_mpls_tc', tc: parseSmall(value, 8, 'MPLS TC') & 7 };
    case 'set_mpls_ttl':
      return { k: 'set_mpls_ttl', ttl: parseSmall(value, 8, 'MPLS TTL') };
    case 'dec_mpls_ttl':
      return { k: 'dec_mpls_ttl' };
    case 'push_mpls':
      return { k: 'push_mpls', ethertype: ethertype(value, 'push_mpls') };
    case 'pop_mpls':
      return { k: 'pop_mpls', ethertype: ethertype(value, 'pop_mpls') };
    case 'set_field':
      return parseSetField(value, ctx);
    case 'copy_ttl_in':
    case 'copy_ttl_out':
    case 'pop_pbb':
      return { k };
    case 'push_pbb':
      return { k: 'push_pbb', ethertype: ethertype(value, 'push_pbb') };
    case 'clear_actions':
      return { k: 'clear_actions' };
    case 'write_actions':
      return { k: 'write_actions', actions: parseActionList(value, ctx, true) };
    case 'write_metadata': {
      const slash = value.indexOf('/');
      const metadata = parseNumeric(slash < 0 ? value : value.slice(0, slash), 64);
      const mask = slash < 0 ? (1n << 64n) - 1n : parseNumeric(value.slice(slash + 1), 64);
      return { k: 'write_metadata', metadata, mask };
    }
    case 'goto_table':
      return { k: 'goto_table', table: parseTable(value, ctx.warn) };
    case 'apply_actions':
      return fail('apply_actions is the default instruction');
  }
  const p = parsePortOrUndef(key, ctx.ports);
  if (p) {
    if (p.warning) ctx.warn?.(p.warning);
    return { k: 'output', port: p.port, maxLen: p.port === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0 };
  }
  if (NICIRA_ACTIONS.has(k)) {
    fail(
      `${key}: this action is an Open vSwitch (Nicira) extension, not OpenFlow 1.3; ` +
        'ofctl-ts sends standard OpenFlow 1.3 only',
    );
  }
  return fail(`unknown action ${key}`);
}

const NICIRA_ACTIONS = new Set([
  'enqueue',
  'resubmit',
  'learn',
  'ct',
  'ct_clear',
  'nat',
  'move',
  'load',
  'push',
  'pop',
  'note',
  'exit',
  'sample',
  'multipath',
  'bundle',
  'bundle_load',
  'output_reg',
  'set_tunnel',
  'set_tunnel64',
  'pop_queue',
  'fin_timeout',
  'conjunction',
  'clone',
  'check_pkt_larger',
  'encap',
  'decap',
  'dec_nsh_ttl',
  'delete_field',
]);

/**
 * Parses an action list; `nested` for the inside of write_actions(...), where only actions
 * are allowed. Checks instruction order and duplicates as ovs-ofctl does.
 */
export function parseActionList(text: string, ctx: ActionParseContext, nested = false): Ofpact[] {
  const out: Ofpact[] = [];
  let drop = false;
  let prev = -1;
  const seen = new Set<InstructionName>();
  for (const { key, value } of parseKeyValues(text)) {
    const a = parseOne(key, value, ctx);
    if (!a) {
      drop = true;
      continue;
    }
    const inst = instructionOf(a);
    if (nested && inst !== 'apply_actions') {
      if (inst === 'meter') fail(`write_actions action doesn't support nested action meter`);
      fail(`${inst} instruction not allowed here`);
    }
    const idx = INSTRUCTION_ORDER.indexOf(inst);
    if (idx !== prev) {
      if (prev >= 0 && idx < prev) {
        fail(
          `invalid instruction ordering: ${inst} must appear before ${INSTRUCTION_ORDER[prev]}, ` +
            'for OpenFlow 1.1+ compatibility',
        );
      }
      prev = idx;
    } else if (inst !== 'apply_actions' && seen.has(inst)) {
      fail(`duplicate ${inst} instruction not allowed, for OpenFlow 1.1+ compatibility`);
    }
    seen.add(inst);
    out.push(a);
  }
  if (drop && out.length > 0) {
    fail('"drop" must not be accompanied by any other action or instruction');
  }
  return out;
}
