/** Asynchronous messages (OpenFlow 1.3.5 section 7.4): PACKET_IN, FLOW_REMOVED, PORT_STATUS. */
import { type Match, readMatch, writeMatch } from '../match.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type Port, readPort, writePort } from './structs.js';

export const OFP_NO_BUFFER = 0xffffffff;

export interface PacketIn {
  readonly type: 'packet_in';
  readonly xid: number;
  readonly bufferId: number;
  readonly totalLen: number;
  /** OFPR_NO_MATCH 0, OFPR_ACTION 1, OFPR_INVALID_TTL 2. */
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly match: Match;
  /** The frame (a view into the received bytes; copy it to keep it past the callback). */
  readonly data: Uint8Array;
}

export function decodePacketIn(r: Reader, xid: number): PacketIn {
  const bufferId = r.u32();
  const totalLen = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const cookie = r.u64();
  const match = readMatch(r);
  r.skip(2);
  return {
    type: 'packet_in',
    xid,
    bufferId,
    totalLen,
    reason,
    tableId,
    cookie,
    match,
    data: r.rest(),
  };
}

export function encodePacketIn(w: Writer, m: PacketIn): void {
  w.u32(m.bufferId);
  w.u16(m.totalLen);
  w.u8(m.reason);
  w.u8(m.tableId);
  w.u64(m.cookie);
  writeMatch(w, m.match);
  w.zeros(2);
  w.bytes(m.data);
}

export interface FlowRemoved {
  readonly type: 'flow_removed';
  readonly xid: number;
  readonly cookie: bigint;
  readonly priority: number;
  /** IDLE_TIMEOUT 0, HARD_TIMEOUT 1, DELETE 2, GROUP_DELETE 3, (1.4+: METER_DELETE 4). */
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
}

export function decodeFlowRemoved(r: Reader, xid: number): FlowRemoved {
  return {
    type: 'flow_removed',
    xid,
    cookie: r.u64(),
    priority: r.u16(),
    reason: r.u8(),
    tableId: r.u8(),
    durationSec: r.u32(),
    durationNsec: r.u32(),
    idleTimeout: r.u16(),
    hardTimeout: r.u16(),
    packetCount: r.u64(),
    byteCount: r.u64(),
    match: readMatch(r),
  };
}

export function encodeFlowRemoved(w: Writer, m: FlowRemoved): void {
  w.u64(m.cookie);
  w.u16(m.priority);
  w.u8(m.reason);
  w.u8(m.tableId);
  w.u32(m.durationSec);
  w.u32(m.durationNsec);
  w.u16(m.idleTimeout);
  w.u16(m.hardTimeout);
  w.u64(m.packetCount);
  w.u64(m.byteCount);
  writeMatch(w, m.match);
}

export interface PortStatus {
  readonly type: 'port_status';
  readonly xid: number;
  /** ADD 0, DELETE 1, MODIFY 2. */
  readonly reason: number;
  readonly port: Port;
}

export function decodePortStatus(r: Reader, xid: number): PortStatus {
  const reason = r.u8();
  r.skip(7);
  return { type: 'port_status', xid, reason, port: readPort(r) };
}

export function encodePortStatus(w: Writer, m: PortStatus): void {
  w.u8(m.reason);
  w.zeros(7);
  writePort(w, m.port);
}
