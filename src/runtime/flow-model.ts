/**
 * The seam between the runtime and a flow-table model of each switch. The runtime keeps
 * one model per datapath (made by the factory given to the controller), feeds it every
 * FLOW_MOD it sends (all sends go through one function, Connection.send) and every
 * FLOW_REMOVED the switch reports, and can compare what the model believes is installed
 * with the switch's real flow stats. Without a factory there is no model and nothing
 * is tracked. engine-model.ts puts the engine's SwitchModel behind this seam.
 */
import type {
  FlowMod,
  FlowModTemplate,
  FlowRemoved,
  FlowStats,
  Match,
  Port,
  PortStatus,
} from '../codec/index.js';
import { normalInstructions, normalMatch } from '../engine/index.js';

/** What the runtime needs from a model of one switch's flow tables. */
export interface FlowModel {
  /** Applies a FLOW_MOD the controller sent to the switch. */
  applyFlowMod(fm: FlowMod): void;
  /**
   * Applies the FLOW_MOD a template's current bytes encode (sent with `xid`), read from
   * its slots without a message object. Without it the runtime applies `t.toMessage(xid)`.
   */
  applyTemplate?(t: FlowModTemplate, xid: number): void;
  /** Applies a FLOW_REMOVED the switch reported. */
  applyFlowRemoved(fr: FlowRemoved): void;
  /** Applies a PORT_STATUS the switch reported (ports matter for FLOOD and ALL). */
  applyPortStatus?(ps: PortStatus): void;
  /** The flows the model believes are installed (counters need not be meaningful). */
  flows(): readonly FlowStats[];
  /** Drops flows whose timeouts have run out (the switch does not report those without SEND_FLOW_REM). */
  expire?(): void;
}

export interface FlowModelInfo {
  readonly dpid: bigint;
  readonly nTables: number;
  /** The switch's ports at connect (PORT_DESC). */
  readonly ports: ReadonlyMap<number, Port>;
}

export type FlowModelFactory = (info: FlowModelInfo) => FlowModel;

/** A flow as compared: where it lives, what it matches, what it does. */
export interface FlowDifference {
  readonly key: string;
  readonly model: FlowStats | undefined;
  readonly actual: FlowStats | undefined;
}

export interface FlowComparison {
  /** In the model, not on the switch. */
  readonly missing: readonly FlowStats[];
  /** On the switch, not in the model. */
  readonly unexpected: readonly FlowStats[];
  /** Same table, priority and match, but another cookie or other instructions. */
  readonly different: readonly FlowDifference[];
  readonly equal: boolean;
}

/**
 * Compares two flow lists by identity (table, priority, match in the engine's normal
 * form: field order, full masks and zero masks do not matter) and then by content
 * (cookie, instructions in execution order). Counters and timers are ignored.
 */
export function compareFlows(
  model: readonly FlowStats[],
  actual: readonly FlowStats[],
): FlowComparison {
  const byKey = new Map<string, FlowStats>();
  for (const f of actual) byKey.set(flowIdentity(f), f);
  const missing: FlowStats[] = [];
  const different: FlowDifference[] = [];
  for (const m of model) {
    const key = flowIdentity(m);
    const a = byKey.get(key);
    if (!a) {
      missing.push(m);
      continue;
    }
    byKey.delete(key);
    if (
      m.cookie !== a.cookie ||
      normalInstructions(m.instructions) !== normalInstructions(a.instructions)
    ) {
      different.push({ key, model: m, actual: a });
    }
  }
  const unexpected = [...byKey.values()];
  return {
    missing,
    unexpected,
    different,
    equal: missing.length === 0 && unexpected.length === 0 && different.length === 0,
  };
}

/** `table/priority/match`, the match in normal form. */
export function flowIdentity(f: {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
}): string {
  return `${f.tableId}/${f.priority}/${normalMatch(f.match)}`;
}
