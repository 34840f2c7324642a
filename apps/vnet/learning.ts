/**
 * MAC learning as pure functions of (plan, MAC table, event) -> flow-mods.
 *
 * A frame whose (in_port, VLAN, eth_src) has no table-1 entry is copied to the
 * controller by the table-1 miss flow and still forwarded by tables 2 and 3, so learning
 * never holds a frame up. Learning installs two flows:
 *   table 1  in_port=P, vlan=V, eth_src=M  -> goto 2   (idle timeout, SEND_FLOW_REM)
 *   table 2  vlan=V, eth_dst=M             -> egress to P
 * When the table-1 entry idles out, FLOW_REMOVED makes us delete the table-2 entry too,
 * so a silent host is forgotten everywhere. A MAC seen on another port (it moved) gets
 * its old table-1 entry deleted and its table-2 entry replaced.
 */
import {
  type FlowMod,
  FlowModFlags,
  type FlowRemoved,
  type Match,
  matchGet,
  OFPVID_PRESENT,
} from '../../src/codec/index.js';
import { egressActions } from './egress.js';
import { addFlowMod, deleteStrictFlowMod, type FlowSpec } from './flow-set.js';
import type { MacEntry, MacTable } from './mac-table.js';
import { CookieKind, cookie, PRIORITY, TABLE } from './pipeline.js';
import { type DatapathPlan, type Membership, membershipOf } from './plan.js';

/** A learned MAC seen again on the same port after this long gets its flows re-sent. */
export const REINSTALL_AFTER_MS = 2_000;

export interface FrameHeader {
  readonly dst: number;
  readonly src: number;
  /** VLAN ID of the outer 802.1Q tag, or undefined for an untagged frame. */
  readonly vlan: number | undefined;
}

/** The Ethernet (and 802.1Q) header of a frame, or undefined when it is too short. */
export function parseFrameHeader(data: Uint8Array): FrameHeader | undefined {
  if (data.length < 14) return undefined;
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const dst = b.readUIntBE(0, 6);
  const src = b.readUIntBE(6, 6);
  const type = b.readUInt16BE(12);
  if (type !== 0x8100) return { dst, src, vlan: undefined };
  if (data.length < 18) return undefined;
  return { dst, src, vlan: b.readUInt16BE(14) & 0x0fff };
}

function isMulticast(mac: number): boolean {
  return Math.floor(mac / 2 ** 40) % 2 === 1;
}

const vid = (vlan: number) => ({ field: 'vlan_vid', value: OFPVID_PRESENT | vlan }) as const;

type MacKey = Pick<MacEntry, 'vlan' | 'mac' | 'port'>;

/** Identity (table, priority, match) of the table-1 flow of a learned MAC. */
function sourceKey(e: MacKey): Pick<FlowSpec, 'tableId' | 'priority' | 'match'> {
  return {
    tableId: TABLE.LEARN,
    priority: PRIORITY.MATCH,
    match: [{ field: 'in_port', value: e.port }, { field: 'eth_src', value: e.mac }, vid(e.vlan)],
  };
}

/** Identity of the table-2 flow of a learned MAC. */
function destinationKey(e: Omit<MacKey, 'port'>): Pick<FlowSpec, 'tableId' | 'priority' | 'match'> {
  return {
    tableId: TABLE.FORWARD,
    priority: PRIORITY.MATCH,
    match: [{ field: 'eth_dst', value: e.mac }, vid(e.vlan)],
  };
}

/** The table-1 (source) flow of a learned MAC. */
export function sourceFlow(e: MacKey, idle: number): FlowSpec {
  return {
    ...sourceKey(e),
    instructions: [{ type: 'goto_table', tableId: TABLE.FORWARD }],
    cookie: cookie(CookieKind.LEARNED, e.vlan),
    idleTimeout: idle,
    flags: FlowModFlags.SEND_FLOW_REM,
  };
}

/** The table-2 (destination) flow of a learned MAC on a port with this membership. */
export function destinationFlow(e: MacKey, membership: Membership): FlowSpec {
  return {
    ...destinationKey(e),
    instructions: [{ type: 'apply_actions', actions: egressActions(e.port, membership) }],
    cookie: cookie(CookieKind.LEARNED, e.vlan),
    idleTimeout: 0,
    flags: 0,
  };
}

export interface LearnInput {
  readonly plan: DatapathPlan;
  readonly table: MacTable;
  readonly inPort: number;
  readonly frame: FrameHeader;
  /** Seconds, from the config. */
  readonly idleTimeout: number;
  /** Current time in ms. */
  readonly now: number;
}

