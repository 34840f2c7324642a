/**
 * Executing actions on a packet (OpenFlow 1.3.5 sections 5.6, 5.10, 5.12): each action's
 * execution is its entry in ACTION_OPS (action-ops.ts), run in list order; groups (all,
 * select, indirect, fast-failover, chained) are here. An expired TTL stops the packet
 * (and, when configured, sends it to the controller with OFPR_INVALID_TTL).
 */
import { type Action, OFPP } from '../codec/index.js';
import { type ActionExec, actionOps } from './action-ops.js';
import { asActionSet } from './action-set.js';
import { KEY_WORDS, W } from './flow-key.js';
import { type GroupEntry, type GroupTable, GroupType } from './groups.js';
import type { ExecState, OutputEnv } from './output.js';
import type { Packet } from './packet.js';

export * from './output.js';

/** What actions need from the switch. */
export interface ExecEnv extends OutputEnv {
  readonly groups: GroupTable;
  /** Group buckets run as action sets (the spec) or as ordered lists (Open vSwitch). */
  readonly bucketsAsSets: boolean;
}

const MAX_GROUP_DEPTH = 16;

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
  const x: ActionExec = {
    env,
    st,
    group: (q, groupId) => runGroup(q, groupId, env, st, depth + 1),
  };
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    if (!actionOps(a.type).execute(a, p, x)) return false;
  }
  return true;
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
