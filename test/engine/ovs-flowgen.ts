/**
 * Seeded random flow tables and packets for the engine-vs-OVS comparison, with a small
 * ovs-ofctl text formatter for exactly the subset generated. Flows use several tables,
 * goto_table, masked MACs and IPv4 prefixes, VLAN matches, push/pop VLAN, set_field and
 * groups; every action list is consistent with its match (Open vSwitch and the engine
 * both refuse the rest with OFPBAC_MATCH_INCONSISTENT). Priorities are distinct within
 * a table, so no packet meets two overlapping rules of equal priority (whose order the
 * spec leaves undefined).
 */
import { Mulberry32 } from '../../bench/classifier-rulesets.js';
import type {
  Action,
  Bucket,
  GroupMod,
  Instruction,
  OxmBasic,
  OxmName,
} from '../../src/codec/index.js';
import { OFPP } from '../../src/codec/index.js';
import type { PacketFields } from '../../src/engine/packet-build.js';
import { formatIpv4, formatMac } from '../../src/engine/trace-format.js';

export const N_TABLES = 3;
export const PORTS = [1, 2, 3, 4];
const MACS = [0x020000000001, 0x020000000002, 0x020000000003, 0x0200000000aa, 0x0a00000000f1];
const IPS = [0x0a000001, 0x0a000002, 0x0a000101, 0x0a010001, 0xc0a80001, 0xc0a800c8];
const VIDS = [10, 20, 30];
const TPORTS = [53, 80, 443, 5000];

export interface GenFlow {
  readonly tableId: number;
  readonly priority: number;
  readonly match: OxmBasic[];
  readonly instructions: Instruction[];
}

class Rand {
  private readonly r: Mulberry32;
  constructor(seed: number) {
    this.r = new Mulberry32(seed);
  }
  below(n: number): number {
    return this.r.below(n);
  }
  chance(p: number): boolean {
    return this.r.u32() < p * 2 ** 32;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.below(a.length)]!;
  }
}

const setf = (field: OxmName, value: number): Action => ({
  type: 'set_field',
  field: { field, value },
});
const output = (port: number): Action => ({ type: 'output', port, maxLen: 0 });

/** The groups every table set uses (buckets are ordered lists in OVS). */
export function groups(): GroupMod[] {
  const b = (actions: Action[], p: Partial<Bucket> = {}): Bucket => ({
    weight: 0,
    watchPort: OFPP.ANY,
    watchGroup: 0xffffffff,
    actions,
    ...p,
  });
  const g = (groupId: number, groupType: number, buckets: Bucket[]): GroupMod => ({
    type: 'group_mod',
    xid: 0,
    command: 0,
    groupType,
    groupId,
    buckets,
  });
  return [
    g(1, 0, [b([output(1)]), b([setf('eth_dst', MACS[3]!), output(2)])]),
    g(2, 2, [b([setf('eth_src', MACS[4]!), output(3)])]),
    g(3, 3, [
      b([output(4)], { watchPort: 4 }),
      b([setf('eth_dst', MACS[0]!), output(2)], { watchPort: 2 }),
    ]),
  ];
}

interface Facts {
  vlan: 'present' | 'absent' | 'unknown';
  ip: boolean;
  proto: number;
}

function genMatch(r: Rand, tableId: number): { match: OxmBasic[]; facts: Facts } {
  const m: OxmBasic[] = [];
  const facts: Facts = { vlan: 'unknown', ip: false, proto: 0 };
  if (r.chance(tableId === 0 ? 0.6 : 0.3)) m.push({ field: 'in_port', value: r.pick(PORTS) });
  for (const field of ['eth_src', 'eth_dst'] as const) {
    if (!r.chance(0.25)) continue;
    const mask = r.pick([undefined, 0xffffffffff00, 0x010000000000]);
    const v = r.pick(MACS);
    m.push(mask === undefined ? { field, value: v } : { field, value: and48(v, mask), mask });
  }
  if (r.chance(0.5)) {
    const kind = r.below(4);
    if (kind === 0) {
      m.push({ field: 'vlan_vid', value: 0 });
      facts.vlan = 'absent';
    } else if (kind === 1) {
      m.push({ field: 'vlan_vid', value: 0x1000, mask: 0x1000 });
      facts.vlan = 'present';
    } else {
      m.push({ field: 'vlan_vid', value: 0x1000 | r.pick(VIDS) });
      facts.vlan = 'present';
    }
  }
  const l3 = r.below(10);
  if (l3 < 6) {
    m.push({ field: 'eth_type', value: 0x0800 });
    facts.ip = true;
    for (const field of ['ipv4_src', 'ipv4_dst'] as const) {
      if (!r.chance(0.4)) continue;
      const len = r.pick([8, 16, 24, 32]);
      const mask = len === 32 ? undefined : (0xffffffff << (32 - len)) >>> 0;
      const v = r.pick(IPS);
      m.push(mask === undefined ? { field, value: v } : { field, value: (v & mask) >>> 0, mask });
    }
    if (r.chance(0.4)) {
      facts.proto = r.pick([6, 17]);
      m.push({ field: 'ip_proto', value: facts.proto });
      if (r.chance(0.5))
        m.push({ field: facts.proto === 6 ? 'tcp_dst' : 'udp_dst', value: r.pick(TPORTS) });
    }
  } else if (l3 === 6) {
    m.push({ field: 'eth_type', value: 0x0806 });
  }
  return { match: m, facts };
}

