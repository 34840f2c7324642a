/**
 * Groups in ovs-ofctl syntax: `group_id=N,type=all|select|indirect|ff,bucket=...` parsed
 * into a GROUP_MOD (parse_ofp_group_mod_str), and group descriptions, statistics and
 * features printed as ovs-ofctl prints them.
 */
import {
  type Bucket,
  type GroupDesc,
  type GroupFeatures,
  type GroupMod,
  type GroupStats,
  OFPG_ALL,
  OFPG_ANY,
  OFPG_MAX,
  OFPP,
} from '../codec/index.js';
import { encodeActions } from './actions-encode.js';
import { formatActions } from './actions-format.js';
import { type ActionParseContext, parseActionList } from './actions-parse.js';
import { formatPort, type PortMap, parsePortOrUndef } from './ports.js';
import { parseKeyValues } from './tokenize.js';
import { fail, formatDuration, hex, parseNumeric, parseSmall } from './values.js';

export const GroupModCommand = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
const TYPES = ['all', 'select', 'indirect', 'ff'];
const SELECT = 1;
const INDIRECT = 2;

function parseBucket(text: string, groupType: number, ctx: ActionParseContext): Bucket {
  let weight = groupType === SELECT ? 1 : 0;
  let watchPort: number = OFPP.ANY;
  let watchGroup = OFPG_ANY;
  const actions: string[] = [];
  for (const { key, value } of parseKeyValues(text)) {
    const k = key.toLowerCase();
    if (k === 'weight') weight = parseSmall(value, 16, 'weight');
    else if (k === 'watch_port') {
      const p = parsePortOrUndef(value, ctx.ports);
      if (!p || (p.port >= 0xffffff00 && p.port !== OFPP.LOCAL))
        fail(`${value}: invalid watch_port`);
      watchPort = p.port;
    } else if (k === 'watch_group') {
      watchGroup = Number(parseNumeric(value, 32));
      if (watchGroup > OFPG_MAX) fail(`invalid watch_group id ${watchGroup}`);
    } else if (k === 'bucket_id') {
      fail('bucket_id needs OpenFlow 1.5; OpenFlow 1.3 buckets have no ids');
    } else if (k === 'action' || k === 'actions') actions.push(value);
    else actions.push(`${key}(${value})`);
  }
  if (actions.length === 0) fail('bucket must specify actions');
  const list = parseActionList(actions.join(','), ctx, true);
  return { weight, watchPort, watchGroup, actions: encodeActions(list) };
}

/** parse_ofp_group_mod_str for OpenFlow 1.3: ADD, MODIFY or DELETE. */
export function parseGroupMod(
  text: string,
  command: number,
  ctx: ActionParseContext = {},
): GroupMod {
  const base = { type: 'group_mod' as const, xid: 0, command };
  if (command === GroupModCommand.DELETE && text.trim() === '') {
    return { ...base, groupType: 0, groupId: OFPG_ALL, buckets: [] };
  }
  const withBuckets = command !== GroupModCommand.DELETE;
  const at = text.indexOf('bucket=');
  if (at >= 0 && !withBuckets) fail('bucket is not needed');
  const head = at >= 0 ? text.slice(0, at) : text;
  let groupId = OFPG_ANY;
  let groupType = 0;
  let hadType = false;
  for (const { key, value } of parseKeyValues(head)) {
    if (key === 'group_id') {
      if (value === 'all') groupId = OFPG_ALL;
      else {
        groupId = Number(parseNumeric(value, 32));
        if (groupId !== OFPG_ALL && groupId > OFPG_MAX) fail(`invalid group id ${groupId}`);
      }
    } else if (key === 'type') {
      if (!withBuckets) fail('type is not needed');
      const t = value === 'fast_failover' ? 3 : TYPES.indexOf(value);
      if (t < 0) fail(`invalid group type ${value}`);
      groupType = t;
      hadType = true;
    } else if (key === 'selection_method' || key === 'selection_method_param' || key === 'fields') {
      if (!withBuckets) fail('selection method is not needed');
    } else {
      fail(`unknown keyword ${key}`);
    }
  }
  if (groupId === OFPG_ANY) fail('must specify a group_id');
  if (withBuckets && !hadType) fail('must specify a type');
  const buckets: Bucket[] = [];
  if (at >= 0) {
    const parts = text.slice(at).split('bucket=').slice(1);
    for (const part of parts) {
      const b = parseBucket(part, groupType, ctx);
      if (groupType !== SELECT && b.weight) fail('Only select groups can have bucket weights.');
      buckets.push(b);
    }
  }
  if (groupType === INDIRECT && buckets.length > 1) {
    fail('Indirect groups can have at most one bucket.');
  }
  return { ...base, groupType, groupId, buckets };
}

