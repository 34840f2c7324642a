/**
 * Reconciling a switch's flows with what an app wants, at switch-up, without touching
 * traffic that already flows. The switch's flows carrying the app's cookie (the runtime
 * passes them to the app's `reconcile` handler) are compared with the flows the app
 * wants by identity (table, priority, match): a wanted flow already installed with the
 * same cookie and instructions is kept as it is (its counters and timeouts run on); one
 * that is absent or differs is added (an ADD replaces a flow of the same identity); an
 * installed flow the app does not want is deleted alone (DELETE_STRICT on its table,
 * priority, match and exact cookie). No blanket delete: a controller restart leaves
 * established flows, and so the traffic on them, alone.
 */
import { FlowModCommand, type FlowStats, type Instruction, type Match } from '../codec/index.js';
import type { Datapath } from './app.js';
import { compareFlows, flowIdentity } from './flow-model.js';

/** A flow an app wants installed (what a FLOW_MOD ADD of it would say). */
export interface WantedFlow {
  readonly tableId: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly flags?: number;
}

export interface ReconcilePlan {
  /** Installed and wanted as they are: left alone. */
  readonly kept: readonly FlowStats[];
  /** Installed, not wanted: each deleted strictly. */
  readonly stale: readonly FlowStats[];
  /** Wanted, absent or different: each added. */
  readonly missing: readonly WantedFlow[];
}

const ALL_COOKIE_BITS = 0xffff_ffff_ffff_ffffn;

/** Splits `installed` into kept and stale, and finds the wanted flows to add. */
export function planReconcile(
  installed: readonly FlowStats[],
  wanted: readonly WantedFlow[],
): ReconcilePlan {
  const asStats = wanted.map(toStats);
  const byKey = new Map<string, WantedFlow>();
  for (const [i, w] of wanted.entries()) byKey.set(flowIdentity(asStats[i]!), w);
  const cmp = compareFlows(asStats, installed);
  const differentKeys = new Set(cmp.different.map((d) => d.key));
  const missing = [
    ...cmp.missing.map((f) => byKey.get(flowIdentity(f))!),
    ...cmp.different.map((d) => byKey.get(d.key)!),
  ];
  const stale = cmp.unexpected;
  const staleSet = new Set(stale);
  const kept = installed.filter((f) => !staleSet.has(f) && !differentKeys.has(flowIdentity(f)));
  return { kept, stale, missing };
}

/** Sends the plan's deletes, then its adds (the runtime puts a barrier between them). */
export function applyReconcile(dp: Datapath, plan: ReconcilePlan): void {
  for (const f of plan.stale) {
    dp.flowMod({
      command: FlowModCommand.DELETE_STRICT,
      tableId: f.tableId,
      priority: f.priority,
      match: f.match,
      cookie: f.cookie,
      cookieMask: ALL_COOKIE_BITS,
    });
  }
  for (const w of plan.missing) {
    dp.flowMod({
      command: FlowModCommand.ADD,
      tableId: w.tableId,
      priority: w.priority,
      cookie: w.cookie,
      match: w.match,
      instructions: w.instructions,
      idleTimeout: w.idleTimeout ?? 0,
      hardTimeout: w.hardTimeout ?? 0,
      flags: w.flags ?? 0,
    });
  }
}

/** Plans and applies in one go; returns the plan for logging and tests. */
export function reconcileFlows(
  dp: Datapath,
  installed: readonly FlowStats[],
  wanted: readonly WantedFlow[],
): ReconcilePlan {
  const plan = planReconcile(installed, wanted);
  applyReconcile(dp, plan);
  return plan;
}

function toStats(w: WantedFlow): FlowStats {
  return {
    tableId: w.tableId,
    priority: w.priority,
    cookie: w.cookie,
    match: w.match,
    instructions: w.instructions,
    idleTimeout: w.idleTimeout ?? 0,
    hardTimeout: w.hardTimeout ?? 0,
    flags: w.flags ?? 0,
    durationSec: 0,
    durationNsec: 0,
    packetCount: 0n,
    byteCount: 0n,
  };
}
