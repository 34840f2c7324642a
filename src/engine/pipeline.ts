/**
 * The OpenFlow pipeline (OpenFlow 1.3.5 sections 5.1-5.10): a packet enters table 0 with
 * an empty action set and metadata 0; in each table the best entry's instructions run
 * in the spec's order (meter, apply-actions, clear-actions, write-actions,
 * write-metadata, goto-table); without goto-table the action set runs and the packet is
 * done. A table miss without a table-miss entry drops the packet (the action set is
 * discarded; Open vSwitch runs it instead, available as an option). The result says which entry matched in each table and what left the
 * switch, where, with which headers.
 */
import type { Action, OxmBasic, PacketOut } from '../codec/index.js';
import { ActionSet } from './action-set.js';
import {
  type ExecEnv,
  type ExecState,
  newExecState,
  type Output,
  type PacketInRecord,
  runActions,
} from './execute.js';
import type { FlowEntry } from './flow-entry.js';
import { keyFields } from './flow-key.js';
import type { FlowTable } from './flow-table.js';
import type { GroupTable } from './groups.js';
import { executionOrder } from './instruction-check.js';
import { type InstructionRun, instructionOps } from './instruction-ops.js';
import type { MeterTable } from './meters.js';
import { Packet } from './packet.js';
import type { PortSet } from './ports.js';

/** One table the packet went through. */
export interface TableVisit {
  readonly tableId: number;
  /** The entry that matched, or undefined for a miss without a table-miss entry. */
  readonly entry: FlowEntry | undefined;
  /** The packet's fields (pipeline fields included) as it entered the table. */
  readonly fields: readonly OxmBasic[];
}

export interface PipelineResult {
  readonly visits: readonly TableVisit[];
  readonly outputs: readonly Output[];
  readonly packetIns: readonly PacketInRecord[];
  /** The action set executed at the end (empty when the packet stopped early). */
  readonly actionSet: readonly Action[];
  /** The packet as it stood when processing ended (pipeline fields included). */
  readonly finalFields: readonly OxmBasic[];
  readonly finalBytes: Uint8Array;
  /** Why copies were not sent, groups taken, TTL expiry, meter drops, ... */
  readonly notes: readonly string[];
  /** Nothing left the switch: no output and no packet-in. */
  readonly dropped: boolean;
}

/** Everything the pipeline reads and counts into. */
export interface PipelineParts {
  readonly tables: readonly FlowTable[];
  readonly groups: GroupTable;
  readonly meters: MeterTable;
  readonly ports: PortSet;
  readonly bucketsAsSets: boolean;
  readonly invalidTtlToController: boolean;
  /**
   * A miss without a table-miss entry still runs the action set written so far, as in
   * Open vSwitch; the spec (5.4) drops the packet, action set included.
   */
  readonly missRunsActionSet: boolean;
}

export interface ProcessOptions {
  readonly now: number;
  readonly inPhyPort?: number;
  readonly tunnelId?: bigint;
}

/** A visit whose fields are worked out from a copy of the key when first read. */
function visit(tableId: number, entry: FlowEntry | undefined, key: Uint32Array): TableVisit {
  let fields: readonly OxmBasic[] | undefined;
  return {
    tableId,
    entry,
    get fields() {
      fields ??= keyFields(key, true);
      return fields;
    },
  };
}

interface Run {
  readonly visits: TableVisit[];
  readonly st: ExecState;
  actionSet: Action[];
  last: Packet;
}

function walk(parts: PipelineParts, pkt: Packet, now: number, run: Run, env: ExecEnv): void {
  const set = new ActionSet();
  const len = pkt.bytes.length;
  let tableId: number | undefined = 0;
  run.last = pkt;
  while (tableId !== undefined) {
    const table = parts.tables[tableId]!;
    const entry = table.lookup(pkt.key);
    run.visits.push(visit(tableId, entry, pkt.key.slice()));
    if (!entry) {
      if (!parts.missRunsActionSet) {
        run.st.notes.push(`table ${tableId}: no match and no table-miss entry, dropped`);
        return;
      }
      run.st.notes.push(`table ${tableId}: no match and no table-miss entry, action set runs`);
      break;
    }
    entry.hit(len, now);
    run.st.tableId = tableId;
    run.st.cookie = entry.cookie;
    run.st.tableMiss = entry.isTableMiss;
    const r: InstructionRun = {
      pkt,
      set,
      env,
      st: run.st,
      meters: parts.meters,
      now,
      next: undefined,
    };
    const list = executionOrder(entry.instructions);
    for (let i = 0; i < list.length; i++) {
      const ins = list[i]!;
      if (!instructionOps(ins.type).run(ins, r)) return;
    }
    const next = r.next;
    tableId = next;
  }
  run.actionSet = set.ordered();
  runActions(pkt, run.actionSet, env, run.st);
}

function finish(run: Run): PipelineResult {
  const st = run.st;
  const key = run.last.key.slice();
  let finalFields: readonly OxmBasic[] | undefined;
  return {
    visits: run.visits,
    outputs: st.outputs,
    packetIns: st.packetIns,
    actionSet: run.actionSet,
    get finalFields() {
      finalFields ??= keyFields(key, true);
      return finalFields;
    },
    finalBytes: run.last.bytes,
    notes: st.notes,
    dropped: st.outputs.length === 0 && st.packetIns.length === 0,
  };
}

function newRun(pkt: Packet): Run {
  return { visits: [], st: newExecState(), actionSet: [], last: pkt };
}

/** Runs a frame received on `inPort` through the pipeline. */
export function processPacket(
  parts: PipelineParts,
  bytes: Uint8Array,
  inPort: number,
  opts: ProcessOptions,
): PipelineResult {
  const pkt = new Packet(bytes.slice(), inPort, opts.inPhyPort ?? inPort);
  if (opts.tunnelId !== undefined) pkt.tunnelId = opts.tunnelId;
  const run = newRun(pkt);
  if (!parts.ports.canReceive(inPort)) {
    run.st.notes.push(`port ${inPort} does not receive (no such port, down or NO_RECV)`);
    return finish(run);
  }
  const env: ExecEnv = {
    ports: parts.ports,
    groups: parts.groups,
    bucketsAsSets: parts.bucketsAsSets,
    invalidTtlToController: parts.invalidTtlToController,
  };
  walk(parts, pkt, opts.now, run, env);
  return finish(run);
}

/**
 * Executes a PACKET_OUT's actions on its data (checked by the caller); an output to
 * OFPP_TABLE runs the packet through the tables from table 0.
 */
export function processPacketOut(
  parts: PipelineParts,
  po: PacketOut,
  opts: ProcessOptions,
): PipelineResult {
  const pkt = new Packet(po.data.slice(), po.inPort);
  const run = newRun(pkt);
  const env: ExecEnv = {
    ports: parts.ports,
    groups: parts.groups,
    bucketsAsSets: parts.bucketsAsSets,
    invalidTtlToController: parts.invalidTtlToController,
    resubmit: (p) => walk(parts, p, opts.now, run, { ...env, resubmit: undefined }),
  };
  runActions(pkt, po.actions, env, run.st);
  return finish(run);
}
