/**
 * What a switch checks in the instructions and actions of a FLOW_MOD, GROUP_MOD or
 * PACKET_OUT before accepting it (OpenFlow 1.3.5 section 6.4 and 7.4.4), each failure
 * with its OpenFlow error: bad goto table, unknown meter or group, impossible output
 * port, bad push ethertype, unsettable or out-of-range set_field, and actions that do
 * not fit what the match guarantees (OFPBAC_MATCH_INCONSISTENT). For the last, the
 * match's exact eth_type, ip_proto, ICMP type and VLAN presence are tracked through the
 * action list as Open vSwitch's ofpacts_check() does (a pop_vlan or a set_field to
 * vlan_vid needs a match that guarantees a VLAN tag; dec_nw_ttl needs IP; ...).
 */
import {
  type Action,
  fullMask,
  type Instruction,
  type Match,
  OFPERR,
  OFPP,
  OFPVID_PRESENT,
  type OfpError,
  OXM_BY_NAME,
  type OxmEntry,
  type OxmName,
  ofpError,
} from '../codec/index.js';
import { asActionSet } from './action-set.js';
import { SETTABLE } from './packet-set-field.js';
import { OFPP_MAX } from './ports.js';

export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;
export const OFPM_MAX = 0xffff0000;

/** What the checks need to know about the switch. */
export interface CheckContext {
  readonly nTables: number;
  hasGroup(groupId: number): boolean;
  hasMeter(meterId: number): boolean;
}

/** Header facts the match guarantees, updated by each action in turn. */
export interface FlowFacts {
  /** Exact values of eth_type, ip_proto, icmpv4_type, icmpv6_type when matched exactly. */
  readonly exact: Map<OxmName, number>;
  /** true: a VLAN tag is guaranteed; false: guaranteed absent; undefined: unknown. */
  vlan: boolean | undefined;
}

const TRACKED: readonly OxmName[] = ['eth_type', 'ip_proto', 'icmpv4_type', 'icmpv6_type'];

export function factsOfMatch(match: Match): FlowFacts {
  const exact = new Map<OxmName, number>();
  let vlan: boolean | undefined;
  for (const e of match) {
    if (e.field === 'raw') continue;
    const full = e.mask === undefined || e.mask === fullMask(OXM_BY_NAME.get(e.field)!);
    if (TRACKED.includes(e.field) && full) exact.set(e.field, Number(e.value));
    if (e.field === 'vlan_vid') {
      const mask = e.mask === undefined ? 0x1fff : Number(e.mask);
      if (mask & OFPVID_PRESENT) vlan = (Number(e.value) & OFPVID_PRESENT) !== 0;
    }
  }
  return { exact, vlan };
}

const copyFacts = (f: FlowFacts): FlowFacts => ({ exact: new Map(f.exact), vlan: f.vlan });

const isMpls = (f: FlowFacts) => [0x8847, 0x8848].includes(f.exact.get('eth_type') ?? -1);
const isIp = (f: FlowFacts) => [0x0800, 0x86dd].includes(f.exact.get('eth_type') ?? -1);

/** A set_field's prerequisites hold in `facts` (OXM prerequisites, plus a VLAN for VID/PCP). */
function prereqsHold(field: OxmName, facts: FlowFacts): boolean {
  if (field === 'vlan_vid' || field === 'vlan_pcp') return facts.vlan === true;
  for (const p of OXM_BY_NAME.get(field)!.prereqs) {
    if (p.values.length === 0) continue;
    const v = facts.exact.get(p.field);
    if (v === undefined || !p.values.includes(v)) return false;
  }
  return true;
}

function setEthType(facts: FlowFacts, ethType: number): void {
  facts.exact.clear();
  facts.exact.set('eth_type', ethType);
}

function checkOutPort(port: number, packetOut: boolean): OfpError | undefined {
  if (port >= 1 && port <= OFPP_MAX) return undefined;
  switch (port) {
    case OFPP.IN_PORT:
    case OFPP.NORMAL:
    case OFPP.FLOOD:
    case OFPP.ALL:
    case OFPP.CONTROLLER:
    case OFPP.LOCAL:
      return undefined;
    case OFPP.TABLE:
      if (packetOut) return undefined;
      break;
    default:
      break;
  }
  return ofpError(
    OFPERR.OFPBAC_BAD_OUT_PORT,
    `output to port 0x${port.toString(16)} is not possible here`,
  );
}

