/**
 * A flow entry (OpenFlow 1.3.5 section 5.2): match, priority, instructions, cookie,
 * flags, timeouts, counters and the times that give its duration and idle age. Times are
 * milliseconds of the switch model's injectable clock. Also the conversions to the
 * codec's FlowStats and FlowRemoved shapes.
 */
import {
  type Action,
  FlowModFlags,
  type FlowRemoved,
  type FlowStats,
  type Instruction,
  type Match,
} from '../codec/index.js';
import type { ClsRule } from './classifier.js';

/** OFPRR_* (section 7.4.2). Meter deletion is reported as DELETE, as 1.3 has no code for it. */
export const FlowRemovedReason = {
  IDLE_TIMEOUT: 0,
  HARD_TIMEOUT: 1,
  DELETE: 2,
  GROUP_DELETE: 3,
} as const;

/** The flags a flow entry keeps and reports; CHECK_OVERLAP and RESET_COUNTS act once. */
export const STATE_FLAGS =
  FlowModFlags.SEND_FLOW_REM | FlowModFlags.NO_PKT_COUNTS | FlowModFlags.NO_BYT_COUNTS;

/** Counters the switch does not keep are reported as all ones (section 7.3.5). */
export const COUNTER_UNAVAILABLE = 0xffffffffffffffffn;

export interface FlowEntryInit {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
  readonly cookie: bigint;
  readonly flags: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly now: number;
}

export class FlowEntry {
  readonly tableId: number;
  readonly priority: number;
  readonly match: Match;
  instructions: readonly Instruction[];
  readonly cookie: bigint;
  readonly flags: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** Clock time of the ADD that created it (duration counts from here). */
  readonly installedAt: number;
  /** Clock time of the last packet matched, or of installation. */
  lastUsed: number;
  packetCount = 0;
  byteCount = 0;
  /** The classifier rule while installed. */
  rule: ClsRule<FlowEntry> | undefined = undefined;

  constructor(init: FlowEntryInit) {
    this.tableId = init.tableId;
    this.priority = init.priority;
    this.match = init.match;
    this.instructions = init.instructions;
    this.cookie = init.cookie;
    this.flags = init.flags & STATE_FLAGS;
    this.idleTimeout = init.idleTimeout;
    this.hardTimeout = init.hardTimeout;
    this.installedAt = init.now;
    this.lastUsed = init.now;
  }

  /** The table-miss entry: priority 0, every field wildcarded (section 5.4). */
  get isTableMiss(): boolean {
    return this.priority === 0 && this.match.length === 0;
  }

  /** Counts one packet of `bytes` bytes at time `now`. */
  hit(bytes: number, now: number): void {
    this.packetCount++;
    this.byteCount += bytes;
    this.lastUsed = now;
  }

  /** The expiry reason at time `now`, or undefined while it lives (hard timeout first). */
  expiry(now: number): number | undefined {
    if (this.hardTimeout > 0 && now - this.installedAt >= this.hardTimeout * 1000) {
      return FlowRemovedReason.HARD_TIMEOUT;
    }
    if (this.idleTimeout > 0 && now - this.lastUsed >= this.idleTimeout * 1000) {
      return FlowRemovedReason.IDLE_TIMEOUT;
    }
    return undefined;
  }

  /** Every action the entry's apply-actions and write-actions instructions hold. */
  actions(): Action[] {
    const out: Action[] = [];
    for (const ins of this.instructions) {
      if (ins.type === 'apply_actions' || ins.type === 'write_actions') out.push(...ins.actions);
    }
    return out;
  }

  /** The out_port filter of DELETE and stats: an output action to `port` (OFPP_ANY: all). */
  outputsTo(port: number): boolean {
    return this.actions().some((a) => a.type === 'output' && a.port === port);
  }

  /** The out_group filter: a group action to `group`. */
  usesGroup(group: number): boolean {
    return this.actions().some((a) => a.type === 'group' && a.groupId === group);
  }

  usesMeter(meterId: number): boolean {
    return this.instructions.some((i) => i.type === 'meter' && i.meterId === meterId);
  }

  private counters(): { packetCount: bigint; byteCount: bigint } {
    return {
      packetCount:
        this.flags & FlowModFlags.NO_PKT_COUNTS ? COUNTER_UNAVAILABLE : BigInt(this.packetCount),
      byteCount:
        this.flags & FlowModFlags.NO_BYT_COUNTS ? COUNTER_UNAVAILABLE : BigInt(this.byteCount),
    };
  }

  private duration(now: number): { durationSec: number; durationNsec: number } {
    const ms = Math.max(0, now - this.installedAt);
    const durationSec = Math.floor(ms / 1000);
    return { durationSec, durationNsec: Math.round((ms - durationSec * 1000) * 1e6) };
  }

  toFlowStats(now: number): FlowStats {
    return {
      tableId: this.tableId,
      ...this.duration(now),
      priority: this.priority,
      idleTimeout: this.idleTimeout,
      hardTimeout: this.hardTimeout,
      flags: this.flags,
      cookie: this.cookie,
      ...this.counters(),
      match: this.match,
      instructions: this.instructions,
    };
  }

  toFlowRemoved(reason: number, now: number, xid = 0): FlowRemoved {
    return {
      type: 'flow_removed',
      xid,
      cookie: this.cookie,
      priority: this.priority,
      reason,
      tableId: this.tableId,
      ...this.duration(now),
      idleTimeout: this.idleTimeout,
      hardTimeout: this.hardTimeout,
      ...this.counters(),
      match: this.match,
    };
  }
}
