/**
 * Test harness for the l2-learning app without a switch: real DatapathHandles over a
 * stub connection that records every message exactly as it would go on the wire, and
 * builders for Ethernet frames, PACKET_INs and PORT_STATUS messages.
 */

import l2, { L2_COOKIE } from '../../apps/l2-learning/index.js';
import type { Message, PacketIn, Port, PortStatus } from '../../src/codec/index.js';
import {
  type AppHandlers,
  type Connection,
  createLogger,
  DatapathHandle,
  formatDpid,
} from '../../src/runtime/index.js';

export const silentLog = createLogger({ level: 'silent', pretty: false, stream: { write() {} } });

export interface FakeDatapath {
  readonly dp: DatapathHandle;
  /** Everything sent so far, in order. */
  readonly sent: Message[];
  readonly ports: Map<number, Port>;
  /** Messages sent since the last call. */
  take(): Message[];
}

export function port(portNo: number, state = 0, config = 0): Port {
  return {
    portNo,
    hwAddr: 0x0a0000000000 + portNo,
    name: `p${portNo}`,
    config,
    state,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeed: 0,
    maxSpeed: 0,
  };
}

/** A handle for app index 0 on a stub connection of `dpid` with ports 1..nPorts. */
export function fakeDatapath(dpid: bigint, nPorts = 4): FakeDatapath {
  const sent: Message[] = [];
  const ports = new Map<number, Port>();
  for (let i = 1; i <= nPorts; i++) ports.set(i, port(i));
  let xid = 100;
  const conn = {
    log: silentLog,
    dpid,
    dpidHex: formatDpid(dpid),
    ports,
    state: 'ready',
    model: undefined,
    features: {
      datapathId: dpid,
      nBuffers: 0,
      nTables: 254,
      auxiliaryId: 0,
      capabilities: 0,
      reserved: 0,
    },
    nextXid: () => ++xid,
    send: (m: Message) => sent.push(m),
  } as unknown as Connection;
  const dp = new DatapathHandle(conn, 0, l2.name, l2.cookie);
  dp.active = true;
  let seen = 0;
  return {
    dp,
    sent,
    ports,
    take() {
      const out = sent.slice(seen);
      seen = sent.length;
      return out;
    },
  };
}

/** The app's handlers with the given config section (defaults when undefined). */
export function l2Handlers(raw?: unknown): AppHandlers {
  const config = l2.validateConfig!(raw, 'test: appConfig.l2-learning');
  return l2.create({ name: l2.name, config, log: silentLog, datapaths: () => new Map() });
}

/** `02:00:00:00:00:01` -> 0x020000000001. */
export function mac(s: string): number {
  return Number.parseInt(s.replaceAll(':', ''), 16);
}

/** A 60-byte Ethernet frame (IPv4 ethertype) with a marker byte in the payload. */
export function frame(dst: string, src: string, marker = 0): Uint8Array {
  const f = Buffer.alloc(60);
  Buffer.from(dst.replaceAll(':', ''), 'hex').copy(f, 0);
  Buffer.from(src.replaceAll(':', ''), 'hex').copy(f, 6);
  f.writeUInt16BE(0x0800, 12);
  f[14] = marker;
  return f;
}

export function packetIn(inPort: number, data: Uint8Array, cookie = L2_COOKIE): PacketIn {
  return {
    type: 'packet_in',
    xid: 0,
    bufferId: 0xffffffff,
    totalLen: data.length,
    reason: 0,
    tableId: 0,
    cookie,
    match: [{ field: 'in_port', value: inPort }],
    data,
  };
}

/** OFPPR_ADD 0, DELETE 1, MODIFY 2. */
export function portStatus(reason: number, p: Port): PortStatus {
  return { type: 'port_status', xid: 0, reason, port: p };
}
