/**
 * Where executed actions leave their results (OpenFlow 1.3.5 sections 5.12, 6.1.2):
 * outputs to ports and reserved ports (IN_PORT, FLOOD, ALL, CONTROLLER, LOCAL, NORMAL,
 * TABLE) and packet-ins, recorded with the packet's bytes and parsed fields as they
 * leave; the state one packet's processing accumulates. The actions themselves are in
 * action-ops.ts, their dispatch in execute.ts.
 */
import {
  type Match,
  OFPCML_NO_BUFFER,
  OFPP,
  type OxmBasic,
  type OxmEntry,
} from '../codec/index.js';
import { keyFields, W } from './flow-key.js';
import type { Packet } from './packet.js';
import type { PortSet } from './ports.js';

/** OFPR_* packet-in reasons. */
export const PacketInReason = { NO_MATCH: 0, ACTION: 1, INVALID_TTL: 2 } as const;

/** A copy of the packet leaving the switch. */
export interface Output {
  /** The port it leaves by: a standard port, OFPP_LOCAL, or OFPP_NORMAL (not modelled). */
  readonly port: number;
  /** The reserved port of the output action that chose `port` (IN_PORT, FLOOD, ALL). */
  readonly via?: number;
  readonly queueId?: number;
  readonly bytes: Uint8Array;
  /** Its header fields as parsed from `bytes` (tunnel_id too when not zero). */
  readonly fields: readonly OxmBasic[];
}

/** A packet sent to the controller (the content of the PACKET_IN a switch would send). */
export interface PacketInRecord {
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  /** The output action's max_len (OFPCML_NO_BUFFER: all of it). */
  readonly maxLen: number;
  readonly totalLen: number;
  readonly data: Uint8Array;
  /** Pipeline fields: in_port, and metadata and tunnel_id when not zero. */
  readonly match: Match;
}

/** What outputs need from the switch. */
export interface OutputEnv {
  readonly ports: PortSet;
  /** OFPC_INVALID_TTL_TO_CONTROLLER is set. */
  readonly invalidTtlToController: boolean;
  /** Runs a packet through the tables from table 0 (output to OFPP_TABLE). */
  readonly resubmit?: ((p: Packet) => void) | undefined;
}

/** Where the results of one packet's processing accumulate. */
export interface ExecState {
  readonly outputs: Output[];
  readonly packetIns: PacketInRecord[];
  /** Human-readable notes for traces (group buckets taken, drops and why). */
  readonly notes: string[];
  queueId: number | undefined;
  /** Table and cookie of the entry whose actions run (for packet-ins). */
  tableId: number;
  cookie: bigint;
  /** The entry is a table-miss entry: controller output reason is NO_MATCH. */
  tableMiss: boolean;
}

export function newExecState(): ExecState {
  return {
    outputs: [],
    packetIns: [],
    notes: [],
    queueId: undefined,
    tableId: 0,
    cookie: 0n,
    tableMiss: false,
  };
}

/** Pipeline fields for a packet-in's match. */
export function pipelineMatch(p: Packet): Match {
  const m: OxmEntry[] = [{ field: 'in_port', value: p.inPort }];
  if (p.key[W.IN_PHY_PORT] !== p.inPort)
    m.push({ field: 'in_phy_port', value: p.key[W.IN_PHY_PORT]! });
  if (p.metadata !== 0n) m.push({ field: 'metadata', value: p.metadata });
  if (p.tunnelId !== 0n) m.push({ field: 'tunnel_id', value: p.tunnelId });
  return m;
}

function emit(p: Packet, port: number, via: number | undefined, st: ExecState): void {
  // Fields are worked out only if someone reads them (most callers want ports or bytes).
  const key = p.key.slice();
  let fields: readonly OxmBasic[] | undefined;
  st.outputs.push({
    port,
    ...(via === undefined ? {} : { via }),
    ...(st.queueId === undefined ? {} : { queueId: st.queueId }),
    bytes: p.bytes.slice(),
    get fields() {
      fields ??= keyFields(key);
      return fields;
    },
  });
}

/** Sends `p` to the controller: a packet-in record. */
export function toController(p: Packet, maxLen: number, reason: number, st: ExecState): void {
  const data = maxLen === OFPCML_NO_BUFFER ? p.bytes.slice() : p.bytes.slice(0, maxLen);
  st.packetIns.push({
    reason,
    tableId: st.tableId,
    cookie: st.cookie,
    maxLen,
    totalLen: p.bytes.length,
    data,
    match: pipelineMatch(p),
  });
}

/** An output action to `port` (a standard or reserved port). */
export function output(
  p: Packet,
  port: number,
  maxLen: number,
  env: OutputEnv,
  st: ExecState,
): void {
  const inPort = p.inPort;
  switch (port) {
    case OFPP.IN_PORT:
      if (inPort === OFPP.LOCAL || env.ports.canSend(inPort)) emit(p, inPort, port, st);
      else st.notes.push(`output to IN_PORT ${inPort}: port cannot send, dropped`);
      return;
    case OFPP.FLOOD:
    case OFPP.ALL:
      for (const q of env.ports.expand(port, inPort)) emit(p, q, port, st);
      return;
    case OFPP.CONTROLLER:
      toController(p, maxLen, st.tableMiss ? PacketInReason.NO_MATCH : PacketInReason.ACTION, st);
      return;
    case OFPP.LOCAL:
    case OFPP.NORMAL:
      emit(p, port, undefined, st);
      return;
    case OFPP.TABLE:
      if (env.resubmit) env.resubmit(p.clone());
      else st.notes.push('output to TABLE outside a packet-out: ignored');
      return;
    default:
      if (port === inPort) st.notes.push(`output to ingress port ${port} without IN_PORT: dropped`);
      else if (!env.ports.canSend(port))
        st.notes.push(`output to port ${port}: no such port or down`);
      else emit(p, port, undefined, st);
  }
}