export interface ActionCheckOptions {
  /** Match facts; undefined skips the consistency checks (group buckets). */
  readonly facts: FlowFacts | undefined;
  /** PACKET_OUT allows output to OFPP_TABLE. */
  readonly packetOut?: boolean;
}

/** Checks one action list; `opts.facts` is updated as the actions would change the packet. */
export function checkActions(
  actions: readonly Action[],
  ctx: CheckContext,
  opts: ActionCheckOptions,
): OfpError | undefined {
  const facts = opts.facts;
  const inconsistent = (what: string) =>
    ofpError(OFPERR.OFPBAC_MATCH_INCONSISTENT, `${what} does not fit the match`);
  for (const a of actions) {
    switch (a.type) {
      case 'output': {
        const e = checkOutPort(a.port, opts.packetOut === true);
        if (e) return e;
        break;
      }
      case 'group':
        if (a.groupId > OFPG_MAX || !ctx.hasGroup(a.groupId)) {
          return ofpError(OFPERR.OFPBAC_BAD_OUT_GROUP, `group ${a.groupId} does not exist`);
        }
        break;
      case 'set_queue':
        break;
      case 'push_vlan':
        if (a.ethertype !== 0x8100 && a.ethertype !== 0x88a8) {
          return ofpError(
            OFPERR.OFPBAC_BAD_ARGUMENT,
            `push_vlan ethertype 0x${a.ethertype.toString(16)} is not 0x8100/0x88a8`,
          );
        }
        if (facts) facts.vlan = true;
        break;
      case 'pop_vlan':
        if (facts && facts.vlan !== true) return inconsistent('pop_vlan without a VLAN tag');
        if (facts) facts.vlan = false;
        break;
      case 'push_mpls':
        if (a.ethertype !== 0x8847 && a.ethertype !== 0x8848) {
          return ofpError(
            OFPERR.OFPBAC_BAD_ARGUMENT,
            `push_mpls ethertype 0x${a.ethertype.toString(16)} is not MPLS`,
          );
        }
        if (facts) setEthType(facts, a.ethertype);
        break;
      case 'pop_mpls':
        if (facts && !isMpls(facts)) return inconsistent('pop_mpls on a non-MPLS match');
        if (facts) setEthType(facts, a.ethertype);
        break;
      case 'push_pbb':
        if (a.ethertype !== 0x88e7) {
          return ofpError(
            OFPERR.OFPBAC_BAD_ARGUMENT,
            `push_pbb ethertype 0x${a.ethertype.toString(16)} is not 0x88e7`,
          );
        }
        if (facts) setEthType(facts, a.ethertype);
        break;
      case 'pop_pbb':
        if (facts && facts.exact.get('eth_type') !== 0x88e7) {
          return inconsistent('pop_pbb on a non-PBB match');
        }
        if (facts) facts.exact.clear();
        break;
      case 'set_mpls_ttl':
      case 'dec_mpls_ttl':
      case 'copy_ttl_in':
      case 'copy_ttl_out':
        if (facts && !isMpls(facts)) return inconsistent(`${a.type} on a non-MPLS match`);
        break;
      case 'set_nw_ttl':
      case 'dec_nw_ttl':
        if (facts && !isIp(facts)) return inconsistent(`${a.type} on a non-IP match`);
        break;
      case 'set_field': {
        const e = checkSetField(a.field, facts);
        if (e) return e;
        break;
      }
      case 'experimenter':
        return ofpError(
          OFPERR.OFPBAC_BAD_EXPERIMENTER,
          `experimenter action 0x${a.experimenter.toString(16)} is not supported`,
        );
      default:
        return assertNeverAction(a);
    }
  }
  return undefined;
}

function checkSetField(f: OxmEntry, facts: FlowFacts | undefined): OfpError | undefined {
  if (f.field === 'raw')
    return ofpError(
      OFPERR.OFPBAC_BAD_SET_TYPE,
      `set_field of OXM class 0x${f.oxmClass.toString(16)}`,
    );
  if (!SETTABLE.has(f.field))
    return ofpError(OFPERR.OFPBAC_BAD_SET_TYPE, `set_field cannot write ${f.field}`);
  if (f.mask !== undefined)
    return ofpError(OFPERR.OFPBAC_BAD_SET_ARGUMENT, `set_field ${f.field} has a mask`);
  const info = OXM_BY_NAME.get(f.field)!;
  const max = f.field === 'vlan_vid' ? 0x1fff : 2 ** info.bits - 1;
  const v = f.value;
  if (typeof v === 'bigint' ? v > (1n << BigInt(info.bits)) - 1n || v < 0n : v > max || v < 0) {
    return ofpError(
      OFPERR.OFPBAC_BAD_SET_ARGUMENT,
      `set_field value for ${f.field} is out of range`,
    );
  }
  if (facts && !prereqsHold(f.field, facts)) {
    return ofpError(
      OFPERR.OFPBAC_MATCH_INCONSISTENT,
      `set_field ${f.field} lacks its prerequisites in the match`,
    );
  }
  if (facts && TRACKED.includes(f.field)) facts.exact.set(f.field, Number(v));
  return undefined;
}

