/**
 * The text faces of every action ofpact, one entry per kind, as Open vSwitch's
 * lib/ofp-actions.c keeps them: the ovs-ofctl keywords, the parse of the value (with
 * ovs-ofctl's error wording), the consistency check against the flow's match
 * (ofpacts_check: a VLAN action needs a tag, mod_nw_src needs IPv4, ...), and the
 * encoding as OpenFlow 1.3 actions (mod_vlan_vid becomes push_vlan + set_field when the
 * flow has no tag, mod_tp_dst the set_field of the flow's protocol). A mapped type over
 * the kinds: an ofpact without an entry, or an entry without a face, does not compile.
 */
import { type Action, OFPCML_NO_BUFFER, OFPP, type OxmEntry } from '../codec/index.js';
import { prereqOk, textField } from './fields.js';
import { parseFieldValue } from './match-parse.js';
import type { ActionOfpactKind, ActionParseContext, OfpactFaces, OfpactOf } from './ofpact.js';
import { ETH_TYPE, IPPROTO, type OvsMatch, VLAN_CFI } from './ovs-match.js';
import { parsePortOrUndef } from './ports.js';
import { parseKeyValues } from './tokenize.js';
import { fail, parseIpv4OrUndef, parseMacOrUndef, parseNumeric, parseSmall } from './values.js';

type OfpactTable = { readonly [K in ActionOfpactKind]: OfpactFaces<K> };

function invalid(code: string): never {
  return fail(`actions are invalid with specified match (${code})`);
}

function inconsistent(): never {
  return invalid('OFPBAC_MATCH_INCONSISTENT');
}

const isMpls = (t: number) => t === ETH_TYPE.MPLS || t === ETH_TYPE.MPLS_MCAST;
const tci = (flow: OvsMatch) => flow.num('vlan_tci');
const setField = (field: OxmEntry): Action => ({ type: 'set_field', field });
const none = (): void => undefined;

/** ofpact_check_output_port. */
function outputPortOk(port: number): boolean {
  return port < 0xffffff00 || (port >= OFPP.IN_PORT && port <= OFPP.LOCAL);
}

function needsIp(_a: unknown, flow: OvsMatch): void {
  if (!prereqOk('ip', flow)) inconsistent();
}

function needsMpls(_a: unknown, flow: OvsMatch): void {
  if (!isMpls(flow.num('dl_type'))) inconsistent();
}

function port(s: string, ctx: ActionParseContext, message: (s: string) => string): number {
  const p = parsePortOrUndef(s, ctx.ports);
  if (!p) fail(message(s));
  if (p.warning) ctx.warn?.(p.warning);
  return p.port;
}