function and48(v: number, mask: number): number {
  const hi = Math.floor(v / 2 ** 32) & Math.floor(mask / 2 ** 32);
  const lo = ((v % 2 ** 32) & (mask % 2 ** 32)) >>> 0;
  return hi * 2 ** 32 + lo;
}

/** One header rewrite the facts allow, each allowed kind equally likely (MACs always are). */
function genRewrite(r: Rand, facts: Facts): Action[] {
  const kinds = [0];
  if (facts.vlan !== 'unknown') kinds.push(1);
  if (facts.ip) kinds.push(2);
  if (facts.proto !== 0) kinds.push(3);
  const k = r.pick(kinds);
  if (k === 1 && facts.vlan === 'present') {
    if (r.chance(0.5)) return [setf('vlan_vid', 0x1000 | r.pick(VIDS))];
    facts.vlan = 'absent';
    return [{ type: 'pop_vlan' }];
  }
  if (k === 1 && facts.vlan === 'absent') {
    facts.vlan = 'present';
    return [{ type: 'push_vlan', ethertype: 0x8100 }, setf('vlan_vid', 0x1000 | r.pick(VIDS))];
  }
  if (k === 2 && facts.ip) return [setf(r.pick(['ipv4_src', 'ipv4_dst'] as const), r.pick(IPS))];
  if (k === 3 && facts.proto !== 0) {
    const dst = r.chance(0.5);
    const field = facts.proto === 6 ? (dst ? 'tcp_dst' : 'tcp_src') : dst ? 'udp_dst' : 'udp_src';
    return [setf(field, r.pick(TPORTS))];
  }
  return [setf(r.pick(['eth_src', 'eth_dst'] as const), r.pick(MACS))];
}

/** Rewrites then outputs, sometimes a second round, so outputs see the rewrites. */
function genActions(r: Rand, facts: Facts): Action[] {
  const out: Action[] = [];
  const rounds = r.chance(0.3) ? 2 : 1;
  for (let round = 0; round < rounds; round++) {
    const rewrites = r.below(3);
    for (let i = 0; i < rewrites; i++) out.push(...genRewrite(r, facts));
    const outputs = r.chance(0.7) ? 1 + r.below(2) : 0;
    for (let i = 0; i < outputs; i++) out.push(genOutput(r));
  }
  return out;
}

function genOutput(r: Rand): Action {
  const k = r.below(10);
  if (k < 5) return output(r.pick(PORTS));
  if (k === 5) return output(OFPP.IN_PORT);
  if (k === 6) return output(OFPP.FLOOD);
  if (k === 7) return output(OFPP.ALL);
  return { type: 'group', groupId: 1 + r.below(3) };
}

/** Seeded flows for tables 0..N_TABLES-1, `perTable` each, priorities distinct per table. */
export function genFlows(seed: number, perTable: number): GenFlow[] {
  const r = new Rand(seed);
  const flows: GenFlow[] = [];
  for (let t = 0; t < N_TABLES; t++) {
    const used = new Set<number>();
    for (let i = 0; i < perTable; i++) {
      const { match, facts } = genMatch(r, t);
      // More specific flows get higher priorities, so broad ones act as fallbacks.
      let priority = 100 * match.length + 1 + r.below(99);
      while (used.has(priority)) priority = 100 * match.length + 1 + r.below(99);
      used.add(priority);
      const instructions: Instruction[] = [
        { type: 'apply_actions', actions: genActions(r, facts) },
      ];
      if (r.chance(0.25)) instructions.push({ type: 'write_actions', actions: [genOutput(r)] });
      if (t < N_TABLES - 1 && r.chance(0.5)) {
        instructions.push({ type: 'goto_table', tableId: t + 1 + r.below(N_TABLES - 1 - t) });
      }
      flows.push({ tableId: t, priority, match, instructions });
    }
  }
  return flows;
}

