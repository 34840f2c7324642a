/**
 * Builders shared by the engine tests (and the runtime, app and reliability tests):
 * FLOW_MOD, flow stats, FLOW_REMOVED, PACKET_IN, GROUP_MOD and METER_MOD with neutral
 * defaults.
 */
import type {
  Action,
  Bucket,
  FlowMod,
  FlowRemoved,
  FlowStats,
  GroupMod,
  Instruction,
  Match,
  MeterMod,
  OfpError,
  PacketIn,
} from '../../src/codec/index.js';
import { errorCodeName, OFP_NO_BUFFER, OFPP } from '../../src/codec/index.js';

export function flowMod(p: Partial<FlowMod> & { match?: Match }): FlowMod {
  return {
    type: 'flow_mod',
    xid: 0,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 100,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: 0xffffffff,
    flags: 0,
    match: [],
    instructions: [],
    ...p,
  };
}

/** A flow-stats entry with zero counters and durations. */
export function flowStats(p: Partial<FlowStats>): FlowStats {
  return {
    tableId: 0,
    durationSec: 0,
    durationNsec: 0,
    priority: 100,
    idleTimeout: 0,
    hardTimeout: 0,
    flags: 0,
    cookie: 0n,
    packetCount: 0n,
    byteCount: 0n,
    match: [],
    instructions: [],
    ...p,
  };
}

/** A FLOW_REMOVED (reason IDLE_TIMEOUT) with zero counters and durations. */
export function flowRemoved(p: Partial<FlowRemoved>): FlowRemoved {
  return {
    type: 'flow_removed',
    xid: 0,
    cookie: 0n,
    priority: 100,
    reason: 0,
    tableId: 0,
    durationSec: 0,
    durationNsec: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    packetCount: 0n,
    byteCount: 0n,
    match: [],
    ...p,
  };
}

/** An unbuffered PACKET_IN (reason NO_MATCH) of `data` (default none), from `inPort` if given. */
export function makePacketIn({ inPort, ...p }: Partial<PacketIn> & { inPort?: number }): PacketIn {
  const data = p.data ?? new Uint8Array(0);
  return {
    type: 'packet_in',
    xid: 0,
    bufferId: OFP_NO_BUFFER,
    totalLen: data.length,
    reason: 0,
    tableId: 0,
    cookie: 0n,
    match: inPort === undefined ? [] : [{ field: 'in_port', value: inPort }],
    ...p,
    data,
  };
}

export const apply = (...actions: Action[]): Instruction => ({ type: 'apply_actions', actions });
export const write = (...actions: Action[]): Instruction => ({ type: 'write_actions', actions });
export const goto = (tableId: number): Instruction => ({ type: 'goto_table', tableId });
export const out = (port: number, maxLen = 0xffff): Action => ({ type: 'output', port, maxLen });

export function groupMod(p: Partial<GroupMod>): GroupMod {
  return { type: 'group_mod', xid: 0, command: 0, groupType: 0, groupId: 1, buckets: [], ...p };
}

export function bucket(actions: Action[], p: Partial<Bucket> = {}): Bucket {
  return { weight: 0, watchPort: OFPP.ANY, watchGroup: 0xffffffff, actions, ...p };
}

export function meterMod(p: Partial<MeterMod>): MeterMod {
  return { type: 'meter_mod', xid: 0, command: 0, flags: 2, meterId: 1, bands: [], ...p };
}

/** The spec name of an error, for readable assertions ('OFPFMFC_OVERLAP'). */
export function errName(e: OfpError | undefined): string | undefined {
  return e === undefined ? undefined : (errorCodeName(e.type, e.code) ?? `${e.type}/${e.code}`);
}

/** A controllable clock in milliseconds. */
export function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