function parseController(arg: string): OfpactOf<'output'> {
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

function parseSetField(arg: string, ctx: ActionParseContext): OfpactOf<'set_field'> {
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

/** The OXM entry of a parsed set_field (an NXM field stays a raw entry). */
function fieldEntry(a: OfpactOf<'set_field'>): OxmEntry {
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

/** mod_vlan_vid/mod_vlan_pcp: the check notes whether the flow has a tag to modify. */
function checkVlanSet(a: { push: boolean; hasVlan?: boolean }, flow: OvsMatch): void {
  a.hasVlan = (tci(flow) & VLAN_CFI) !== 0;
  if (!a.hasVlan && !a.push) inconsistent();
  flow.v.vlan_tci |= BigInt(VLAN_CFI);
}

/** An ofpact that is its keyword alone and one wire action of the same name. */
function bare<K extends 'dec_mpls_ttl' | 'copy_ttl_in' | 'copy_ttl_out' | 'pop_pbb'>(
  k: K,
  check: (a: OfpactOf<K>, flow: OvsMatch) => void,
): OfpactFaces<K> {
  return {
    names: [k],
    parse: () => ({ k }) as OfpactOf<K>,
    check,
    encode: (_a, out) => out.push({ type: k } as Action),
  };
}

/** An ofpact `NAME:ETHERTYPE` that is one wire action of the same name. */
function ethertype<K extends 'push_mpls' | 'pop_mpls' | 'push_pbb'>(
  k: K,
  check: (a: OfpactOf<K>, flow: OvsMatch) => void,
): OfpactFaces<K> {
  return {
    names: [k],
    parse: (value) => ({ k, ethertype: parseSmall(value, 16, k) }) as OfpactOf<K>,
    check,
    encode: (a: { readonly ethertype: number }, out) =>
      out.push({ type: k, ethertype: a.ethertype } as Action),
  };
}

/** Every action ofpact's text faces, by kind. */
export const OFPACT_ACTIONS: OfpactTable = {
  output: {
    names: ['output', 'controller'],
    parse: (value, ctx, name) => {
      if (name === 'controller') return parseController(value);
      const p = port(value, ctx, (s) => `${s}: output to unknown port`);
      return { k: 'output', port: p, maxLen: p === OFPP.CONTROLLER ? OFPCML_NO_BUFFER : 0 };
    },
    check: (a) => {
      if (!outputPortOk(a.port)) invalid('OFPBAC_BAD_OUT_PORT');
    },
    encode: (a, out) =>
      out.push({ type: 'output', port: a.port, maxLen: a.port === OFPP.CONTROLLER ? a.maxLen : 0 }),
  },
  group: {
    names: ['group'],
    parse: (value) => ({ k: 'group', id: Number(parseNumeric(value, 32)) }),
    check: none,
    encode: (a, out) => out.push({ type: 'group', groupId: a.id }),
  },
  set_queue: {
    names: ['set_queue'],
    parse: (value) => ({ k: 'set_queue', id: Number(parseNumeric(value, 32)) }),
    check: none,
    encode: (a, out) => out.push({ type: 'set_queue', queueId: a.id }),
  },
  set_vlan_vid: {
    names: ['mod_vlan_vid', 'set_vlan_vid'],
    parse: (value, _ctx, name) => {
      const vid = parseSmall(value, 16, 'VLAN VID');
      if (vid > 0xfff) fail(`${value}: not a valid VLAN VID`);
      return { k: 'set_vlan_vid', vid, push: name === 'mod_vlan_vid' };
    },
    check: checkVlanSet,
    encode: (a, out) => {
      if (!a.hasVlan && a.push) out.push({ type: 'push_vlan', ethertype: 0x8100 });
      out.push(setField({ field: 'vlan_vid', value: a.vid | VLAN_CFI }));
    },
  },
  set_vlan_pcp: {
    names: ['mod_vlan_pcp', 'set_vlan_pcp'],
    parse: (value, _ctx, name) => {
      const pcp = parseSmall(value, 8, 'VLAN PCP');
      if (pcp > 7) fail(`${value}: not a valid VLAN PCP`);
      return { k: 'set_vlan_pcp', pcp, push: name === 'mod_vlan_pcp' };
    },
    check: checkVlanSet,
    encode: (a, out) => {
      if (!a.hasVlan && a.push) out.push({ type: 'push_vlan', ethertype: 0x8100 });
      out.push(setField({ field: 'vlan_pcp', value: a.pcp }));
    },
  },
  strip_vlan: {
    names: ['strip_vlan', 'pop_vlan'],
    parse: () => ({ k: 'strip_vlan' }),
    check: (_a, flow) => {
      if (!(tci(flow) & VLAN_CFI)) inconsistent();
      flow.v.vlan_tci = flow.innerVlanTci;
      flow.innerVlanTci = 0n;
    },
    encode: (_a, out) => out.push({ type: 'pop_vlan' }),
  },
  push_vlan: {
    names: ['push_vlan'],
    parse: (value) => {
      const t = parseSmall(value, 16, 'ethertype');
      if (t !== 0x8100 && t !== 0x88a8) fail(`${value}: not a valid VLAN ethertype`);
      return { k: 'push_vlan', ethertype: t };
    },
    check: (_a, flow) => {
      // check_PUSH_VLAN: Open vSwitch keeps two tags; a third push is BAD_TAG.
      if (flow.innerVlanTci & BigInt(VLAN_CFI)) invalid('OFPBAC_BAD_TAG');
      flow.innerVlanTci = flow.v.vlan_tci;
      flow.v.vlan_tci = BigInt(VLAN_CFI);
    },
    encode: (a, out) => out.push({ type: 'push_vlan', ethertype: a.ethertype }),
  },
  set_eth: {
    names: ['mod_dl_src', 'mod_dl_dst'],
    parse: (value, _ctx, name) => {
      const mac = parseMacOrUndef(value);
      if (mac === undefined) fail(`invalid mac address ${value}`);
      return { k: 'set_eth', dst: name === 'mod_dl_dst', mac };
    },
    check: none,
    encode: (a, out) => out.push(setField({ field: a.dst ? 'eth_dst' : 'eth_src', value: a.mac })),
  },
  set_ipv4: {
    names: ['mod_nw_src', 'mod_nw_dst'],
    parse: (value, _ctx, name) => {
      const ip = parseIpv4OrUndef(value);
      if (ip === undefined) fail(`${value}: could not convert to IP address`);
      return { k: 'set_ipv4', dst: name === 'mod_nw_dst', ip };
    },
    check: (_a, flow) => {
      if (flow.num('dl_type') !== ETH_TYPE.IP) inconsistent();
    },
    encode: (a, out) => out.push(setField({ field: a.dst ? 'ipv4_dst' : 'ipv4_src', value: a.ip })),
  },
  set_dscp: {
    names: ['mod_nw_tos'],
    parse: (value) => {
      const tos = parseSmall(value, 8, 'TOS');
      if (tos & 3) fail(`${value}: not a valid TOS`);
      return { k: 'set_dscp', tos };
    },
    check: needsIp,
    encode: (a, out) => out.push(setField({ field: 'ip_dscp', value: a.tos >> 2 })),
  },
  set_ecn: {
    names: ['mod_nw_ecn'],
    parse: (value) => {
      const ecn = parseSmall(value, 8, 'ECN');
      if (ecn > 3) fail(`${value}: not a valid ECN`);
      return { k: 'set_ecn', ecn };
    },
    check: needsIp,
    encode: (a, out) => out.push(setField({ field: 'ip_ecn', value: a.ecn })),
  },
  set_nw_ttl: {
    names: ['mod_nw_ttl', 'set_nw_ttl'],
    parse: (value) => ({ k: 'set_nw_ttl', ttl: parseSmall(value, 8, 'TTL') }),
    check: needsIp,
    encode: (a, out) => out.push({ type: 'set_nw_ttl', ttl: a.ttl }),
  },
  set_l4: {
    names: ['mod_tp_src', 'mod_tp_dst'],
    parse: (value, _ctx, name) => {
      const dst = name === 'mod_tp_dst';
      return {
        k: 'set_l4',
        dst,
        port: parseSmall(value, 16, dst ? 'destination port' : 'source port'),
      };
    },
    check: (a, flow) => {
      const p = flow.num('nw_proto');
      if (!prereqOk('ip', flow) || ![IPPROTO.TCP, IPPROTO.UDP, IPPROTO.SCTP].includes(p as 6)) {
        inconsistent();
      }
      a.proto = p;
    },
    encode: (a, out) => {
      const names = L4_FIELDS[a.proto ?? IPPROTO.TCP]!;
      out.push(setField({ field: names[a.dst ? 1 : 0], value: a.port }));
    },
  },
  dec_ttl: {
    names: ['dec_ttl'],
    parse: (value) => {
      if (value !== '') {
        fail(
          'dec_ttl with controller ids is an Open vSwitch extension that ofctl-ts does not ' +
            'support; use plain dec_ttl',
        );
      }
      return { k: 'dec_ttl' };
    },
    check: needsIp,
    encode: (_a, out) => out.push({ type: 'dec_nw_ttl' }),
  },
  set_mpls_label: {
    names: ['set_mpls_label'],
    parse: (value) => ({ k: 'set_mpls_label', label: Number(parseNumeric(value, 32)) & 0xfffff }),
    check: needsMpls,
    encode: (a, out) => out.push(setField({ field: 'mpls_label', value: a.label })),
  },
  set_mpls_tc: {
    names: ['set_mpls_tc'],
    parse: (value) => ({ k: 'set_mpls_tc', tc: parseSmall(value, 8, 'MPLS TC') & 7 }),
    check: needsMpls,
    encode: (a, out) => out.push(setField({ field: 'mpls_tc', value: a.tc })),
  },
  set_mpls_ttl: {
    names: ['set_mpls_ttl'],
    parse: (value) => ({ k: 'set_mpls_ttl', ttl: parseSmall(value, 8, 'MPLS TTL') }),
    check: needsMpls,
    encode: (a, out) => out.push({ type: 'set_mpls_ttl', ttl: a.ttl }),
  },
  dec_mpls_ttl: bare('dec_mpls_ttl', needsMpls),
  push_mpls: ethertype('push_mpls', (a, flow) => {
    flow.v.dl_type = BigInt(a.ethertype);
  }),
  pop_mpls: ethertype('pop_mpls', (a, flow) => {
    needsMpls(a, flow);
    flow.v.dl_type = BigInt(a.ethertype);
  }),
  set_field: {
    names: ['set_field'],
    parse: (value, ctx) => parseSetField(value, ctx),
    check: (a, flow) => {
      const f = a.field;
      if (!prereqOk(f.prereq, flow) || (f.name === 'vlan_vid' && !(tci(flow) & VLAN_CFI))) {
        inconsistent();
      }
      if (f.name === 'vlan_tci') flow.v.vlan_tci = a.value;
    },
    encode: (a, out) => out.push(setField(fieldEntry(a))),
  },
  copy_ttl_in: bare('copy_ttl_in', none),
  copy_ttl_out: bare('copy_ttl_out', none),
  push_pbb: ethertype('push_pbb', none),
  pop_pbb: bare('pop_pbb', none),
};

export function ofpactFaces<K extends ActionOfpactKind>(k: K): OfpactFaces<K> {
  return OFPACT_ACTIONS[k];
}
