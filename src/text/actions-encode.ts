/**
 * The consistency check ovs-ofctl runs on parsed actions against the flow's match
 * (ofpacts_check: a VLAN action needs a tag, mod_nw_src needs IPv4, goto_table must go
 * forward, ...), tracking what earlier actions did to the packet, and the encoding of
 * the checked ofpacts into OpenFlow 1.3 instructions (mod_vlan_vid becomes push_vlan +
 * set_field when the flow has no tag, mod_tp_dst the set_field of the flow's protocol).
 */
import { type Action, type Instruction, OFPP, type OxmEntry } from '../codec/index.js';
import { prereqOk } from './fields.js';
import type { Ofpact } from './ofpact.js';
import { ETH_TYPE, IPPROTO, type OvsMatch, VLAN_CFI } from './ovs-match.js';
import { fail } from './values.js';

const OFPM13_MAX = 0xffff0000;

/** ofpact_check_output_port. */
function outputPortOk(port: number): boolean {
  return port < 0xffffff00 || (port >= OFPP.IN_PORT && port <= OFPP.LOCAL);
}

function invalid(code: string): never {
  return fail(`actions are invalid with specified match (${code})`);
}

function inconsistent(): never {
  return invalid('OFPBAC_MATCH_INCONSISTENT');
}

const isMpls = (t: number) => t === ETH_TYPE.MPLS || t === ETH_TYPE.MPLS_MCAST;

/**
 * ofpacts_check for OpenFlow 1.3: throws ovs-ofctl's "actions are invalid with specified
 * match (...)" and records in the ofpacts what encoding needs. `tableId` 255 means "not
 * given". `flow` is a scratch copy of the match, changed as the actions would change the
 * packet.
 */
export function checkOfpacts(list: readonly Ofpact[], flow: OvsMatch, tableId: number): void {
  const tci = () => flow.num('vlan_tci');
  for (const a of list) {
    switch (a.k) {
      case 'output':
        if (!outputPortOk(a.port)) invalid('OFPBAC_BAD_OUT_PORT');
        break;
      case 'set_vlan_vid':
      case 'set_vlan_pcp':
        a.hasVlan = (tci() & VLAN_CFI) !== 0;
        if (!a.hasVlan && !a.push) inconsistent();
        flow.v.vlan_tci |= BigInt(VLAN_CFI);
        break;
      case 'strip_vlan':
        if (!(tci() & VLAN_CFI)) inconsistent();
        flow.v.vlan_tci = 0n;
        break;
      case 'push_vlan':
        flow.v.vlan_tci |= BigInt(VLAN_CFI);
        break;
      case 'set_ipv4':
        if (flow.num('dl_type') !== ETH_TYPE.IP) inconsistent();
        break;
      case 'set_dscp':
      case 'set_ecn':
      case 'set_nw_ttl':
      case 'dec_ttl':
        if (!prereqOk('ip', flow)) inconsistent();
        break;
      case 'set_l4': {
        const p = flow.num('nw_proto');
        if (!prereqOk('ip', flow) || ![IPPROTO.TCP, IPPROTO.UDP, IPPROTO.SCTP].includes(p as 6)) {
          inconsistent();
        }
        a.proto = p;
        break;
      }
      case 'set_mpls_label':
      case 'set_mpls_tc':
      case 'set_mpls_ttl':
      case 'dec_mpls_ttl':
        if (!isMpls(flow.num('dl_type'))) inconsistent();
        break;
      case 'push_mpls':
        flow.v.dl_type = BigInt(a.ethertype);
        break;
      case 'pop_mpls':
        if (!isMpls(flow.num('dl_type'))) inconsistent();
        flow.v.dl_type = BigInt(a.ethertype);
        break;
      case 'set_field': {
        const f = a.field;
        if (!prereqOk(f.prereq, flow) || (f.name === 'vlan_vid' && !(tci() & VLAN_CFI))) {
          inconsistent();
        }
        if (f.name === 'vlan_tci') flow.v.vlan_tci = a.value;
        break;
      }
      case 'meter':
        if (a.id === 0 || a.id > OFPM13_MAX) invalid('OFPMMFC_INVALID_METER');
        break;
      case 'goto_table':
        if (tableId !== 255 && a.table <= tableId) invalid('OFPBIC_BAD_TABLE_ID');
        break;
      case 'write_actions': {
        const saved = { dl: flow.v.dl_type, tci: flow.v.vlan_tci, proto: flow.v.nw_proto };
        checkOfpacts(a.actions, flow, tableId);
        flow.v.dl_type = saved.dl;
        flow.v.vlan_tci = saved.tci;
        flow.v.nw_proto = saved.proto;
        break;
      }
      default:
        break;
    }
  }
}

const setField = (field: OxmEntry): Action => ({ type: 'set_field', field });

