/**
 * Parsed actions and instructions before they become OpenFlow 1.3 wire objects, in the
 * shape ovs-ofctl parses them (its "ofpacts"): mod_vlan_vid stays one action until the
 * consistency check knows whether the flow already has a VLAN tag, mod_tp_dst until it
 * knows whether the flow is TCP, UDP or SCTP.
 */
import type { TextField } from './fields.js';

export type Ofpact =
  | { readonly k: 'output'; readonly port: number; readonly maxLen: number }
  | { readonly k: 'group'; readonly id: number }
  | { readonly k: 'set_queue'; readonly id: number }
  | { readonly k: 'set_vlan_vid'; readonly vid: number; readonly push: boolean; hasVlan?: boolean }
  | { readonly k: 'set_vlan_pcp'; readonly pcp: number; readonly push: boolean; hasVlan?: boolean }
  | { readonly k: 'strip_vlan' }
  | { readonly k: 'push_vlan'; readonly ethertype: number }
  | { readonly k: 'set_eth'; readonly dst: boolean; readonly mac: number }
  | { readonly k: 'set_ipv4'; readonly dst: boolean; readonly ip: number }
  | { readonly k: 'set_dscp'; readonly tos: number }
  | { readonly k: 'set_ecn'; readonly ecn: number }
  | { readonly k: 'set_nw_ttl'; readonly ttl: number }
  | { readonly k: 'set_l4'; readonly dst: boolean; readonly port: number; proto?: number }
  | { readonly k: 'dec_ttl' }
  | { readonly k: 'set_mpls_label'; readonly label: number }
  | { readonly k: 'set_mpls_tc'; readonly tc: number }
  | { readonly k: 'set_mpls_ttl'; readonly ttl: number }
  | { readonly k: 'dec_mpls_ttl' }
  | { readonly k: 'push_mpls'; readonly ethertype: number }
  | { readonly k: 'pop_mpls'; readonly ethertype: number }
  | { readonly k: 'set_field'; readonly field: TextField; readonly value: bigint }
  | { readonly k: 'copy_ttl_in' }
  | { readonly k: 'copy_ttl_out' }
  | { readonly k: 'push_pbb'; readonly ethertype: number }
  | { readonly k: 'pop_pbb' }
  | { readonly k: 'meter'; readonly id: number }
  | { readonly k: 'clear_actions' }
  | { readonly k: 'write_actions'; readonly actions: readonly Ofpact[] }
  | { readonly k: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly k: 'goto_table'; readonly table: number };

/** OpenFlow 1.1+ instruction kinds in the order they must appear. */
export const INSTRUCTION_ORDER = [
  'meter',
  'apply_actions',
  'clear_actions',
  'write_actions',
  'write_metadata',
  'goto_table',
] as const;
export type InstructionName = (typeof INSTRUCTION_ORDER)[number];

/** Which instruction an ofpact belongs to. */
export function instructionOf(a: Ofpact): InstructionName {
  switch (a.k) {
    case 'meter':
    case 'clear_actions':
    case 'write_actions':
    case 'write_metadata':
    case 'goto_table':
      return a.k;
    default:
      return 'apply_actions';
  }
}
