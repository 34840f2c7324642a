/**
 * Semantically valid matches and set_field actions, for tests that hand messages to a
 * real switch or to Open vSwitch's decoder. A match is built top-down from a protocol
 * stack (Ethernet, optional VLAN, then ARP, IPv4, IPv6, MPLS or nothing, then a
 * transport), so every prerequisite holds; masked values have no bits outside their
 * mask; a VLAN ID is OFPVID_NONE or carries OFPVID_PRESENT. checkMatch() must accept
 * every one (the property test asserts it).
 */
import fc from 'fast-check';
import {
  type Action,
  type Match,
  OFPVID_PRESENT,
  OXM_BY_NAME,
  OXM_FIELDS,
  type OxmBasic,
  type OxmName,
} from '../../src/codec/index.js';
import { oxmValue } from './arbitraries-parts.js';

/**
 * Open vSwitch keeps the ARP opcode in 8 bits and rejects larger values (OFPBMC_BAD_VALUE
 * in a match, OFPBAC_BAD_SET_ARGUMENT in set_field), though OXM gives it 16.
 */
const OVS_BITS: Partial<Record<OxmName, number>> = { arp_op: 8 };

/** A field at its value, or masked with the value's bits cleared outside the mask. */
function field(name: OxmName, masked = OXM_BY_NAME.get(name)!.maskable): fc.Arbitrary<OxmBasic> {
  const known = OXM_BY_NAME.get(name)!;
  const info = { ...known, bits: OVS_BITS[name] ?? known.bits };
  if (!masked) return fc.record({ field: fc.constant(name), value: oxmValue(info) });
  return fc.oneof(
    fc.record({ field: fc.constant(name), value: oxmValue(info) }),
    fc
      .tuple(oxmValue(info), oxmValue(info))
      .map(([v, m]) =>
        typeof v === 'bigint'
          ? { field: name, value: v & (m as bigint), mask: m }
          : { field: name, value: Number(BigInt(v) & BigInt(m)), mask: m },
      ),
  );
}

/** Some of `fields`, each at most once, in a random order. */
const someOf = (fields: fc.Arbitrary<OxmBasic>[]): fc.Arbitrary<OxmBasic[]> =>
  fc
    .shuffledSubarray(fields)
    .chain((chosen) => (chosen.length ? fc.tuple(...chosen) : fc.constant<OxmBasic[]>([])));

/** The protocol stack a match describes; `vlan` is the VLAN ID when tagged. */
type Stack = { ethType?: number; ipProto?: number; icmpv6Type?: number; vlan?: number };

const stack: fc.Arbitrary<Stack> = fc
  .record({
    vlan: fc.option(fc.integer({ min: 0, max: 0xfff }), { nil: undefined }),
    ethType: fc.constantFrom(undefined, 0x0800, 0x86dd, 0x0806, 0x8847, 0x8848),
  })
  .chain(({ vlan, ethType }) => {
    if (ethType === 0x0800 || ethType === 0x86dd) {
      const protos = ethType === 0x0800 ? [undefined, 6, 17, 132, 1] : [undefined, 6, 17, 132, 58];
      return fc
        .constantFrom(...protos)
        .chain((ipProto) =>
          ipProto === 58
            ? fc
                .constantFrom(undefined, 135, 136, 128)
                .map((icmpv6Type): Stack => ({ vlan, ethType, ipProto, icmpv6Type }))
            : fc.constant<Stack>({ vlan, ethType, ipProto }),
        );
    }
    return fc.constant<Stack>({ vlan, ethType });
  });

