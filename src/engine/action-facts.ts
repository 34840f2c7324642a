/**
 * What the validity checks of actions work with (OpenFlow 1.3.5 sections 6.4, 7.4.4):
 * the switch facts a check asks about (groups, meters, tables), the header facts a
 * flow's match guarantees (exact eth_type, ip_proto, ICMP type, VLAN tags) as they are
 * carried through an action list the way Open vSwitch's ofpacts_check() does, and the
 * checks several actions share (output port, set_field). Each action's own check is its
 * entry in action-ops.ts.
 */
import {
  fullMask,
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
import { SETTABLE } from './packet-set-field.js';
import { OFPP_MAX } from './ports.js';

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
  /**
   * The VLAN tags known to be there, outermost first, as Open vSwitch's ofpacts_check()
   * tracks them (flow->vlans[]): two at most, a tag the match does not guarantee counts
   * as absent. push_vlan shifts them in, pop_vlan out.
   */
  vlans: [outer: boolean, inner: boolean];
}

/** Open vSwitch tracks this many VLAN tags (FLOW_MAX_VLAN_HEADERS). */
export const MAX_VLAN_HEADERS = 2;

export const TRACKED: readonly OxmName[] = ['eth_type', 'ip_proto', 'icmpv4_type', 'icmpv6_type'];

export function factsOfMatch(match: Match): FlowFacts {
  const exact = new Map<OxmName, number>();
  let vlan = false;
  for (const e of match) {
    if (e.field === 'raw') continue;
    const full = e.mask === undefined || e.mask === fullMask(OXM_BY_NAME.get(e.field)!);
    if (TRACKED.includes(e.field) && full) exact.set(e.field, Number(e.value));
    if (e.field === 'vlan_vid') {
      const mask = e.mask === undefined ? 0x1fff : Number(e.mask);
      if (mask & OFPVID_PRESENT) vlan = (Number(e.value) & OFPVID_PRESENT) !== 0;
    }
  }
  return { exact, vlans: [vlan, false] };
}

export const copyFacts = (f: FlowFacts): FlowFacts => ({
  exact: new Map(f.exact),
  vlans: [f.vlans[0], f.vlans[1]],
});

export const isMpls = (f: FlowFacts) => [0x8847, 0x8848].includes(f.exact.get('eth_type') ?? -1);
export const isIp = (f: FlowFacts) => [0x0800, 0x86dd].includes(f.exact.get('eth_type') ?? -1);

/** A set_field's prerequisites hold in `facts` (OXM prerequisites, plus a VLAN for VID/PCP). */
function prereqsHold(field: OxmName, facts: FlowFacts): boolean {
  if (field === 'vlan_vid' || field === 'vlan_pcp') return facts.vlans[0];
  for (const p of OXM_BY_NAME.get(field)!.prereqs) {
    if (p.values.length === 0) continue;
    const v = facts.exact.get(p.field);
    if (v === undefined || !p.values.includes(v)) return false;
  }
  return true;
}

export function setEthType(facts: FlowFacts, ethType: number): void {
  facts.exact.clear();
  facts.exact.set('eth_type', ethType);
}

export function checkOutPort(port: number, packetOut: boolean): OfpError | undefined {
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

export function checkSetField(f: OxmEntry, facts: FlowFacts | undefined): OfpError | undefined {
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

export interface ActionCheckOptions {
  /** Match facts; undefined skips the consistency checks (group buckets). */
  readonly facts: FlowFacts | undefined;
  /** PACKET_OUT allows output to OFPP_TABLE. */
  readonly packetOut?: boolean;
}

/** OFPBAC_MATCH_INCONSISTENT: `what` does not fit what the match guarantees. */
export function inconsistent(what: string): OfpError {
  return ofpError(OFPERR.OFPBAC_MATCH_INCONSISTENT, `${what} does not fit the match`);
}
