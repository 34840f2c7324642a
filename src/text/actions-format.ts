/**
 * Prints OpenFlow 1.3 actions and instructions as ovs-ofctl does (ofpacts_format):
 * apply_actions inline, other instructions by name, set_field as
 * `set_field:VALUE->FIELD` with Open vSwitch's field names and value syntax, reserved
 * ports by name, "drop" for nothing at all. The text of each kind is its entry in
 * ACTION_TEXT or INSTRUCTION_TEXT, mapped types over the codec's kind unions (a kind
 * without its text does not compile).
 */
import {
  type Action,
  type ActionKind,
  type ActionOf,
  assertNever,
  type Instruction,
  type InstructionKind,
  type InstructionOf,
  OFPP,
  type OxmEntry,
} from '../codec/index.js';
import { fieldForEntry, type TextField } from './fields.js';
import { formatNxAction, NX_VENDOR_ID } from './nx-actions.js';
import { formatPort, type PortMap } from './ports.js';
import { formatIpv4, formatIpv6, formatMac, hex, hexPad } from './values.js';

/** mf_format of a field value (no mask). */
export function formatFieldValue(f: TextField, v: bigint, ports?: PortMap): string {
  switch (f.kind) {
    case 'dec':
      return v.toString();
    case 'hex':
      return hex(v);
    case 'mac':
      return formatMac(Number(v));
    case 'ipv4':
      return formatIpv4(Number(v));
    case 'ipv6':
      return formatIpv6(v);
    case 'port':
      return formatPort(Number(v) >= 0xff00 ? Number(v) + 0xffff0000 : Number(v), ports);
    case 'port_oxm':
      return formatPort(Number(v), ports);
    default:
      return assertNever(f.kind, 'field kind');
  }
}

function rawValue(e: Extract<OxmEntry, { field: 'raw' }>, bytes: Uint8Array): bigint {
  void e;
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function formatSetField(e: OxmEntry, ports?: PortMap): string {
  const f = fieldForEntry(e);
  if (e.field === 'raw') {
    const half = e.hasMask ? e.payload.length / 2 : e.payload.length;
    const v = rawValue(e, e.payload.subarray(0, half));
    if (!f) {
      return `set_field:${hex(v)}->oxm(0x${hexPad(e.oxmClass, 4)}:${e.oxmField})`;
    }
    return `set_field:${formatFieldValue(f, v, ports)}->${f.name}`;
  }
  const v = BigInt(e.value);
  const name = f ? f.name : e.field;
  const text = f ? formatFieldValue(f, v, ports) : v.toString();
  const mask = e.mask === undefined ? '' : `/${hex(BigInt(e.mask))}`;
  return `set_field:${text}${mask}->${name}`;
}

function formatOutput(port: number, maxLen: number, ports?: PortMap): string {
  if (port === OFPP.CONTROLLER) return `CONTROLLER:${maxLen}`;
  if (port < 0xffffff00) return `output:${formatPort(port, ports)}`;
  return formatPort(port, ports);
}

/** How one action kind prints. */
export type ActionFormat<K extends ActionKind> = (a: ActionOf<K>, ports?: PortMap) => string;

const bareName = (a: { readonly type: string }): string => a.type;
const ethertypeText = (a: { readonly type: string; readonly ethertype: number }): string =>
  `${a.type}:0x${hexPad(a.ethertype, 4)}`;

/** Every action kind's text, by kind. */
export const ACTION_TEXT: { readonly [K in ActionKind]: ActionFormat<K> } = {
  output: (a, ports) => formatOutput(a.port, a.maxLen, ports),
  copy_ttl_out: bareName,
  copy_ttl_in: bareName,
  set_mpls_ttl: (a) => `set_mpls_ttl(${a.ttl})`,
  dec_mpls_ttl: bareName,
  push_vlan: (a) => `push_vlan:${hex(a.ethertype)}`,
  pop_vlan: bareName,
  push_mpls: ethertypeText,
  pop_mpls: ethertypeText,
  set_queue: (a) => `set_queue:${a.queueId}`,
  group: (a) => `group:${a.groupId}`,
  set_nw_ttl: (a) => `mod_nw_ttl:${a.ttl}`,
  dec_nw_ttl: () => 'dec_ttl',
  set_field: (a, ports) => formatSetField(a.field, ports),
  push_pbb: ethertypeText,
  pop_pbb: bareName,
  experimenter: (a, ports) => {
    const nx = a.experimenter === NX_VENDOR_ID ? formatNxAction(a.data, ports) : undefined;
    return (
      nx ?? `experimenter(0x${hexPad(a.experimenter, 8)},${Buffer.from(a.data).toString('hex')})`
    );
  },
};

function actionText<K extends ActionKind>(kind: K): ActionFormat<K> {
  return ACTION_TEXT[kind];
}

/** One action in ovs-ofctl's words. */
export function formatAction(a: Action, ports?: PortMap): string {
  return actionText(a.type)(a, ports);
}

export function formatActions(actions: readonly Action[], ports?: PortMap): string {
  return actions.map((a) => formatAction(a, ports)).join(',');
}

/** How one instruction kind prints; undefined prints nothing (an empty apply_actions). */
export type InstructionFormat<K extends InstructionKind> = (
  ins: InstructionOf<K>,
  ports?: PortMap,
) => string | undefined;

const ALL_ONES = (1n << 64n) - 1n;

/** Every instruction kind's text, by kind. */
export const INSTRUCTION_TEXT: { readonly [K in InstructionKind]: InstructionFormat<K> } = {
  apply_actions: (ins, ports) =>
    ins.actions.length > 0 ? formatActions(ins.actions, ports) : undefined,
  meter: (ins) => `meter:${ins.meterId}`,
  clear_actions: () => 'clear_actions',
  write_actions: (ins, ports) => `write_actions(${formatActions(ins.actions, ports)})`,
  write_metadata: (ins) =>
    `write_metadata:${hex(ins.metadata)}${ins.mask === ALL_ONES ? '' : `/${hex(ins.mask)}`}`,
  goto_table: (ins) => `goto_table:${ins.tableId}`,
  experimenter: (ins) =>
    `experimenter_instruction(0x${hexPad(ins.experimenter, 8)},${Buffer.from(ins.data).toString('hex')})`,
};

function instructionText<K extends InstructionKind>(kind: K): InstructionFormat<K> {
  return INSTRUCTION_TEXT[kind];
}

/** ofpacts_format of a flow's instructions; "drop" when there are none. */
export function formatInstructions(list: readonly Instruction[], ports?: PortMap): string {
  const parts: string[] = [];
  for (const ins of list) {
    const text = instructionText(ins.type)(ins, ports);
    if (text !== undefined) parts.push(text);
  }
  return parts.length === 0 ? 'drop' : parts.join(',');
}