function assertNeverAction(a: never): never {
  throw new TypeError(`unexpected action ${JSON.stringify(a)}`);
}

/** Spec order of instruction execution (section 5.9). */
const ORDER: Readonly<Record<Instruction['type'], number>> = {
  meter: 0,
  apply_actions: 1,
  clear_actions: 2,
  write_actions: 3,
  write_metadata: 4,
  goto_table: 5,
  experimenter: 6,
};

/** The instructions in execution order (section 5.9), whatever order they came in. */
export function executionOrder(list: readonly Instruction[]): Instruction[] {
  return [...list].sort((a, b) => ORDER[a.type] - ORDER[b.type]);
}

/** Does some action's check read or change the match facts? (output, group, set_queue: no) */
function needsFacts(actions: readonly Action[]): boolean {
  for (let i = 0; i < actions.length; i++) {
    const t = actions[i]!.type;
    if (t !== 'output' && t !== 'group' && t !== 'set_queue') return true;
  }
  return false;
}

const NO_FACTS: ActionCheckOptions = { facts: undefined };

/** True when `list` is already in execution order (the usual case: no copy, no sort). */
function inOrder(list: readonly Instruction[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (ORDER[list[i - 1]!.type] > ORDER[list[i]!.type]) return false;
  }
  return true;
}

/**
 * Checks a FLOW_MOD's instructions for table `tableId` against its match. The match's
 * facts are worked out only when an action needs them (an output-only list never does).
 */
export function checkInstructions(
  list: readonly Instruction[],
  match: Match,
  tableId: number,
  ctx: CheckContext,
): OfpError | undefined {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    const ins = list[i]!;
    const bit = 1 << ORDER[ins.type];
    if (seen & bit)
      return ofpError(OFPERR.OFPBIC_UNSUP_INST, `instruction ${ins.type} appears twice`);
    seen |= bit;
  }
  let facts: FlowFacts | undefined;
  const ordered = inOrder(list) ? list : executionOrder(list);
  for (let i = 0; i < ordered.length; i++) {
    const ins = ordered[i]!;
    switch (ins.type) {
      case 'goto_table':
        if (ins.tableId <= tableId || ins.tableId >= ctx.nTables) {
          return ofpError(
            OFPERR.OFPBIC_BAD_TABLE_ID,
            `goto_table ${ins.tableId} from table ${tableId}`,
          );
        }
        break;
      case 'meter':
        if (ins.meterId === 0 || ins.meterId > OFPM_MAX || !ctx.hasMeter(ins.meterId)) {
          return ofpError(OFPERR.OFPMMFC_UNKNOWN_METER, `meter ${ins.meterId} does not exist`);
        }
        break;
      case 'apply_actions': {
        if (!needsFacts(ins.actions)) {
          const e = checkActions(ins.actions, ctx, NO_FACTS);
          if (e) return e;
          break;
        }
        facts ??= factsOfMatch(match);
        const e = checkActions(ins.actions, ctx, { facts });
        if (e) return e;
        break;
      }
      case 'write_actions': {
        // The set runs in its own order (push before set_field), so check it in that order.
        const set = asActionSet(ins.actions);
        const own = !needsFacts(set)
          ? NO_FACTS
          : { facts: facts ? copyFacts(facts) : factsOfMatch(match) };
        const e = checkActions(set, ctx, own);
        if (e) return e;
        break;
      }
      case 'clear_actions':
      case 'write_metadata':
        break;
      case 'experimenter':
        return ofpError(
          OFPERR.OFPBIC_BAD_EXPERIMENTER,
          `experimenter instruction 0x${ins.experimenter.toString(16)}`,
        );
      default:
        return assertNeverAction(ins);
    }
  }
  return undefined;
}
