/**
 * Executing actions on a packet (OpenFlow 1.3.5 sections 5.6, 5.10, 5.12): header
 * rewrites, outputs to ports and reserved ports (IN_PORT, FLOOD, ALL, CONTROLLER,
 * LOCAL, NORMAL, TABLE), set_queue, and groups (all, select, indirect, fast-failover,
 * chained). Outputs and packet-ins are recorded with the packet's bytes and parsed
 * fields as they leave. An expired TTL stops the packet (and, when configured, sends it
 * to the controller with OFPR_INVALID_TTL).
 */
import {
  type Action,
  type Match,
  OFPCML_NO_BUFFER,
  OFPP,
  type OxmBasic,
  type OxmEntry,
} from '../codec/index.js';
import { asActionSet } from './action-set.js';
import { KEY_WORDS, keyFields, W } from './flow-key.js';
import { type GroupEntry, type GroupTable, GroupType } from './groups.js';
import type { Packet } from './packet.js';
import { setField } from './packet-set-field.js';
import {
  copyTtlIn,
  copyTtlOut,
  decMplsTtl,
  decNwTtl,
  popMpls,
  popPbb,
  popVlan,
  pushMpls,
  pushPbb,
  pushVlan,
  setMplsTtl,
  setNwTtl,
} from './packet-tags.js';
import type { PortSet } from './ports.js';

/** OFPR_* packet-in reasons. */
export const PacketInReason = { NO_MATCH: 0, ACTION: 1, INVALID_TTL: 2 } as const;

/** A copy of the packet leaving the switch. */
export interface Output {
  /** The port it leaves by: a standard port, OFPP_LOCAL, or OFPP_NORMAL (not modelled). */
  readonly port: number;
  /** The reserved port of the output action that chose `port` (IN_PORT, FLOOD, ALL). */
  readonly via?: number;
  readonly queueId?: number;
  readonly bytes: Uint8Array;
  /** Its header fields as parsed from `bytes` (tunnel_id too when not zero). */
  readonly fields: readonly OxmBasic[];
}

/** A packet sent to the controller (the content of the PACKET_IN a switch would send). */
export interface PacketInRecord {
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** The output action's max_len (OFPCML_NO_BUFFER: all of it). */
  readonly maxLen: number;
  readonly totalLen: number;
  readonly data: Uint8Array;
  /** Pipeline fields: in_port, and metadata and tunnel_id when not zero. */
  readonly match: Match;
}

/** What actions need from the switch. */
export interface ExecEnv {
  readonly ports: PortSet;
  readonly groups: GroupTable;
  /** Group buckets run as action sets (the spec) or as ordered lists (Open vSwitch). */
  readonly bucketsAsSets: boolean;
  /** OFPC_INVALID_TTL_TO_CONTROLLER is set. */
  readonly invalidTtlToController: boolean;
  /** Runs a packet through the tables from table 0 (output to OFPP_TABLE). */
  readonly resubmit?: (p: Packet) => void;
}

/** Where the results of one packet's processing accumulate. */
export interface ExecState {
  readonly outputs: Output[];
  readonly packetIns: PacketInRecord[];
  /** Human-readable notes for traces (group buckets taken, drops and why). */
  readonly notes: string[];
  queueId: number | undefined;
  /** Table and cookie of the entry whose actions run (for packet-ins). */
  tableId: number;
  cookie: bigint;
  /** The entry is a table-miss entry: controller output reason is NO_MATCH. */
  tableMiss: boolean;
}

export function newExecState(): ExecState {
  return {
    outputs: [],
    packetIns: [],
    notes: [],
    queueId: undefined,
    tableId: 0,
    cookie: 0n,
    tableMiss: false,
  };
}

const MAX_GROUP_DEPTH = 16;

