/**
 * The checks Open vSwitch applies when it decodes a message for printing, beyond what the
 * wire codec enforces: OVS rejects actions and fields it does not implement, a set_field
 * of vlan_vid without OFPVID_PRESENT, a duplicated instruction, an in_port outside its
 * port range, meter bands other than drop and dscp_remark. ofp-print then shows
 * "***decode error: NAME***" as OVS does. Each function returns the OVS error name or
 * undefined.
 */
import type { Action, Instruction, Match, MeterBand, OxmEntry } from '../../codec/index.js';
import { checkMatch } from '../../codec/index.js';
import { fieldForEntry, prereqOk } from '../fields.js';
import { fromOxm } from '../ovs-match.js';

const UNSUPPORTED_ACTIONS = new Set(['copy_ttl_in', 'copy_ttl_out', 'push_pbb', 'pop_pbb']);
const UNSUPPORTED_FIELDS = new Set(['in_phy_port', 'pbb_isid', 'ipv6_exthdr']);
const OVS_EXPERIMENTERS = new Set([0x2320, 0x4f4e4600]);

function portOutOfRange(port: number): boolean {
  return port >= 0xff00 && port < 0xffffff00;
}

export function checkActions(actions: readonly Action[]): string | undefined {
  for (const a of actions) {
    if (UNSUPPORTED_ACTIONS.has(a.type)) return 'OFPBAC_BAD_TYPE';
    if (a.type === 'output' && portOutOfRange(a.port)) return 'OFPBAC_BAD_OUT_PORT';
    if (a.type === 'experimenter' && !OVS_EXPERIMENTERS.has(a.experimenter)) {
      return 'OFPBAC_BAD_VENDOR';
    }
    if (a.type === 'set_field') {
      const f = a.field;
      if (f.field === 'raw') {
        if (f.oxmClass === 0xffff) return 'OFPBAC_BAD_SET_LEN';
        if (f.oxmClass !== 0 && f.oxmClass !== 1) return 'OFPBAC_BAD_SET_TYPE';
        continue;
      }
      if (UNSUPPORTED_FIELDS.has(f.field)) return 'OFPBAC_BAD_SET_TYPE';
      if (f.mask !== undefined) return 'OFPBAC_BAD_SET_ARGUMENT';
      if (f.field === 'vlan_vid' && !(Number(f.value) & 0x1000)) return 'OFPBAC_BAD_SET_ARGUMENT';
      const e = checkMatch([f]);
      if (e && e.code === 7) return 'OFPBAC_BAD_SET_ARGUMENT';
    }
  }
  return undefined;
}

export function checkInstructions(list: readonly Instruction[]): string | undefined {
  const seen = new Set<string>();
  for (const ins of list) {
    if (seen.has(ins.type)) return 'OFPBIC_DUP_INST';
    seen.add(ins.type);
  }
  const order = [
    'meter',
    'apply_actions',
    'clear_actions',
    'write_actions',
    'write_metadata',
    'goto_table',
  ];
  const sorted = [...list].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const ins of sorted) {
    if (ins.type === 'experimenter') return 'OFPBIC_BAD_EXPERIMENTER';
    if (ins.type === 'apply_actions' || ins.type === 'write_actions') {
      const e = checkActions(ins.actions);
      if (e) return e;
    }
  }
  return undefined;
}

/**
 * oxm_pull_match as OVS does it: each field in order must have its prerequisites among
 * the fields before it (OVS's rules: ARP fields also under RARP), values must fit.
 */
export function checkOvsMatch(m: Match): string | undefined {
  const seen: OxmEntry[] = [];
  for (const e of m) {
    if (e.field !== 'raw') {
      if (e.field === 'in_port' && portOutOfRange(Number(e.value))) return 'OFPBMC_BAD_VALUE';
      if (UNSUPPORTED_FIELDS.has(e.field)) return 'OFPBMC_BAD_FIELD';
      const bad = checkMatch([e]);
      if (bad && bad.code === 7) return 'OFPBMC_BAD_VALUE';
      if (bad && bad.code === 5) return 'OFPBMC_BAD_WILDCARDS';
      const f = fieldForEntry(e);
      if (f && !prereqOk(f.prereq, fromOxm(seen))) return 'OFPBMC_BAD_PREREQ';
    }
    seen.push(e);
  }
  return undefined;
}

export function checkBands(bands: readonly MeterBand[]): string | undefined {
  return bands.some((b) => b.type === 'experimenter') ? 'OFPMMFC_BAD_BAND' : undefined;
}

/**
 * ofpacts_check_consistency, which OVS runs when it decodes a FLOW_MOD: each action's
 * prerequisites against the match as the earlier actions have changed the packet.
 */
export function checkConsistency(
  match: Match,
  instructions: readonly Instruction[],
): string | undefined {
  const flow = fromOxm(match);
  const ip = () => flow.isIp();
  const mpls = () => [0x8847, 0x8848].includes(flow.num('dl_type'));
  const hasVlan = () => (flow.num('vlan_tci') & 0x1000) !== 0;
  for (const ins of instructions) {
    if (ins.type !== 'apply_actions' && ins.type !== 'write_actions') continue;
    const saved = { dl: flow.v.dl_type, tci: flow.v.vlan_tci };
    for (const a of ins.actions) {
      let ok = true;
      switch (a.type) {
        case 'set_field': {
          const f = fieldForEntry(a.field);
          if (f) ok = prereqOk(f.prereq, flow) && (f.name !== 'vlan_vid' || hasVlan());
          break;
        }
        case 'pop_vlan':
          ok = hasVlan();
          flow.v.vlan_tci = 0n;
          break;
        case 'push_vlan':
          flow.v.vlan_tci |= 0x1000n;
          break;
        case 'set_nw_ttl':
        case 'dec_nw_ttl':
          ok = ip();
          break;
        case 'set_mpls_ttl':
        case 'dec_mpls_ttl':
          ok = mpls();
          break;
        case 'push_mpls':
          flow.v.dl_type = BigInt(a.ethertype);
          break;
        case 'pop_mpls':
          ok = mpls();
          flow.v.dl_type = BigInt(a.ethertype);
          break;
        default:
          break;
      }
      if (!ok) return 'OFPBAC_MATCH_INCONSISTENT';
    }
    if (ins.type === 'write_actions') {
      flow.v.dl_type = saved.dl;
      flow.v.vlan_tci = saved.tci;
    }
  }
  return undefined;
}
