/**
 * Prints OpenFlow 1.3 actions and instructions as ovs-ofctl does (ofpacts_format):
 * apply_actions inline, other instructions by name, set_field as
 * `set_field:VALUE->FIELD` with Open vSwitch's field names and value syntax, reserved
 * ports by name, "drop" for nothing at all.
 */
import { type Action, assertNever, type Instruction, OFPP, type OxmEntry } from '../codec/index.js';
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

/** One action in ovs-ofctl's words. */
export function formatAction(a: Action, ports?: PortMap): string {
  switch (a.type) {
    case 'output':
      return formatOutput(a.port, a.maxLen, ports);
    case 'copy_ttl_out':
    case 'copy_ttl_in':
    case 'dec_mpls_ttl':
    case 'pop_vlan':
    case 'pop_pbb':
      return a.type;
    case 'set_mpls_ttl':
      return `set_mpls_ttl(${a.ttl})`;
    case 'push_vlan':
      return `push_vlan:${hex(a.ethertype)}`;
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      return `${a.type}:0x${hexPad(a.ethertype, 4)}`;
    case 'set_queue':
      return `set_queue:${a.queueId}`;
    case 'group':
      return `group:${a.groupId}`;
    case 'set_nw_ttl':
      return `mod_nw_ttl:${a.ttl}`;
    case 'dec_nw_ttl':
      return 'dec_ttl';
    case 'set_field':
      return formatSetField(a.field, ports);
    case 'experimenter': {
      const nx = a.experimenter === NX_VENDOR_ID ? formatNxAction(a.data, ports) : undefined;
      return (
        nx ?? `experimenter(0x${hexPad(a.experimenter, 8)},${Buffer.from(a.data).toString('hex')})`
      );
    }
    default:
      return assertNever(a);
  }
}

export function formatActions(actions: readonly Action[], ports?: PortMap): string {
  return actions.map((a) => formatAction(a, ports)).join(',');
}

/** ofpacts_format of a flow's instructions; "drop" when there are none. */
export function formatInstructions(list: readonly Instruction[], ports?: PortMap): string {
  const parts: string[] = [];
  for (const ins of list) {
    switch (ins.type) {
      case 'apply_actions':
        if (ins.actions.length > 0) parts.push(formatActions(ins.actions, ports));
        break;
      case 'meter':
        parts.push(`meter:${ins.meterId}`);
        break;
      case 'clear_actions':
        parts.push('clear_actions');
        break;
      case 'write_actions':
        parts.push(`write_actions(${formatActions(ins.actions, ports)})`);
        break;
      case 'write_metadata': {
        const all = (1n << 64n) - 1n;
        const mask = ins.mask === all ? '' : `/${hex(ins.mask)}`;
        parts.push(`write_metadata:${hex(ins.metadata)}${mask}`);
        break;
      }
      case 'goto_table':
        parts.push(`goto_table:${ins.tableId}`);
        break;
      case 'experimenter':
        parts.push(
          `experimenter_instruction(0x${hexPad(ins.experimenter, 8)},${Buffer.from(ins.data).toString('hex')})`,
        );
        break;
      default:
        assertNever(ins);
    }
  }
  return parts.length === 0 ? 'drop' : parts.join(',');
}