/** A random frame that often hits the generated rules. */
export function genPacket(r: Rand): { inPort: number; fields: PacketFields } {
  const mac = () => (r.chance(0.85) ? r.pick(MACS) : r.below(2 ** 24) * 2 ** 24 + r.below(2 ** 24));
  const ip = () =>
    r.chance(0.85) ? r.pick(IPS) : (r.below(2 ** 16) * 2 ** 16 + r.below(2 ** 16)) >>> 0;
  const base: PacketFields = {
    eth_src: mac(),
    eth_dst: mac(),
    ...(r.chance(0.4) ? { vlan_vid: 0x1000 | r.pick([...VIDS, 99]), vlan_pcp: r.below(8) } : {}),
    payload: new Uint8Array(r.below(20)),
  };
  const kind = r.below(20);
  let fields: PacketFields;
  if (kind < 14) {
    const proto = kind < 6 ? 17 : kind < 12 ? 6 : 1;
    const port = () => (r.chance(0.7) ? r.pick(TPORTS) : r.below(65536));
    const l4: PacketFields =
      proto === 17
        ? { udp_src: port(), udp_dst: port() }
        : proto === 6
          ? { tcp_src: port(), tcp_dst: port() }
          : { icmpv4_type: 8, icmpv4_code: 0 };
    fields = { ...base, eth_type: 0x0800, ip_proto: proto, ipv4_src: ip(), ipv4_dst: ip(), ...l4 };
  } else if (kind < 17) {
    fields = { ...base, eth_type: 0x0806, arp_op: 1, arp_spa: ip(), arp_tpa: ip(), arp_sha: mac() };
  } else {
    fields = {
      ...base,
      eth_type: 0x86dd,
      ip_proto: 17,
      ipv6_src: 1n,
      ipv6_dst: 2n,
      udp_src: 1,
      udp_dst: 2,
    };
  }
  return { inPort: r.pick(PORTS), fields };
}

export function packetRand(seed: number): Rand {
  return new Rand(seed);
}

// ---- ovs-ofctl text for the generated subset ----

const FIELD_TEXT: Partial<Record<OxmName, string>> = {
  eth_src: 'dl_src',
  eth_dst: 'dl_dst',
  eth_type: 'dl_type',
  ip_proto: 'nw_proto',
  ipv4_src: 'nw_src',
  ipv4_dst: 'nw_dst',
};

function valueText(e: { field: OxmName; value: number | bigint }): string {
  const v = Number(e.value);
  if (e.field === 'eth_src' || e.field === 'eth_dst') return formatMac(v);
  if (e.field === 'ipv4_src' || e.field === 'ipv4_dst') return formatIpv4(v);
  if (e.field === 'vlan_vid' || e.field === 'eth_type') return `0x${v.toString(16)}`;
  return String(v);
}

export function matchText(m: readonly OxmBasic[]): string {
  return m
    .map((e) => {
      const name = FIELD_TEXT[e.field] ?? e.field;
      const value = valueText(e);
      if (e.mask === undefined) return `${name}=${value}`;
      return `${name}=${value}/${valueText({ field: e.field, value: e.mask })}`;
    })
    .join(',');
}

const PORT_TEXT: Record<number, string> = {
  [OFPP.IN_PORT]: 'IN_PORT',
  [OFPP.FLOOD]: 'FLOOD',
  [OFPP.ALL]: 'ALL',
};

function actionText(a: Action): string {
  switch (a.type) {
    case 'output':
      return PORT_TEXT[a.port] ?? `output:${a.port}`;
    case 'group':
      return `group:${a.groupId}`;
    case 'push_vlan':
      return `push_vlan:0x${a.ethertype.toString(16)}`;
    case 'pop_vlan':
      return 'pop_vlan';
    case 'set_field': {
      const f = a.field as OxmBasic;
      const name = f.field === 'ipv4_src' ? 'ip_src' : f.field === 'ipv4_dst' ? 'ip_dst' : f.field;
      return `set_field:${valueText(f)}->${name}`;
    }
    default:
      throw new Error(`the generator does not produce ${a.type}`);
  }
}

export function flowText(f: GenFlow): string {
  const parts: string[] = [];
  for (const ins of f.instructions) {
    if (ins.type === 'apply_actions') parts.push(...ins.actions.map(actionText));
    else if (ins.type === 'write_actions')
      parts.push(`write_actions(${ins.actions.map(actionText).join(',')})`);
    else if (ins.type === 'goto_table') parts.push(`goto_table:${ins.tableId}`);
  }
  const match = matchText(f.match);
  const actions = parts.length === 0 ? 'drop' : parts.join(',');
  return `table=${f.tableId},priority=${f.priority}${match ? `,${match}` : ''},actions=${actions}`;
}

export function groupText(g: GroupMod): string {
  const type = ['all', 'select', 'indirect', 'ff'][g.groupType];
  const buckets = g.buckets.map((b) => {
    const watch = b.watchPort !== OFPP.ANY ? `watch_port:${b.watchPort},` : '';
    return `bucket=${watch}${b.actions.map(actionText).join(',')}`;
  });
  return `group_id=${g.groupId},type=${type},${buckets.join(',')}`;
}
