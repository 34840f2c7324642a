/**
 * Controller-to-switch state changes (OpenFlow 1.3.5 section 7.3.3-7.3.7):
 * PACKET_OUT, FLOW_MOD, GROUP_MOD, PORT_MOD, TABLE_MOD, METER_MOD.
 */
import { type Action, readActions, writeActions } from '../actions.js';
import { badRequestLen, fail, OFPERR } from '../errors.js';
import { type Instruction, readInstructions, writeInstructions } from '../instructions.js';
import { type Match, readMatch, writeMatch } from '../match.js';
import type { Reader } from '../reader.js';
import { putU16, putU32, type Writer } from '../writer.js';
import {
  type Bucket,
  type MeterBand,
  readBuckets,
  readMeterBands,
  writeBuckets,
  writeMeterBands,
} from './structs.js';

export interface PacketOut {
  readonly type: 'packet_out';
  readonly xid: number;
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly Action[];
  readonly data: Uint8Array;
}

export function decodePacketOut(r: Reader, xid: number): PacketOut {
  const bufferId = r.u32();
  const inPort = r.u32();
  const actionsLen = r.u16();
  r.skip(6);
  if (actionsLen > r.remaining) badRequestLen(`packet_out actions_len ${actionsLen} past end`);
  const actions = readActions(r.sub(actionsLen, 'packet_out actions'));
  return { type: 'packet_out', xid, bufferId, inPort, actions, data: r.rest() };
}

export function encodePacketOut(w: Writer, m: PacketOut): void {
  w.ensure(16);
  const b = w.buf;
  const p = w.pos;
  putU32(b, p, m.bufferId);
  putU32(b, p + 4, m.inPort);
  for (let i = p + 8; i < p + 16; i++) b[i] = 0;
  w.pos = p + 16;
  writeActions(w, m.actions);
  w.patchU16(p + 8, w.pos - p - 16);
  w.bytes(m.data);
}

export const FlowModCommand = {
  ADD: 0,
  MODIFY: 1,
  MODIFY_STRICT: 2,
  DELETE: 3,
  DELETE_STRICT: 4,
} as const;

export const FlowModFlags = {
  SEND_FLOW_REM: 1 << 0,
  CHECK_OVERLAP: 1 << 1,
  RESET_COUNTS: 1 << 2,
  NO_PKT_COUNTS: 1 << 3,
  NO_BYT_COUNTS: 1 << 4,
} as const;

export interface FlowMod {
  readonly type: 'flow_mod';
  readonly xid: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly tableId: number;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly flags: number;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
}

export function decodeFlowMod(r: Reader, xid: number): FlowMod {
  const cookie = r.u64();
  const cookieMask = r.u64();
  const tableId = r.u8();
  const command = r.u8();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u32();
  const outGroup = r.u32();
  const flags = r.u16();
  r.skip(2);
  const match = readMatch(r);
  return {
    type: 'flow_mod',
    xid,
    cookie,
    cookieMask,
    tableId,
    command,
    idleTimeout,
    hardTimeout,
    priority,
    bufferId,
    outPort,
    outGroup,
    flags,
    match,
    instructions: readInstructions(r),
  };
}

export function encodeFlowMod(w: Writer, m: FlowMod): void {
  w.u64(m.cookie);
  w.u64(m.cookieMask);
  w.ensure(24);
  const b = w.buf;
  const p = w.pos;
  b[p] = m.tableId;
  b[p + 1] = m.command;
  putU16(b, p + 2, m.idleTimeout);
  putU16(b, p + 4, m.hardTimeout);
  putU16(b, p + 6, m.priority);
  putU32(b, p + 8, m.bufferId);
  putU32(b, p + 12, m.outPort);
  putU32(b, p + 16, m.outGroup);
  putU16(b, p + 20, m.flags);
  b[p + 22] = 0;
  b[p + 23] = 0;
  w.pos = p + 24;
  writeMatch(w, m.match);
  writeInstructions(w, m.instructions);
}

export interface GroupMod {
  readonly type: 'group_mod';
  readonly xid: number;
  /** ADD 0, MODIFY 1, DELETE 2. */
  readonly command: number;
  /** ALL 0, SELECT 1, INDIRECT 2, FF 3. */
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export function decodeGroupMod(r: Reader, xid: number): GroupMod {
  const command = r.u16();
  const groupType = r.u8();
  r.skip(1);
  const groupId = r.u32();
  return { type: 'group_mod', xid, command, groupType, groupId, buckets: readBuckets(r) };
}

export function encodeGroupMod(w: Writer, m: GroupMod): void {
  w.u16(m.command);
  w.u8(m.groupType);
  w.zeros(1);
  w.u32(m.groupId);
  writeBuckets(w, m.buckets);
}

export interface PortMod {
  readonly type: 'port_mod';
  readonly xid: number;
  readonly portNo: number;
  readonly hwAddr: number;
  readonly config: number;
  readonly mask: number;
  readonly advertise: number;
}

export function decodePortMod(r: Reader, xid: number): PortMod {
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = r.u48();
  r.skip(2);
  const config = r.u32();
  const mask = r.u32();
  const advertise = r.u32();
  r.skip(4);
  return { type: 'port_mod', xid, portNo, hwAddr, config, mask, advertise };
}

export function encodePortMod(w: Writer, m: PortMod): void {
  w.u32(m.portNo);
  w.zeros(4);
  w.u48(m.hwAddr);
  w.zeros(2);
  w.u32(m.config);
  w.u32(m.mask);
  w.u32(m.advertise);
  w.zeros(4);
}

export interface TableMod {
  readonly type: 'table_mod';
  readonly xid: number;
  readonly tableId: number;
  readonly config: number;
}

export function decodeTableMod(r: Reader, xid: number): TableMod {
  const tableId = r.u8();
  r.skip(3);
  return { type: 'table_mod', xid, tableId, config: r.u32() };
}

export function encodeTableMod(w: Writer, m: TableMod): void {
  w.u8(m.tableId);
  w.zeros(3);
  w.u32(m.config);
}

export interface MeterMod {
  readonly type: 'meter_mod';
  readonly xid: number;
  /** ADD 0, MODIFY 1, DELETE 2. */
  readonly command: number;
  /** KBPS 1, PKTPS 2, BURST 4, STATS 8. */
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

const OFPMF_ALL = 0xf;

export function decodeMeterMod(r: Reader, xid: number): MeterMod {
  const command = r.u16();
  const flags = r.u16();
  const meterId = r.u32();
  if (command > 2)
    fail(OFPERR.OFPMMFC_BAD_COMMAND, `meter_mod command ${command} is not ADD, MODIFY or DELETE`);
  if (flags & ~OFPMF_ALL || (flags & 3) === 3) {
    fail(
      OFPERR.OFPMMFC_BAD_FLAGS,
      `meter_mod flags 0x${flags.toString(16)} are invalid (KBPS and PKTPS exclude each other)`,
    );
  }
  return { type: 'meter_mod', xid, command, flags, meterId, bands: readMeterBands(r) };
}

export function encodeMeterMod(w: Writer, m: MeterMod): void {
  w.u16(m.command);
  w.u16(m.flags);
  w.u32(m.meterId);
  writeMeterBands(w, m.bands);
}
