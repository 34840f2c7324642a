/**
 * Parses the actions part of an ovs-ofctl flow ("actions=...") into ofpacts: every
 * OpenFlow 1.3 action and instruction under ovs-ofctl's names (each keyword's parse is
 * its ofpact's entry in OFPACT_ACTIONS or OFPACT_INSTRUCTIONS), port names as bare
 * outputs, instruction order and duplicate checks, with ovs-ofctl's error wording.
 */
import { OFPCML_NO_BUFFER, OFPP } from '../codec/index.js';
import {
  type ActionParseContext,
  INSTRUCTION_ORDER,
  type InstructionName,
  instructionOf,
  type Ofpact,
  type ParseList,
} from './ofpact.js';
import { OFPACT_ACTIONS } from './ofpact-actions.js';
import { OFPACT_INSTRUCTIONS } from './ofpact-instructions.js';
import { parsePortOrUndef } from './ports.js';
import { parseKeyValues } from './tokenize.js';
import { fail } from './values.js';

export { parseTable } from './ofpact-instructions.js';
export type { ActionParseContext };

type KeywordParser = (value: string, ctx: ActionParseContext, name: string) => Ofpact;

/** Every ovs-ofctl keyword, from the two tables' `names`. */
const KEYWORDS: ReadonlyMap<string, KeywordParser> = (() => {
  const m = new Map<string, KeywordParser>();
  for (const faces of Object.values(OFPACT_ACTIONS)) {
    for (const n of faces.names) m.set(n, faces.parse as KeywordParser);
  }
  for (const faces of Object.values(OFPACT_INSTRUCTIONS)) {
    const parse = faces.parse as (v: string, c: ActionParseContext, l: ParseList) => Ofpact;
    for (const n of faces.names) m.set(n, (v, c) => parse(v, c, parseActionList));
  }
  return m;
})();

/** One action or instruction `key[:=(]value`; undefined for "drop". */
function parseOne(key: string, value: string, ctx: ActionParseContext): Ofpact | undefined {
  const k = key.toLowerCase();
  if (k === 'drop') return undefined;
  if (k === 'apply_actions') return fail('apply_actions is the default instruction');
  const parse = KEYWORDS.get(k);
  if (parse) return parse(value, ctx, k);
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

/** Open vSwitch's extension keywords, for a helpful error (ofctl-ts does not send them). */
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