function fieldEntry(a: Extract<Ofpact, { k: 'set_field' }>): OxmEntry {
  const t = a.field.set;
  if ('oxm' in t) {
    const isBig = ['metadata', 'tunnel_id', 'ipv6_src', 'ipv6_dst', 'ipv6_nd_target'].includes(
      t.oxm,
    );
    return { field: t.oxm, value: isBig ? a.value : Number(a.value) };
  }
  if ('nxmClass' in t) {
    const bytes = a.field.bytes;
    const payload = new Uint8Array(bytes);
    let v = a.value;
    for (let i = bytes - 1; i >= 0; i--) {
      payload[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return { field: 'raw', oxmClass: t.nxmClass, oxmField: t.nxmField, hasMask: false, payload };
  }
  return fail(`${a.field.name} is read-only`);
}

const L4_FIELDS: Readonly<
  Record<number, readonly ['tcp_src' | 'udp_src' | 'sctp_src', 'tcp_dst' | 'udp_dst' | 'sctp_dst']>
> = {
  [IPPROTO.TCP]: ['tcp_src', 'tcp_dst'],
  [IPPROTO.UDP]: ['udp_src', 'udp_dst'],
  [IPPROTO.SCTP]: ['sctp_src', 'sctp_dst'],
};

/** One checked ofpact as OpenFlow 1.3 actions (some become two). */
function encodeAction(a: Ofpact, out: Action[]): void {
  switch (a.k) {
    case 'output':
      out.push({
        type: 'output',
        port: a.port,
        maxLen: a.port === OFPP.CONTROLLER ? a.maxLen : 0,
      });
      return;
    case 'group':
      out.push({ type: 'group', groupId: a.id });
      return;
    case 'set_queue':
      out.push({ type: 'set_queue', queueId: a.id });
      return;
    case 'set_vlan_vid':
      if (!a.hasVlan && a.push) out.push({ type: 'push_vlan', ethertype: 0x8100 });
      out.push(setField({ field: 'vlan_vid', value: a.vid | VLAN_CFI }));
      return;
    case 'set_vlan_pcp':
      if (!a.hasVlan && a.push) out.push({ type: 'push_vlan', ethertype: 0x8100 });
      out.push(setField({ field: 'vlan_pcp', value: a.pcp }));
      return;
    case 'strip_vlan':
      out.push({ type: 'pop_vlan' });
      return;
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      out.push({ type: a.k, ethertype: a.ethertype });
      return;
    case 'set_eth':
      out.push(setField({ field: a.dst ? 'eth_dst' : 'eth_src', value: a.mac }));
      return;
    case 'set_ipv4':
      out.push(setField({ field: a.dst ? 'ipv4_dst' : 'ipv4_src', value: a.ip }));
      return;
    case 'set_dscp':
      out.push(setField({ field: 'ip_dscp', value: a.tos >> 2 }));
      return;
    case 'set_ecn':
      out.push(setField({ field: 'ip_ecn', value: a.ecn }));
      return;
    case 'set_nw_ttl':
      out.push({ type: 'set_nw_ttl', ttl: a.ttl });
      return;
    case 'set_l4': {
      const names = L4_FIELDS[a.proto ?? IPPROTO.TCP]!;
      out.push(setField({ field: names[a.dst ? 1 : 0], value: a.port }));
      return;
    }
    case 'dec_ttl':
      out.push({ type: 'dec_nw_ttl' });
      return;
    case 'set_mpls_label':
      out.push(setField({ field: 'mpls_label', value: a.label }));
      return;
    case 'set_mpls_tc':
      out.push(setField({ field: 'mpls_tc', value: a.tc }));
      return;
    case 'set_mpls_ttl':
      out.push({ type: 'set_mpls_ttl', ttl: a.ttl });
      return;
    case 'dec_mpls_ttl':
    case 'copy_ttl_in':
    case 'copy_ttl_out':
    case 'pop_pbb':
      out.push({ type: a.k });
      return;
    case 'set_field':
      out.push(setField(fieldEntry(a)));
      return;
    default:
      throw new TypeError(`${a.k} is an instruction, not an action`);
  }
}

export function encodeActions(list: readonly Ofpact[]): Action[] {
  const out: Action[] = [];
  for (const a of list) encodeAction(a, out);
  return out;
}

/**
 * ofpacts_put_openflow_instructions: runs of actions become one apply_actions, the
 * instructions keep their (already checked) order.
 */
export function encodeInstructions(list: readonly Ofpact[]): Instruction[] {
  const out: Instruction[] = [];
  let apply: Action[] | undefined;
  for (const a of list) {
    switch (a.k) {
      case 'meter':
        out.push({ type: 'meter', meterId: a.id });
        break;
      case 'clear_actions':
        out.push({ type: 'clear_actions' });
        break;
      case 'write_actions':
        out.push({ type: 'write_actions', actions: encodeActions(a.actions) });
        break;
      case 'write_metadata':
        out.push({ type: 'write_metadata', metadata: a.metadata, mask: a.mask });
        break;
      case 'goto_table':
        out.push({ type: 'goto_table', tableId: a.table });
        break;
      default:
        if (!apply) {
          apply = [];
          out.push({ type: 'apply_actions', actions: apply });
        }
        encodeAction(a, apply);
        continue;
    }
    apply = undefined;
  }
  return out;
}
