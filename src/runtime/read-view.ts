/**
 * The runtime's read view for the northbound API: what the controller knows about each
 * connected switch (dpid, peer, since when, ports, tables, apps, role, counters), its
 * flows from the controller's model (a page at a time) or live from the switch, and its
 * port statistics. Plain JSON-ready objects; nothing here changes a switch.
 */
import type { FlowStats, PortStats } from '../codec/index.js';
import type { Connection } from './connection.js';
import type { Controller } from './controller.js';
import type { PortView } from './events.js';
import { portViews } from './port-view.js';

export interface SwitchCounters {
  readonly packetIns: number;
  readonly flowMods: number;
  readonly packetOuts: number;
  readonly errors: number;
}

export interface SwitchSummary {
  readonly dpid: string;
  readonly peer: string;
  /** ISO 8601. */
  readonly connectedSince: string;
  readonly nTables: number;
  readonly nBuffers: number;
  readonly ports: PortView[];
  readonly apps: string[];
  readonly role: string;
  /** Whether the controller keeps a model of this switch's flows. */
  readonly flowModel: boolean;
  readonly counters: SwitchCounters;
}

export interface FlowPage {
  /** Flows in the whole table set (before paging). */
  readonly total: number;
  readonly offset: number;
  readonly flows: readonly FlowStats[];
}

/** OFPTT_ALL, OFPP_ANY, OFPG_ANY. */
const ALL_TABLES = 0xff;
const ANY = 0xffffffff;

/** `0x1`, `1`, `00:00:00:00:00:00:00:01`, `0000000000000001` -> 1n; undefined when not a dpid. */
export function parseDpid(s: string): bigint | undefined {
  const hex = s.replace(/^0x/i, '').replaceAll(':', '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return undefined;
  return BigInt(`0x${hex}`);
}

/** How long a paging snapshot of a model's flows is reused while nothing was sent. */
const SNAPSHOT_MS = 5000;

interface Snapshot {
  readonly flows: readonly { toFlowStats(now: number): FlowStats }[] | readonly FlowStats[];
  readonly lazy: boolean;
  readonly flowMods: number;
  readonly removed: number;
  readonly at: number;
}

/** The engine model's entries, when the model is the engine's (they convert one by one). */
interface EntriesModel {
  readonly model: {
    allEntries(): { toFlowStats(now: number): FlowStats }[];
    /** The model's time (private in the engine: flowmodel's read view will replace this). */
    clock(): number;
  };
}

function hasEntries(m: object): m is EntriesModel {
  const inner = (m as { model?: { allEntries?: unknown } }).model;
  return typeof inner?.allEntries === 'function';
}

export class RuntimeView {
  /**
   * Per connection, the flows of its model as of the last page asked for: paging through
   * 100 000 flows reads the model once, not once per page, and pages stay consistent
   * while the controller sends nothing to that switch.
   */
  private readonly snapshots = new WeakMap<Connection, Snapshot>();

  constructor(private readonly controller: Controller) {}

  get switchCount(): number {
    return this.controller.registry.size;
  }

  connection(dpid: bigint): Connection | undefined {
    return this.controller.registry.get(dpid);
  }

  switches(): SwitchSummary[] {
    const out: SwitchSummary[] = [];
    for (const c of this.controller.registry.values()) out.push(this.summary(c));
    return out.sort((a, b) => (a.dpid < b.dpid ? -1 : a.dpid > b.dpid ? 1 : 0));
  }

  summary(c: Connection): SwitchSummary {
    const f = c.features!;
    const sent = c.sent;
    return {
      dpid: c.dpidHex,
      peer: c.peer,
      connectedSince: new Date(c.connectedAt).toISOString(),
      nTables: f.nTables,
      nBuffers: f.nBuffers,
      ports: portViews(c.ports),
      apps: this.controller.appHandles(c).length > 0 ? [...this.controller.appNames] : [],
      role: c.role,
      flowModel: c.model !== undefined,
      counters: {
        packetIns: c.stats.packetIns,
        flowMods: sent.flowMods,
        packetOuts: sent.packetOuts,
        errors: c.stats.errors,
      },
    };
  }

  /** A page of the flows the controller's model holds; undefined without a model. */
  modelFlows(c: Connection, offset: number, limit: number): FlowPage | undefined {
    const model = c.model;
    if (!model) return undefined;
    const now = Date.now();
    let snap = this.snapshots.get(c);
    if (
      !snap ||
      snap.flowMods !== c.sent.flowMods ||
      snap.removed !== c.stats.flowsRemoved ||
      now - snap.at > SNAPSHOT_MS ||
      offset === 0
    ) {
      snap = hasEntries(model)
        ? {
            flows: model.model.allEntries(),
            lazy: true,
            flowMods: c.sent.flowMods,
            removed: c.stats.flowsRemoved,
            at: now,
          }
        : {
            flows: model.flows(),
            lazy: false,
            flowMods: c.sent.flowMods,
            removed: c.stats.flowsRemoved,
            at: now,
          };
      this.snapshots.set(c, snap);
    }
    const page = snap.flows.slice(offset, offset + limit);
    const t = snap.lazy ? (model as unknown as EntriesModel).model.clock() : 0;
    const flows = snap.lazy
      ? (page as { toFlowStats(now: number): FlowStats }[]).map((e) => e.toFlowStats(t))
      : (page as FlowStats[]);
    return { total: snap.flows.length, offset, flows };
  }

  /** A page of the switch's own flows (a flow-stats request). */
  async liveFlows(
    c: Connection,
    offset: number,
    limit: number,
    timeoutMs?: number,
  ): Promise<FlowPage> {
    const reply = await c.request(
      {
        type: 'multipart_request',
        xid: c.nextXid(),
        flags: 0,
        body: {
          kind: 'flow',
          tableId: ALL_TABLES,
          outPort: ANY,
          outGroup: ANY,
          cookie: 0n,
          cookieMask: 0n,
          match: [],
        },
      },
      timeoutMs,
    );
    const all = reply.body.kind === 'flow' ? reply.body.flows : [];
    return { total: all.length, offset, flows: all.slice(offset, offset + limit) };
  }

  /** Every port's statistics, from the switch. */
  async portStats(c: Connection, timeoutMs?: number): Promise<readonly PortStats[]> {
    const reply = await c.request(
      {
        type: 'multipart_request',
        xid: c.nextXid(),
        flags: 0,
        body: { kind: 'port_stats', portNo: ANY },
      },
      timeoutMs,
    );
    return reply.body.kind === 'port_stats' ? reply.body.ports : [];
  }
}