/** ofp_print_group: `group_id=N,type=T,bucket=...` without a leading space. */
export function formatGroup(g: GroupDesc, ports?: PortMap): string {
  let s = `group_id=${g.groupId},type=${TYPES[g.groupType] ?? 'unknown'}`;
  if (g.buckets.length === 0) return s;
  for (const b of g.buckets) {
    s += ',bucket=';
    if (b.weight !== (g.groupType === SELECT ? 1 : 0)) s += `weight:${b.weight},`;
    if (b.watchPort !== OFPP.ANY) s += `watch_port:${formatPort(b.watchPort, ports)},`;
    if (b.watchGroup !== OFPG_ANY) s += `watch_group:${b.watchGroup},`;
    s += `actions=${b.actions.length ? formatActions(b.actions, ports) : 'drop'}`;
  }
  return s;
}

const GROUP_COMMANDS = ['ADD', 'MOD', 'DEL'];

/** The GROUP_MOD body after its header. */
export function formatGroupMod(m: GroupMod, ports?: PortMap): string {
  const cmd = GROUP_COMMANDS[m.command] ?? `cmd:${m.command}`;
  return `\n ${cmd} ${formatGroup(m, ports)}`;
}

export function formatGroupStats(g: GroupStats): string {
  let s = `group_id=${g.groupId}`;
  if (g.durationSec !== 0xffffffff)
    s += `,duration=${formatDuration(g.durationSec, g.durationNsec)}`;
  s += `,ref_count=${g.refCount},packet_count=${g.packetCount},byte_count=${g.byteCount}`;
  g.bucketStats.forEach((b, i) => {
    if (b.packetCount !== (1n << 64n) - 1n) {
      s += `,bucket${i}:packet_count=${b.packetCount},byte_count=${b.byteCount}`;
    }
  });
  return s;
}

export function groupIdText(id: number): string {
  return id === OFPG_ALL ? 'ALL' : id === OFPG_ANY ? 'ANY' : String(id);
}

/** OpenFlow action types in the order OVS names them in feature lists. */
const ACTION_BITS: readonly (readonly [number, string])[] = [
  [0, 'output'],
  [22, 'group'],
  [25, 'set_field'],
  [18, 'strip_vlan'],
  [17, 'push_vlan'],
  [23, 'mod_nw_ttl'],
  [24, 'dec_ttl'],
  [15, 'set_mpls_ttl'],
  [16, 'dec_mpls_ttl'],
  [19, 'push_mpls'],
  [20, 'pop_mpls'],
  [21, 'set_queue'],
];

/** ofpact_bitmap_format of an OpenFlow 1.3 action-type bitmap. */
export function actionBitmapText(bits: number): string {
  return ACTION_BITS.filter(([b]) => bits & (1 << b))
    .map(([, n]) => n)
    .join(' ');
}

const TYPE_LABELS = ['all', 'select', 'indirect', 'fast failover'];

export function formatGroupFeatures(f: GroupFeatures): string {
  let s = `\n Group table:\n    Types:  0x${f.types.toString(16)}\n    Capabilities:  0x${f.capabilities.toString(16)}\n`;
  for (let i = 0; i < 4; i++) {
    if (!(f.types & (1 << i))) continue;
    s += `    ${TYPE_LABELS[i]} group:\n`;
    s += `       max_groups=${hex(f.maxGroups[i]!)}\n`;
    s += `       actions: ${actionBitmapText(f.actions[i]!)}\n`;
  }
  return s;
}