/** Every other field this stack allows. */
function fieldsFor(s: Stack): fc.Arbitrary<OxmBasic>[] {
  const f: fc.Arbitrary<OxmBasic>[] = [
    fc.integer({ min: 1, max: 0xfeff }).map((value) => ({ field: 'in_port' as const, value })),
    field('metadata'),
    field('eth_dst'),
    field('eth_src'),
    field('tunnel_id'),
  ];
  if (s.vlan !== undefined) f.push(field('vlan_pcp'));
  const ip = s.ethType === 0x0800 || s.ethType === 0x86dd;
  if (ip) f.push(field('ip_dscp'), field('ip_ecn'));
  if (s.ethType === 0x0800) f.push(field('ipv4_src'), field('ipv4_dst'));
  if (s.ethType === 0x86dd) f.push(field('ipv6_src'), field('ipv6_dst'), field('ipv6_flabel'));
  if (s.ethType === 0x0806) {
    f.push(field('arp_op'), field('arp_spa'), field('arp_tpa'), field('arp_sha'), field('arp_tha'));
  }
  if (s.ethType === 0x8847 || s.ethType === 0x8848) {
    f.push(field('mpls_label'), field('mpls_tc'), field('mpls_bos'));
  }
  const l4: Record<number, OxmName[]> = {
    6: ['tcp_src', 'tcp_dst'],
    17: ['udp_src', 'udp_dst'],
    132: ['sctp_src', 'sctp_dst'],
    1: ['icmpv4_type', 'icmpv4_code'],
  };
  for (const n of l4[s.ipProto ?? -1] ?? []) f.push(field(n));
  if (s.ipProto === 58) {
    // OVS's ND prerequisite also wants ICMPv6 code 0 (the spec asks only for the type).
    const nd = s.icmpv6Type === 135 || s.icmpv6Type === 136;
    f.push(nd ? fc.constant<OxmBasic>({ field: 'icmpv6_code', value: 0 }) : field('icmpv6_code'));
    if (s.icmpv6Type === 135 || s.icmpv6Type === 136) f.push(field('ipv6_nd_target'));
    if (s.icmpv6Type === 135) f.push(field('ipv6_nd_sll'));
    if (s.icmpv6Type === 136) f.push(field('ipv6_nd_tll'));
  }
  return f;
}

/**
 * The fields the stack's prerequisites rest on (vlan_vid, eth_type, ip_proto,
 * icmpv6_type) come first whenever the stack has them, then any subset of the rest.
 */
export const validMatch: fc.Arbitrary<Match> = stack.chain((s) =>
  someOf(fieldsFor(s)).map((fields) => {
    const need: OxmBasic[] = [];
    if (s.vlan !== undefined) need.push({ field: 'vlan_vid', value: OFPVID_PRESENT | s.vlan });
    if (s.ethType !== undefined) need.push({ field: 'eth_type', value: s.ethType });
    if (s.ipProto !== undefined) need.push({ field: 'ip_proto', value: s.ipProto });
    if (s.icmpv6Type !== undefined) need.push({ field: 'icmpv6_type', value: s.icmpv6Type });
    const rest = fields.filter((e) => !need.some((n) => n.field === e.field));
    return [...need, ...rest];
  }),
);

/**
 * Fields Open vSwitch lets set_field write: every OXM field but in_port, the ones that say
 * what the headers are, and those it keeps read-only or lacks (mpls_bos, pbb_isid).
 */
const NOT_WRITABLE: ReadonlySet<OxmName> = new Set<OxmName>([
  'in_port',
  'in_phy_port',
  'eth_type',
  'ip_proto',
  'ipv6_exthdr',
  'mpls_bos',
  'pbb_isid',
]);
const WRITABLE = OXM_FIELDS.map((f) => f.name).filter((n) => !NOT_WRITABLE.has(n));

/** A set_field whose field is writable and whose prerequisites `m` satisfies. */
export function validSetField(m: Match): fc.Arbitrary<Action> | undefined {
  const has = (n: OxmName, v?: number) =>
    m.some((e) => e.field === n && e.mask === undefined && (v === undefined || e.value === v));
  const ok = WRITABLE.filter((n) =>
    OXM_BY_NAME.get(n)!.prereqs.every((p) =>
      p.values.length === 0 ? has(p.field) : p.values.some((v) => has(p.field, v)),
    ),
  ).filter((n) => (n === 'vlan_vid' || n === 'vlan_pcp' ? has('vlan_vid') : true));
  if (ok.length === 0) return undefined;
  return fc
    .constantFrom(...ok)
    .chain((n) =>
      n === 'vlan_vid'
        ? fc
            .integer({ min: 0, max: 0xfff })
            .map((v): OxmBasic => ({ field: n, value: OFPVID_PRESENT | v }))
        : field(n, false),
    )
    .map((f): Action => ({ type: 'set_field', field: f }));
}