export type LearnOutcome =
  | { readonly kind: 'learned' | 'moved' | 'refreshed'; readonly mods: FlowMod[]; from?: number }
  | { readonly kind: 'ignored'; readonly reason: string; readonly mods: FlowMod[] };

/** Learn the source of a frame the table-1 miss flow copied to the controller. */
export function learn(input: LearnInput): LearnOutcome {
  const { plan, table, inPort, frame, idleTimeout, now } = input;
  const ignore = (reason: string): LearnOutcome => ({ kind: 'ignored', reason, mods: [] });
  if (frame.vlan === undefined) return ignore('frame carries no internal VLAN tag');
  if (isMulticast(frame.src)) return ignore('multicast source address');
  const member = membershipOf(plan, inPort, frame.vlan);
  if (!member) return ignore(`port ${inPort} is not a member of VLAN ${frame.vlan}`);
  const entry = { vlan: frame.vlan, mac: frame.src, port: inPort, installedAt: now };
  const old = table.get(frame.vlan, frame.src);
  if (old && old.port === inPort && now - old.installedAt < REINSTALL_AFTER_MS) {
    return ignore('already learned; flows in flight');
  }
  const mods: FlowMod[] = [];
  if (old && old.port !== inPort) mods.push(deleteStrictFlowMod(sourceKey(old)));
  mods.push(addFlowMod(sourceFlow(entry, idleTimeout)));
  mods.push(addFlowMod(destinationFlow(entry, member.membership)));
  table.set(entry);
  if (!old) return { kind: 'learned', mods };
  if (old.port !== inPort) return { kind: 'moved', mods, from: old.port };
  return { kind: 'refreshed', mods };
}

/** The (port, VLAN, MAC) of a learned source flow's match, if it is one. */
function learnedKey(match: Match): { port: number; vlan: number; mac: number } | undefined {
  const port = matchGet(match, 'in_port')?.value;
  const vlan = matchGet(match, 'vlan_vid')?.value;
  const mac = matchGet(match, 'eth_src')?.value;
  if (typeof port !== 'number' || typeof vlan !== 'number' || typeof mac !== 'number') {
    return undefined;
  }
  return { port, vlan: vlan & 0x0fff, mac };
}

/**
 * A table-1 learned flow left the switch (idle timeout, or deleted). If the MAC table
 * still points at that port the MAC is forgotten and its table-2 flow deleted; if the
 * MAC has moved since, the removal was ours and nothing more is needed.
 */
export function onSourceRemoved(table: MacTable, msg: FlowRemoved): FlowMod[] {
  if (msg.tableId !== TABLE.LEARN) return [];
  const key = learnedKey(msg.match);
  if (!key) return [];
  const e = table.get(key.vlan, key.mac);
  if (!e || e.port !== key.port) return [];
  table.delete(key.vlan, key.mac);
  return [deleteStrictFlowMod(destinationKey(e))];
}

/** Flow-mods that delete a learned MAC's flows (and forget it). */
export function forget(table: MacTable, e: MacEntry): FlowMod[] {
  table.delete(e.vlan, e.mac);
  return [deleteStrictFlowMod(sourceKey(e)), deleteStrictFlowMod(destinationKey(e))];
}

function egressSignature(plan: DatapathPlan | undefined, port: number, vlan: number): string {
  const m = plan && membershipOf(plan, port, vlan);
  return m
    ? JSON.stringify(destinationFlow({ vlan, mac: 0, port }, m.membership).instructions, big)
    : '';
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * After the plan changed (reload, port added or gone): forget every learned MAC whose
 * port left its network or whose egress changed; the rest keep their flows untouched.
 */
export function reconcileLearned(
  prev: DatapathPlan | undefined,
  next: DatapathPlan | undefined,
  table: MacTable,
): FlowMod[] {
  const mods: FlowMod[] = [];
  for (const e of [...table.entries()]) {
    const after = egressSignature(next, e.port, e.vlan);
    if (after === '' || after !== egressSignature(prev, e.port, e.vlan)) {
      mods.push(...forget(table, e));
    }
  }
  return mods;
}

/** Forget every MAC learned on `port` (it went down or away). */
export function forgetPort(table: MacTable, port: number): FlowMod[] {
  const mods: FlowMod[] = [];
  for (const e of [...table.entries()]) if (e.port === port) mods.push(...forget(table, e));
  return mods;
}
