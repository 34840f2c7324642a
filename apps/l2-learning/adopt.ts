/**
 * l2-learning after a controller restart: the switch still holds the flows this app
 * installed (its cookie), and traffic runs on them. Rather than wiping them, the app
 * adopts them: each learned flow (in_port + eth_src + eth_dst -> output:P) says where
 * two MACs live, which rebuilds the MAC table; such flows are kept as they are. A flow
 * with the app's cookie that is not of a shape the app installs, names a port the
 * switch no longer has, or contradicts another flow about where a MAC lives, is stale.
 * The wanted set is the table-miss flow plus every adopted flow; reconcile.ts turns
 * that into strict deletes of the stale flows and adds of what is missing.
 */
import {
  type Action,
  type FlowStats,
  matchGet,
  OFPCML_NO_BUFFER,
  OFPP,
  type Port,
} from '../../src/codec/index.js';
import type { WantedFlow } from '../../src/runtime/index.js';
import type { L2Config } from './config.js';
import type { MacTable } from './mac-table.js';

export const TO_CONTROLLER: readonly Action[] = [
  { type: 'output', port: OFPP.CONTROLLER, maxLen: OFPCML_NO_BUFFER },
];

/** The table-miss flow: priority 0, everything to the controller, whole packets. */
export function tableMissFlow(cookie: bigint): WantedFlow {
  return {
    tableId: 0,
    priority: 0,
    cookie,
    match: [],
    instructions: [{ type: 'apply_actions', actions: TO_CONTROLLER }],
  };
}

/** A learned flow taken apart: the ports of its source and destination MACs. */
interface Learned {
  readonly flow: FlowStats;
  readonly inPort: number;
  readonly src: number;
  readonly dst: number;
  readonly outPort: number;
}

export interface Adoption {
  /** What the app wants on the switch: the table-miss flow and the adopted flows. */
  readonly wanted: readonly WantedFlow[];
  /** Learned flows kept. */
  readonly adopted: number;
  /** MACs in the table afterwards. */
  readonly macs: number;
}

/**
 * Rebuilds `table` from the switch's flows with the app's cookie and returns the flows
 * to keep. `now` is the table's clock (every adopted MAC counts as just seen).
 */
export function adoptFlows(
  flows: readonly FlowStats[],
  ports: ReadonlyMap<number, Port>,
  cfg: L2Config,
  cookie: bigint,
  table: MacTable,
  now: number,
): Adoption {
  const learned: Learned[] = [];
  for (const f of flows) {
    const l = asLearned(f, ports, cfg, cookie);
    if (l) learned.push(l);
  }
  // Where each MAC lives according to the flows; a MAC claimed on two ports is suspect.
  const home = new Map<number, number>();
  const conflicted = new Set<number>();
  const claim = (mac: number, port: number) => {
    const p = home.get(mac);
    if (p === undefined) home.set(mac, port);
    else if (p !== port) conflicted.add(mac);
  };
  for (const l of learned) {
    claim(l.src, l.inPort);
    claim(l.dst, l.outPort);
  }
  const wanted: WantedFlow[] = [tableMissFlow(cookie)];
  for (const l of learned) {
    if (conflicted.has(l.src) || conflicted.has(l.dst)) continue;
    wanted.push(l.flow);
  }
  for (const [mac, port] of home) {
    if (!conflicted.has(mac)) table.learn(mac, port, now);
  }
  return { wanted, adopted: wanted.length - 1, macs: table.size };
}

/** The flow as one this app installs for a learned pair, or undefined if it is not. */
function asLearned(
  f: FlowStats,
  ports: ReadonlyMap<number, Port>,
  cfg: L2Config,
  cookie: bigint,
): Learned | undefined {
  if (f.tableId !== 0 || f.priority !== cfg.priority || f.cookie !== cookie) return undefined;
  if (f.match.length !== 3 || f.match.some((e) => e.field === 'raw' || e.mask !== undefined)) {
    return undefined;
  }
  const inPort = matchGet(f.match, 'in_port')?.value;
  const src = matchGet(f.match, 'eth_src')?.value;
  const dst = matchGet(f.match, 'eth_dst')?.value;
  if (typeof inPort !== 'number' || typeof src !== 'number' || typeof dst !== 'number') {
    return undefined;
  }
  const [ins] = f.instructions;
  if (f.instructions.length !== 1 || ins?.type !== 'apply_actions') return undefined;
  const [out] = ins.actions;
  if (ins.actions.length !== 1 || out?.type !== 'output') return undefined;
  const outPort = out.port;
  const isMulticast = (mac: number) => Math.floor(mac / 0x10000000000) % 2 === 1;
  if (isMulticast(src) || isMulticast(dst) || src === dst) return undefined;
  if (outPort === inPort || outPort > OFPP.MAX || inPort > OFPP.MAX) return undefined;
  if (!ports.has(inPort) || !ports.has(outPort)) return undefined;
  return { flow: f, inPort, src, dst, outPort };
}
