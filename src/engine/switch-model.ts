/**
 * SwitchModel: one datapath's OpenFlow state as a switch would hold it (tables, groups,
 * meters, ports, counters, timeouts), driven by the messages a controller sends and by
 * an injectable clock, and able to say what it would do with a packet. The controller
 * keeps one per datapath to answer "where does this packet go" and to compare with the
 * flows a real switch reports (compare.ts).
 */
import {
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  type FlowModTemplateLayout,
  type FlowRemoved,
  type FlowStats,
  type FlowStatsFilter,
  type GroupDesc,
  type GroupMod,
  type GroupStats,
  type MeterConfig,
  type MeterMod,
  type MeterStats,
  OFPERR,
  OFPG_ALL,
  OFPM_ALL,
  type OfpError,
  ofpError,
  type PacketOut,
  type PortMod,
  type Result,
  type TableStats,
} from '../codec/index.js';
import { checkActions } from './action-check.js';
import type { CheckContext } from './action-facts.js';
import { type FlowEntry, FlowRemovedReason } from './flow-entry.js';
import { applyFlowMod } from './flow-mod.js';
import { FlowTable } from './flow-table.js';
import { GroupTable } from './groups.js';
import { MatchKey } from './match-key.js';
import { MeterTable } from './meters.js';
import {
  type PipelineParts,
  type PipelineResult,
  processPacket,
  processPacketOut,
} from './pipeline.js';
import { PortSet, type PortSpec } from './ports.js';
import { SlotShape } from './slot-add.js';
import { type AggregateStats, ALL_FLOWS, aggregateStats, flowStats, tableStats } from './stats.js';

export interface FlowRemovedEvent {
  readonly reason: number;
  readonly entry: FlowEntry;
  /** The FLOW_REMOVED a switch sends (only for entries with OFPFF_SEND_FLOW_REM). */
  readonly message: FlowRemoved | undefined;
}

export interface SwitchModelOptions {
  /** Number of flow tables, 1..255 (default 255, as Open vSwitch). */
  readonly nTables?: number;
  /** Standard ports (numbers or descriptions). */
  readonly ports?: readonly (PortSpec | number)[];
  /** Milliseconds, monotonic; drives timeouts, durations and meters (default Date.now). */
  readonly clock?: () => number;
  /** Entry limit per table (one number for all, or per table id): OFPFMFC_TABLE_FULL. */
  readonly tableSize?: number | Readonly<Record<number, number>>;
  /** FLOOD and ALL include OFPP_LOCAL (Open vSwitch's behaviour; the spec's is false). */
  readonly floodToLocal?: boolean;
  /** Group buckets run as action sets (spec, default) or as ordered lists (Open vSwitch). */
  readonly bucketsAsSets?: boolean;
  /** A table miss without a table-miss entry still runs the action set (Open vSwitch). */
  readonly missRunsActionSet?: boolean;
  /** Send packets whose TTL expires to the controller (OFPC_INVALID_TTL_TO_CONTROLLER). */
  readonly invalidTtlToController?: boolean;
  readonly onFlowRemoved?: (event: FlowRemovedEvent) => void;
}

export interface ExpireOptions {
  /** Leave entries with OFPFF_SEND_FLOW_REM in place (default false). */
  readonly keepNotified?: boolean;
}

export class SwitchModel {
  readonly nTables: number;
  readonly tables: readonly FlowTable[];
  readonly groups = new GroupTable();
  readonly meters = new MeterTable();
  readonly ports: PortSet;
  private readonly readClock: () => number;
  /**
   * The clock's first reading. Times inside the model (entries' installation and last
   * use, groups, meters) count from it: small integers, which V8 keeps in an entry
   * without a boxed number (Date.now() values are too big for that).
   */
  private origin: number | undefined = undefined;
  private readonly parts: PipelineParts;
  private readonly listeners: ((e: FlowRemovedEvent) => void)[] = [];
  private readonly ctx: CheckContext;
  /** Scratch for FLOW_MOD matches in key form (one FLOW_MOD at a time). */
  private readonly key = new MatchKey();
  /** FLOW_MOD templates compiled for this model (null: not eligible for the fast path). */
  private readonly shapes = new Map<FlowModTemplateLayout, SlotShape | null>();

