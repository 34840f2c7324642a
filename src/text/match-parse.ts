/**
 * Field values in ovs-ofctl text (mf_parse): `value[/mask]` in the field's own syntax,
 * "*" or an empty value for "any", and the protocol shorthands (ip, tcp6, arp, ...) that
 * set eth_type and ip_proto. Errors read as ovs-ofctl's ("99999: value too large for
 * 2-byte field tcp_dst", "zz: invalid Ethernet address").
 */

import { assertNever } from '../codec/index.js';
import { type TextField, textField } from './fields.js';
import { ETH_TYPE, IPPROTO, OvsMatch } from './ovs-match.js';
import { type PortMap, parsePortOrUndef } from './ports.js';
import {
  fail,
  IPV6_ALL,
  MAC_ALL,
  parseIpv4Masked,
  parseIpv6Masked,
  parseMacOrUndef,
} from './values.js';

/** The protocol shorthands: eth_type and, for some, ip_proto. */
export const PROTOCOLS: Readonly<Record<string, readonly [number, number?]>> = {
  ip: [ETH_TYPE.IP],
  ipv6: [ETH_TYPE.IPV6],
  icmp: [ETH_TYPE.IP, IPPROTO.ICMP],
  icmp6: [ETH_TYPE.IPV6, IPPROTO.ICMPV6],
  tcp: [ETH_TYPE.IP, IPPROTO.TCP],
  tcp6: [ETH_TYPE.IPV6, IPPROTO.TCP],
  udp: [ETH_TYPE.IP, IPPROTO.UDP],
  udp6: [ETH_TYPE.IPV6, IPPROTO.UDP],
  sctp: [ETH_TYPE.IP, IPPROTO.SCTP],
  sctp6: [ETH_TYPE.IPV6, IPPROTO.SCTP],
  arp: [ETH_TYPE.ARP],
  rarp: [ETH_TYPE.RARP],
  mpls: [ETH_TYPE.MPLS],
  mplsm: [ETH_TYPE.MPLS_MCAST],
};

/** Applies a protocol shorthand; false when `name` is not one. */
export function applyProtocol(om: OvsMatch, name: string): boolean {
  const p = PROTOCOLS[name];
  if (!p) return false;
  om.set('dl_type', BigInt(p[0]));
  if (p[1] !== undefined) om.set('nw_proto', BigInt(p[1]));
  om.ethernet = true;
  return true;
}

/** parse_int_string: 0x-hex or decimal, into `bytes` bytes; 'range' when too large. */
function parseIntField(s: string, bytes: number): bigint | 'syntax' | 'range' {
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s);
  else if (/^[0-9]+$/.test(s)) v = BigInt(s);
  else return 'syntax';
  return v >= 1n << BigInt(bytes * 8) ? 'range' : v;
}

function integer(f: TextField, s: string): { v: bigint; m: bigint } {
  const slash = s.indexOf('/');
  const vs = slash < 0 ? s : s.slice(0, slash);
  const v = parseIntField(vs, f.bytes);
  const problem = (what: string, r: 'syntax' | 'range') =>
    r === 'range'
      ? fail(`${s}: ${what} too large for ${f.bytes}-byte field ${f.name}`)
      : fail(`${s}: bad syntax for ${f.name} ${what}`);
  if (typeof v === 'string') return problem('value', v);
  if (slash < 0) return { v, m: (1n << BigInt(f.bytes * 8)) - 1n };
  const m = parseIntField(s.slice(slash + 1), f.bytes);
  if (typeof m === 'string') return problem('mask', m);
  return { v, m };
}

function ethernet(s: string): { v: bigint; m: bigint } {
  const slash = s.indexOf('/');
  const v = parseMacOrUndef(slash < 0 ? s : s.slice(0, slash));
  const m = slash < 0 ? MAC_ALL : parseMacOrUndef(s.slice(slash + 1));
  if (v === undefined || m === undefined) fail(`${s}: invalid Ethernet address`);
  return { v: BigInt(v), m: BigInt(m) };
}

/**
 * mf_parse: the value (and mask) of `s` for field `f`. `warn` receives ovs-ofctl's
 * warnings (deprecated port numbers).
 */
export function parseFieldValue(
  f: TextField,
  s: string,
  ports?: PortMap,
  warn?: (w: string) => void,
): { v: bigint; m: bigint } {
  if (s === '*') return { v: 0n, m: 0n };
  let r: { v: bigint; m: bigint };
  switch (f.kind) {
    case 'dec':
    case 'hex':
      r = integer(f, s);
      break;
    case 'mac':
      r = ethernet(s);
      break;
    case 'ipv4': {
      const x = parseIpv4Masked(s);
      r = { v: BigInt(x.value), m: BigInt(x.mask) };
      break;
    }
    case 'ipv6': {
      const x = parseIpv6Masked(s);
      r = { v: x.value, m: x.mask };
      break;
    }
    case 'port':
    case 'port_oxm': {
      const p = parsePortOrUndef(s, ports);
      if (!p) fail(`${s}: invalid or unknown port for ${f.name}`);
      if (p.warning && warn) warn(p.warning);
      r = { v: BigInt(p.port), m: 0xffffffffn };
      break;
    }
    default:
      return assertNever(f.kind, 'field kind');
  }
  const full = f.kind === 'mac' ? BigInt(MAC_ALL) : f.kind === 'ipv6' ? IPV6_ALL : undefined;
  const all =
    full ??
    (f.kind === 'port' || f.kind === 'port_oxm' ? 0xffffffffn : (1n << BigInt(f.bytes * 8)) - 1n);
  if (!f.maskable && r.m !== 0n && r.m !== all) fail(`${s}: invalid mask for field ${f.name}`);
  return r;
}

/**
 * ofp_parse_field: parses `name=value` into the match. An empty value matches "any"
 * (ovs-ofctl parses it as "0/0"). Returns false when `name` is not a field.
 */
export function applyField(
  om: OvsMatch,
  name: string,
  value: string,
  ports?: PortMap,
  warn?: (w: string) => void,
): boolean {
  const f = textField(name);
  if (!f) return false;
  if (f.name === 'nw_ttl') {
    fail(
      `nw_ttl: matching the IP TTL is not an OpenFlow 1.3 field (Open vSwitch sends a ` +
        `Nicira extension for it); match on the other fields, or use ovs-ofctl for this flow`,
    );
  }
  const { v, m } = parseFieldValue(f, value === '' ? '0/0' : value, ports, warn);
  if (m === 0n) {
    clearField(om, f);
  } else {
    f.apply(om, v, m);
  }
  if (
    f.prereq !== 'none' ||
    ['eth_src', 'eth_dst', 'eth_type', 'vlan_tci', 'dl_vlan', 'vlan_vid'].includes(f.name)
  ) {
    om.ethernet = true;
  }
  return true;
}

/** mf_set_wild: the field no longer constrains the match. */
function clearField(om: OvsMatch, f: TextField): void {
  const probe = new OvsMatch();
  f.apply(probe, 0n, (1n << BigInt(f.bytes * 8)) - 1n);
  for (const k of Object.keys(probe.m) as (keyof typeof probe.m)[]) {
    om.m[k] &= ~probe.m[k];
    om.v[k] &= om.m[k];
  }
}
