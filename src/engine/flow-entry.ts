/**
 * A flow entry (OpenFlow 1.3.5 section 5.2): match, priority, instructions, cookie,
 * flags, timeouts, counters and the times that give its duration and idle age. Times are
 * milliseconds on one timeline, whose origin is the caller's: SwitchModel's count from
 * its clock's first reading, so they are small integers, which V8 stores in the entry
 * unboxed. Also the conversions to the codec's FlowStats and FlowRemoved shapes.
 */
import {
  type Action,
  FlowModFlags,
  type FlowRemoved,
  type FlowStats,
  type Instruction,
  type Match,
} from '../codec/index.js';
import { ClsRule } from './classifier.js';

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

/**
 * An installed or removed flow entry. It is its own classifier rule (it extends ClsRule:
 * one object per entry, not two), so `seq` orders entries of equal priority.
 */
export class FlowEntry extends ClsRule<FlowEntry> {
  readonly tableId: number;
  private readonly ownMatch: Match;
  instructions: readonly Instruction[];
  readonly cookie: bigint;
  readonly flags: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** Time of the ADD that created it (duration counts from here). */
  installedAt: number;
  /** Time of the last packet matched, or of installation. */
  lastUsed: number;
  packetCount = 0;
  byteCount = 0;

  constructor(init: FlowEntryInit) {
    super(init.priority);
    this.tableId = init.tableId;
    this.ownMatch = init.match;
    this.instructions = init.instructions;
    this.cookie = init.cookie;
    this.flags = init.flags & STATE_FLAGS;
    this.idleTimeout = init.idleTimeout;
    this.hardTimeout = init.hardTimeout;
    this.installedAt = init.now;
    this.lastUsed = init.now;
  }

  override get data(): FlowEntry {
    return this;
  }

  /** The OXM match (a subclass may build it on demand: see slot-add.ts). */
  get match(): Match {
    return this.ownMatch;
  }

  /**
   * What an ADD identical to this entry (same match, priority, cookie, flags, timeouts and
   * instructions) does to it: duration and idle time restart, counters stay unless
   * `resetCounts`. The entry keeps its place among equal-priority entries.
   */
  reinstall(now: number, resetCounts: boolean): void {
    this.installedAt = now;
    this.lastUsed = now;
    if (resetCounts) {
      this.packetCount = 0;
      this.byteCount = 0;
    }
  }

  /** Called once when the entry leaves its table (removed or replaced); a hook for subclasses. */
  detached(): void {}

  /** The classifier rule while installed (the entry itself), else undefined. */
  get rule(): ClsRule<FlowEntry> | undefined {
    return this.subtable === undefined ? undefined : this;
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

  /** Is some action of the apply- and write-actions lists `test`'s? (Nothing allocated.) */
  private anyAction(test: (a: Action) => boolean): boolean {
    for (const ins of this.instructions) {
      if (ins.type !== 'apply_actions' && ins.type !== 'write_actions') continue;
      for (const a of ins.actions) if (test(a)) return true;
    }
    return false;
  }

  /** The out_port filter of DELETE and stats: an output action to `port` (OFPP_ANY: all). */
  outputsTo(port: number): boolean {
    return this.anyAction((a) => a.type === 'output' && a.port === port);
  }

  /** The out_group filter: a group action to `group`. */
  usesGroup(group: number): boolean {
    return this.anyAction((a) => a.type === 'group' && a.groupId === group);
  }

  usesMeter(meterId: number): boolean {
    return this.instructions.some((i) => i.type === 'meter' && i.meterId === meterId);
  }

  private packets(): bigint {
    return this.flags & FlowModFlags.NO_PKT_COUNTS ? COUNTER_UNAVAILABLE : BigInt(this.packetCount);
  }

  private bytes(): bigint {
    return this.flags & FlowModFlags.NO_BYT_COUNTS ? COUNTER_UNAVAILABLE : BigInt(this.byteCount);
  }

  /** Milliseconds installed at `now` (never negative). */
  private age(now: number): number {
    return Math.max(0, now - this.installedAt);
  }

  toFlowStats(now: number): FlowStats {
    const ms = this.age(now);
    const durationSec = Math.floor(ms / 1000);
    return {
      tableId: this.tableId,
      durationSec,
      durationNsec: Math.round((ms - durationSec * 1000) * 1e6),
      priority: this.priority,
      idleTimeout: this.idleTimeout,
      hardTimeout: this.hardTimeout,
      flags: this.flags,
      cookie: this.cookie,
      packetCount: this.packets(),
      byteCount: this.bytes(),
      match: this.match,
      instructions: this.instructions,
    };
  }

  toFlowRemoved(reason: number, now: number, xid = 0): FlowRemoved {
    const ms = this.age(now);
    const durationSec = Math.floor(ms / 1000);
    return {
      type: 'flow_removed',
      xid,
      cookie: this.cookie,
      priority: this.priority,
      reason,
      tableId: this.tableId,
      durationSec,
      durationNsec: Math.round((ms - durationSec * 1000) * 1e6),
      idleTimeout: this.idleTimeout,
      hardTimeout: this.hardTimeout,
      packetCount: this.packets(),
      byteCount: this.bytes(),
      match: this.match,
    };
  }
}
