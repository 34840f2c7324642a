/**
 * What to change on a switch so it holds exactly the wanted static flows, touching
 * nothing that is already right. Flows are told apart as OpenFlow (and ovs-ofctl
 * replace-flows) tell them apart: by table, priority and match, the match compared in
 * Open vSwitch's normalized text form so field order and redundant masks do not matter.
 * Two flows with the same identity are the same version when cookie, timeouts, flags
 * and instructions agree.
 *
 *   installed, not wanted          -> stale: deleted (strict, by its exact cookie)
 *   wanted, not installed          -> added
 *   wanted, installed, other version -> replaced (an ADD replaces it in place)
 *   wanted, installed, same version  -> kept: not sent, so its counters and age run on
 */
import type { FlowStats, Instruction, Match } from '../../src/codec/index.js';
import { formatInstructions } from '../../src/text/actions-format.js';
import { formatMatch } from '../../src/text/match-format.js';
import { normalize } from '../../src/text/match-normalize.js';
import { fromOxm } from '../../src/text/ovs-match.js';
import type { FlowAdd, FlowLine } from './flow-lines.js';

/** A flow the app wants on a switch: the line it came from and its FLOW_MOD. */
export interface WantedFlow {
  readonly line: FlowLine;
  readonly fm: FlowAdd;
}

/** Table, priority and normalized match: what makes two flows the same flow. */
export function flowKey(f: {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
}): string {
  return `table=${f.tableId} ${formatMatch(normalize(fromOxm(f.match)), f.priority)}`;
}

/** Everything else that an ADD sets: a difference here means the flow must be replaced. */
export function flowVersion(f: {
  readonly cookie: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly instructions: readonly Instruction[];
}): string {
  const parts = [`cookie=0x${f.cookie.toString(16)}`, `flags=${f.flags}`];
  parts.push(`idle=${f.idleTimeout}`, `hard=${f.hardTimeout}`);
  return `${parts.join(' ')} actions=${formatInstructions(f.instructions)}`;
}

export interface SyncPlan {
  /** Installed and wanted as they are: left alone. */
  readonly kept: readonly FlowStats[];
  /** Installed with the app's cookie but no longer wanted: deleted one by one. */
  readonly stale: readonly FlowStats[];
  /** Wanted and absent. */
  readonly added: readonly WantedFlow[];
  /** Wanted, present in another version: the ADD replaces it. */
  readonly replaced: readonly WantedFlow[];
}

/** The change from the app's flows found on a switch to the wanted ones. */
export function planSync(installed: readonly FlowStats[], wanted: readonly WantedFlow[]): SyncPlan {
  const want = new Map<string, WantedFlow>();
  for (const w of wanted) want.set(flowKey(w.fm), w);
  const kept: FlowStats[] = [];
  const stale: FlowStats[] = [];
  const present = new Map<string, FlowStats>();
  for (const f of installed) {
    const key = flowKey(f);
    const w = want.get(key);
    if (!w || present.has(key)) {
      stale.push(f);
      continue;
    }
    present.set(key, f);
    if (flowVersion(f) === flowVersion(w.fm)) kept.push(f);
  }
  const added: WantedFlow[] = [];
  const replaced: WantedFlow[] = [];
  for (const [key, w] of want) {
    const f = present.get(key);
    if (!f) added.push(w);
    else if (flowVersion(f) !== flowVersion(w.fm)) replaced.push(w);
  }
  return { kept, stale, added, replaced };
}