/** Pipeline fields for a packet-in's match. */
export function pipelineMatch(p: Packet): Match {
  const m: OxmEntry[] = [{ field: 'in_port', value: p.inPort }];
  if (p.key[W.IN_PHY_PORT] !== p.inPort)
    m.push({ field: 'in_phy_port', value: p.key[W.IN_PHY_PORT]! });
  if (p.metadata !== 0n) m.push({ field: 'metadata', value: p.metadata });
  if (p.tunnelId !== 0n) m.push({ field: 'tunnel_id', value: p.tunnelId });
  return m;
}

function emit(p: Packet, port: number, via: number | undefined, st: ExecState): void {
  // Fields are worked out only if someone reads them (most callers want ports or bytes).
  const key = p.key.slice();
  let fields: readonly OxmBasic[] | undefined;
  st.outputs.push({
    port,
    ...(via === undefined ? {} : { via }),
    ...(st.queueId === undefined ? {} : { queueId: st.queueId }),
    bytes: p.bytes.slice(),
    get fields() {
      fields ??= keyFields(key);
      return fields;
    },
  });
}

function toController(p: Packet, maxLen: number, reason: number, st: ExecState): void {
  const data = maxLen === OFPCML_NO_BUFFER ? p.bytes.slice() : p.bytes.slice(0, maxLen);
  st.packetIns.push({
    reason,
    tableId: st.tableId,
    cookie: st.cookie,
    maxLen,
    totalLen: p.bytes.length,
    data,
    match: pipelineMatch(p),
  });
}

function output(p: Packet, port: number, maxLen: number, env: ExecEnv, st: ExecState): void {
  const inPort = p.inPort;
  switch (port) {
    case OFPP.IN_PORT:
      if (inPort === OFPP.LOCAL || env.ports.canSend(inPort)) emit(p, inPort, port, st);
      else st.notes.push(`output to IN_PORT ${inPort}: port cannot send, dropped`);
      return;
    case OFPP.FLOOD:
    case OFPP.ALL:
      for (const q of env.ports.expand(port, inPort)) emit(p, q, port, st);
      return;
    case OFPP.CONTROLLER:
      toController(p, maxLen, st.tableMiss ? PacketInReason.NO_MATCH : PacketInReason.ACTION, st);
      return;
    case OFPP.LOCAL:
    case OFPP.NORMAL:
      emit(p, port, undefined, st);
      return;
    case OFPP.TABLE:
      if (env.resubmit) env.resubmit(p.clone());
      else st.notes.push('output to TABLE outside a packet-out: ignored');
      return;
    default:
      if (port === inPort) st.notes.push(`output to ingress port ${port} without IN_PORT: dropped`);
      else if (!env.ports.canSend(port))
        st.notes.push(`output to port ${port}: no such port or down`);
      else emit(p, port, undefined, st);
  }
}

/**
 * Runs `actions` in order on `p`. Returns false when the packet must stop (an expired
 * TTL); outputs and groups work on the packet as modified so far.
 */
export function runActions(
  p: Packet,
  actions: readonly Action[],
  env: ExecEnv,
  st: ExecState,
  depth = 0,
): boolean {
  for (const a of actions) {
    switch (a.type) {
      case 'output':
        output(p, a.port, a.maxLen, env, st);
        break;
      case 'group':
        runGroup(p, a.groupId, env, st, depth + 1);
        break;
      case 'set_queue':
        st.queueId = a.queueId;
        break;
      case 'set_field':
        if (a.field.field !== 'raw' && !setField(p, a.field)) {
          st.notes.push(`set_field ${a.field.field}: packet has no such header, ignored`);
        }
        break;
      case 'push_vlan':
        pushVlan(p, a.ethertype);
        break;
      case 'pop_vlan':
        popVlan(p);
        break;
      case 'push_mpls':
        pushMpls(p, a.ethertype);
        break;
      case 'pop_mpls':
        popMpls(p, a.ethertype);
        break;
      case 'push_pbb':
        pushPbb(p, a.ethertype);
        break;
      case 'pop_pbb':
        popPbb(p);
        break;
      case 'set_mpls_ttl':
        setMplsTtl(p, a.ttl);
        break;
      case 'set_nw_ttl':
        setNwTtl(p, a.ttl);
        break;
      case 'copy_ttl_in':
        copyTtlIn(p);
        break;
      case 'copy_ttl_out':
        copyTtlOut(p);
        break;
      case 'dec_mpls_ttl':
      case 'dec_nw_ttl':
        if (!(a.type === 'dec_nw_ttl' ? decNwTtl(p) : decMplsTtl(p))) {
          st.notes.push(`${a.type}: TTL expired, packet stops`);
          if (env.invalidTtlToController) {
            toController(p, OFPCML_NO_BUFFER, PacketInReason.INVALID_TTL, st);
          }
          return false;
        }
        break;
      case 'experimenter':
        st.notes.push(`experimenter action 0x${a.experimenter.toString(16)} ignored`);
        break;
      default:
        return assertNeverAction(a);
    }
  }
  return true;
}