  constructor(opts: SwitchModelOptions = {}) {
    const n = opts.nTables ?? 255;
    if (!Number.isInteger(n) || n < 1 || n > 255) {
      throw new RangeError(`nTables must be 1..255, got ${n}`);
    }
    this.nTables = n;
    const size = (id: number) =>
      typeof opts.tableSize === 'number' ? opts.tableSize : opts.tableSize?.[id];
    this.tables = Array.from({ length: n }, (_, id) => new FlowTable(id, size(id)));
    this.ports = new PortSet(opts.ports ?? [], opts.floodToLocal ?? false);
    this.readClock = opts.clock ?? Date.now;
    if (opts.onFlowRemoved) this.listeners.push(opts.onFlowRemoved);
    this.ctx = {
      nTables: n,
      hasGroup: (g) => this.groups.has(g),
      hasMeter: (m) => this.meters.has(m),
    };
    this.parts = {
      tables: this.tables,
      groups: this.groups,
      meters: this.meters,
      ports: this.ports,
      bucketsAsSets: opts.bucketsAsSets ?? true,
      invalidTtlToController: opts.invalidTtlToController ?? false,
      missRunsActionSet: opts.missRunsActionSet ?? false,
    };
  }

  /** Listens for removed flows (DELETE, timeouts, group/meter deletion); returns an unsubscribe. */
  onFlowRemoved(listener: (e: FlowRemovedEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The clock's reading (the caller's timescale). */
  now(): number {
    return this.readClock();
  }

  /** Model time of clock reading `t`. */
  private since(t: number): number {
    if (this.origin === undefined) this.origin = t;
    return t - this.origin;
  }

  /** The model's time now. */
  private clock(): number {
    return this.since(this.readClock());
  }

  /** Reports removed entries to the listeners; returns the events. */
  private removed(entries: readonly FlowEntry[], reason: number, now: number): FlowRemovedEvent[] {
    const events = entries.map((entry) => ({
      reason,
      entry,
      message:
        entry.flags & FlowModFlags.SEND_FLOW_REM ? entry.toFlowRemoved(reason, now) : undefined,
    }));
    for (const e of events) for (const l of [...this.listeners]) l(e);
    return events;
  }

  /** Applies a FLOW_MOD; returns the error the switch would send, or undefined. */
  applyFlowMod(fm: FlowMod): OfpError | undefined {
    // Only an ADD reads the time (reading the clock costs as much as a small FLOW_MOD).
    const now = fm.command === FlowModCommand.ADD ? this.clock() : 0;
    const out = applyFlowMod(this.tables, fm, this.ctx, now, this.key);
    if (out.error) return out.error;
    // Nobody to tell: skip building the events (and their FLOW_REMOVED messages).
    if (out.removed.length > 0 && this.listeners.length > 0) {
      this.removed(out.removed, FlowRemovedReason.DELETE, this.clock());
    }
    return undefined;
  }

  /**
   * Applies the ADD a FLOW_MOD template's current bytes encode, read from its slots (see
   * slot-add.ts); false when it must go through applyFlowMod instead (the message the
   * template encodes), which the caller then does. Nothing is reported to listeners: an
   * ADD removes nothing.
   */
  applyTemplate(layout: FlowModTemplateLayout): boolean {
    let shape = this.shapes.get(layout);
    if (shape === undefined) {
      shape = SlotShape.compile(layout, this.tables, this.ctx) ?? null;
      this.shapes.set(layout, shape);
    }
    return shape?.apply(this.clock(), this.key) === true;
  }

  /** Applies a GROUP_MOD; deleting a group removes the flows that output to it. */
  applyGroupMod(gm: GroupMod): OfpError | undefined {
    const now = this.clock();
    const out = this.groups.apply(gm, this.ctx, now);
    if (out.error) return out.error;
    if (out.deleted.length > 0) {
      const gone = new Set(out.deleted);
      const hit = this.allEntries().filter((e) =>
        e.actions().some((a) => a.type === 'group' && gone.has(a.groupId)),
      );
      for (const e of hit) this.tables[e.tableId]!.remove(e);
      this.removed(hit, FlowRemovedReason.GROUP_DELETE, now);
    }
    return undefined;
  }

  /** Applies a METER_MOD; deleting a meter removes the flows that use it. */
  applyMeterMod(mm: MeterMod): OfpError | undefined {
    const now = this.clock();
    const out = this.meters.apply(mm, now);
    if (out.error) return out.error;
    if (out.deleted.length > 0) {
      const gone = new Set(out.deleted);
      const hit = this.allEntries().filter((e) => [...gone].some((m) => e.usesMeter(m)));
      for (const e of hit) this.tables[e.tableId]!.remove(e);
      this.removed(hit, FlowRemovedReason.DELETE, now);
    }
    return undefined;
  }

  /** Applies a PORT_MOD (config bits under mask); OFPPMFC_BAD_PORT for an unknown port. */
  applyPortMod(pm: PortMod): OfpError | undefined {
    const p = this.ports.get(pm.portNo);
    if (!p) return ofpError(OFPERR.OFPPMFC_BAD_PORT, `port ${pm.portNo} does not exist`);
    p.config = (p.config & ~pm.mask) | (pm.config & pm.mask);
    return undefined;
  }

  /** Sets a port's state bits (link down, blocked, live), as a PORT_STATUS would report. */
  setPortState(portNo: number, state: number): void {
    const p = this.ports.get(portNo);
    if (!p) throw new RangeError(`port ${portNo} does not exist`);
    p.state = state;
  }

  /**
   * Removes entries whose idle or hard timeout has passed at clock reading `at` (default
   * now); returns the events.
   * With `keepNotified`, entries that asked for FLOW_REMOVED (OFPFF_SEND_FLOW_REM) stay:
   * a model that does not see the traffic learns of their expiry from the switch.
   */
  expire(at = this.readClock(), opts: ExpireOptions = {}): FlowRemovedEvent[] {
    const now = this.since(at);
    const events: FlowRemovedEvent[] = [];
    const skip = opts.keepNotified === true ? FlowModFlags.SEND_FLOW_REM : 0;
    for (const t of this.tables) {
      if (t.activeCount === 0) continue;
      const due: FlowEntry[] = [];
      const reasons: number[] = [];
      t.cls.forEach((r) => {
        const e = r.data;
        if (e.flags & skip || (e.idleTimeout === 0 && e.hardTimeout === 0)) return;
        const reason = e.expiry(now);
        if (reason === undefined) return;
        due.push(e);
        reasons.push(reason);
      });
      for (let i = 0; i < due.length; i++) {
        t.remove(due[i]!);
        events.push(...this.removed([due[i]!], reasons[i]!, now));
      }
    }
    return events;
  }

  /** What the switch does with `bytes` arriving on `inPort`. */
  process(
    bytes: Uint8Array,
    inPort: number,
    opts: { inPhyPort?: number; tunnelId?: bigint } = {},
  ): PipelineResult {
    return processPacket(this.parts, bytes, inPort, { now: this.clock(), ...opts });
  }

  /** Executes a PACKET_OUT (its actions checked first, as a switch does). */
  packetOut(po: PacketOut): Result<PipelineResult> {
    const e = checkActions(po.actions, this.ctx, { facts: undefined, packetOut: true });
    if (e) return { ok: false, error: e };
    return { ok: true, value: processPacketOut(this.parts, po, { now: this.clock() }) };
  }

  /** Every installed entry, table by table. */
  allEntries(): FlowEntry[] {
    return this.tables.flatMap((t) => t.entries());
  }

  flowStats(filter: FlowStatsFilter = ALL_FLOWS): Result<FlowStats[]> {
    return flowStats(this.tables, filter, this.clock());
  }

  aggregate(filter: FlowStatsFilter = ALL_FLOWS): Result<AggregateStats> {
    return aggregateStats(this.tables, filter);
  }

  tableStats(): TableStats[] {
    return tableStats(this.tables);
  }

  groupStats(groupId = OFPG_ALL): GroupStats[] {
    return this.groups.stats(
      groupId,
      this.clock(),
      (g) => this.allEntries().filter((e) => e.usesGroup(g)).length,
    );
  }

  groupDesc(): GroupDesc[] {
    return this.groups.desc();
  }

  meterStats(meterId = OFPM_ALL): MeterStats[] {
    return this.meters.stats(
      meterId,
      this.clock(),
      (m) => this.allEntries().filter((e) => e.usesMeter(m)).length,
    );
  }

  meterConfig(meterId = OFPM_ALL): MeterConfig[] {
    return this.meters.config(meterId);
  }
}
