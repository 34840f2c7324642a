/**
 * Parsed actions and instructions before they become OpenFlow 1.3 wire objects, in the
 * shape ovs-ofctl parses them (its "ofpacts"): mod_vlan_vid stays one action until the
 * consistency check knows whether the flow already has a VLAN tag, mod_tp_dst until it
 * knows whether the flow is TCP, UDP or SCTP. Each kind's parse, check and encode are
 * its entry in OFPACT_ACTIONS (ofpact-actions.ts) or, for the instructions, in
 * OFPACT_INSTRUCTIONS (ofpact-instructions.ts); see docs/actions.md.
 */
import type { Action, Instruction } from '../codec/index.js';
import type { TextField } from './fields.js';
import type { OvsMatch } from './ovs-match.js';
import type { PortMap } from './ports.js';

/** The ofpacts that become actions (of an apply_actions or a write_actions). */
export type ActionOfpact =
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
  | { readonly k: 'pop_pbb' };

/** The ofpacts that are instructions of their own. */
export type InstructionOfpact =
  | { readonly k: 'meter'; readonly id: number }
  | { readonly k: 'clear_actions' }
  | { readonly k: 'write_actions'; readonly actions: readonly Ofpact[] }
  | { readonly k: 'write_metadata'; readonly metadata: bigint; readonly mask: bigint }
  | { readonly k: 'goto_table'; readonly table: number };

export type Ofpact = ActionOfpact | InstructionOfpact;
export type ActionOfpactKind = ActionOfpact['k'];
export type InstructionOfpactKind = InstructionOfpact['k'];
export type OfpactOf<K extends Ofpact['k']> = Extract<Ofpact, { readonly k: K }>;

export interface ActionParseContext {
  readonly ports?: PortMap | undefined;
  readonly warn?: ((w: string) => void) | undefined;
}

/** The text faces of one action ofpact (ovs-ofctl's parse_X, check_X, encode_X). */
export interface OfpactFaces<K extends ActionOfpactKind> {
  /** The ovs-ofctl keywords that parse into it (lower case). */
  readonly names: readonly string[];
  /** Parses `value` of `keyword[:=(]value` (`name` is the keyword as written, lower case). */
  parse(value: string, ctx: ActionParseContext, name: string): OfpactOf<K>;
  /**
   * ofpacts_check: throws ovs-ofctl's "actions are invalid with specified match (...)";
   * `flow` is the match as changed by earlier actions, changed here as this one would;
   * records in `a` what encoding needs.
   */
  check(a: OfpactOf<K>, flow: OvsMatch, tableId: number): void;
  /** The checked ofpact as OpenFlow 1.3 actions (some become two). */
  encode(a: OfpactOf<K>, out: Action[]): void;
}

/**
 * The text faces of one instruction ofpact. write_actions holds a list, so each face gets
 * the list-level function it recurses into (passed in: no import cycle).
 */
export interface InstructionOfpactFaces<K extends InstructionOfpactKind> {
  readonly names: readonly string[];
  parse(value: string, ctx: ActionParseContext, parseList: ParseList): OfpactOf<K>;
  check(a: OfpactOf<K>, flow: OvsMatch, tableId: number, checkList: CheckList): void;
  encode(a: OfpactOf<K>, encodeList: (list: readonly Ofpact[]) => Action[]): Instruction;
}

/** parseActionList of the nested list of write_actions(...). */
export type ParseList = (text: string, ctx: ActionParseContext, nested: boolean) => Ofpact[];
/** checkOfpacts of a nested list. */
export type CheckList = (list: readonly Ofpact[], flow: OvsMatch, tableId: number) => void;

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

const INSTRUCTION_KINDS: Readonly<Record<string, true>> = {
  meter: true,
  clear_actions: true,
  write_actions: true,
  write_metadata: true,
  goto_table: true,
} satisfies Record<InstructionOfpactKind, true>;

export function isInstructionOfpact(a: Ofpact): a is InstructionOfpact {
  return INSTRUCTION_KINDS[a.k] === true;
}

/** Which instruction an ofpact belongs to. */
export function instructionOf(a: Ofpact): InstructionName {
  return isInstructionOfpact(a) ? a.k : 'apply_actions';
}