function assertNeverAction(a: never): never {
  throw new TypeError(`unexpected action ${JSON.stringify(a)}`);
}

/** A deterministic per-flow hash (select groups): the header words and in_port. */
function flowHash(p: Packet): number {
  let h = 0x811c9dc5;
  h = Math.imul(h ^ p.key[W.IN_PORT]!, 0x01000193);
  for (let i = W.DL_DST; i < KEY_WORDS; i++) h = Math.imul(h ^ p.key[i]!, 0x01000193);
  // FNV leaves the low bits weak: finish with murmur3's avalanche.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function bucketLive(g: GroupEntry, i: number, env: ExecEnv, depth: number): boolean {
  const b = g.buckets[i]!;
  if (b.watchPort !== OFPP.ANY && !env.ports.isLive(b.watchPort)) return false;
  if (b.watchGroup !== 0xffffffff) {
    const w = env.groups.get(b.watchGroup);
    if (!w || depth > MAX_GROUP_DEPTH) return false;
    return w.buckets.some((_, j) => bucketLive(w, j, env, depth + 1));
  }
  return true;
}

/** Which buckets of `g` the packet goes through. */
function chooseBuckets(g: GroupEntry, p: Packet, env: ExecEnv, depth: number): number[] {
  const all = g.buckets.map((_, i) => i);
  switch (g.groupType) {
    case GroupType.ALL:
      return all;
    case GroupType.INDIRECT:
      return all.slice(0, 1);
    case GroupType.FF: {
      const live = all.find((i) => bucketLive(g, i, env, depth));
      return live === undefined ? [] : [live];
    }
    case GroupType.SELECT: {
      const live = all.filter((i) => g.buckets[i]!.weight > 0 && bucketLive(g, i, env, depth));
      const total = live.reduce((s, i) => s + g.buckets[i]!.weight, 0);
      if (total === 0) return [];
      let pick = flowHash(p) % total;
      for (const i of live) {
        pick -= g.buckets[i]!.weight;
        if (pick < 0) return [i];
      }
      return [];
    }
    default:
      return [];
  }
}

function runGroup(p: Packet, groupId: number, env: ExecEnv, st: ExecState, depth: number): void {
  const g = env.groups.get(groupId);
  if (!g) {
    st.notes.push(`group ${groupId} does not exist: dropped`);
    return;
  }
  if (depth > MAX_GROUP_DEPTH) {
    st.notes.push(`group ${groupId}: chain deeper than ${MAX_GROUP_DEPTH}, dropped`);
    return;
  }
  g.packetCount++;
  g.byteCount += p.bytes.length;
  const chosen = chooseBuckets(g, p, env, depth);
  if (chosen.length === 0) st.notes.push(`group ${groupId}: no live bucket, dropped`);
  for (const i of chosen) {
    st.notes.push(`group ${groupId}: bucket ${i}`);
    g.bucketPackets[i]!++;
    g.bucketBytes[i]! += p.bytes.length;
    const actions = g.buckets[i]!.actions;
    const saved = st.queueId;
    runActions(p.clone(), env.bucketsAsSets ? asActionSet(actions) : actions, env, st, depth);
    st.queueId = saved;
  }
}
