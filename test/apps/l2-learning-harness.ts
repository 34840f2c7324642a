/**
 * Test harness for the l2-learning app without a switch: the real Datapath handle over a
 * test port (test/runtime/test-port.ts) that records every message as it would go on the wire,
 * builders for Ethernet frames, PACKET_INs and PORT_STATUS messages, and a simulated
 * switch that runs the app's flows in the engine's SwitchModel.
 */

import l2, { L2_COOKIE } from '../../apps/l2-learning/index.js';
import type { Message, PacketIn, Port, PortStatus } from '../../src/codec/index.js';
import { SwitchModel } from '../../src/engine/index.js';
import { type AppHandlers, createLogger, DatapathHandle } from '../../src/runtime/internal.js';
import { makePacketIn } from '../engine/helpers.js';
import { ethFrame } from '../engine/packet-helpers.js';
import { makePort } from '../runtime/fake-switch.js';
import { TestPort } from '../runtime/test-port.js';

const silentLog = createLogger({ level: 'silent', pretty: false, stream: { write() {} } });

export interface FakeDatapath {
  readonly dp: DatapathHandle;
  /** Everything sent so far, in order. */
  readonly sent: Message[];
  readonly ports: Map<number, Port>;
  /** Messages sent since the last call. */
  take(): Message[];
}

export function port(portNo: number, state = 0, config = 0): Port {
  return { ...makePort(portNo, `p${portNo}`, state), config };
}

/** A handle for app index 0 on a test port of `dpid` with ports 1..nPorts. */
export function fakeDatapath(dpid: bigint, nPorts = 4): FakeDatapath {
  const ports = new Map<number, Port>();
  for (let i = 1; i <= nPorts; i++) ports.set(i, port(i));
  const testPort = new TestPort({ dpid, ports, log: silentLog });
  const sent = testPort.sent;
  const dp = new DatapathHandle(testPort, 0, l2.name, l2.cookie);
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
  return l2.create({
    name: l2.name,
    config,
    log: silentLog,
    datapaths: () => new Map(),
    ovsdb: undefined,
  });
}

/** `02:00:00:00:00:01` -> 0x020000000001. */
export function mac(s: string): number {
  return Number.parseInt(s.replaceAll(':', ''), 16);
}

/** A 60-byte Ethernet frame (IPv4 ethertype) with a marker byte in the payload. */
export function frame(dst: string, src: string, marker = 0): Uint8Array {
  const f = ethFrame(mac(dst), mac(src));
  f[14] = marker;
  return f;
}

export function packetIn(inPort: number, data: Uint8Array, cookie = L2_COOKIE): PacketIn {
  return makePacketIn({ inPort, data, cookie });
}

/** OFPPR_ADD 0, DELETE 1, MODIFY 2. */
export function portStatus(reason: number, p: Port): PortStatus {
  return { type: 'port_status', xid: 0, reason, port: p };
}

/**
 * The app driving the engine's SwitchModel: flow-mods are applied to the model,
 * packet-outs executed by it, and a frame's packet-ins delivered to the app, so a test
 * can ask where a frame goes, whether by installed flows or through the controller.
 */
export class SimulatedSwitch {
  readonly model: SwitchModel;
  readonly fake: FakeDatapath;
  /** Packet-ins the app has been given. */
  packetIns = 0;

  constructor(
    readonly app: AppHandlers,
    nPorts: number,
    dpid = 1n,
  ) {
    this.fake = fakeDatapath(dpid, nPorts);
    this.model = new SwitchModel({ nTables: 254, ports: [...this.fake.ports.keys()] });
    app.switchUp!(this.fake.dp);
    this.drain();
  }

  /** A frame arrives on `inPort`: the ports it leaves by, and whether the controller saw it. */
  deliver(data: Uint8Array, inPort: number): { ports: number[]; viaController: boolean } {
    const r = this.model.process(data, inPort);
    const ports = r.outputs.map((o) => o.port);
    for (const pi of r.packetIns) {
      this.packetIns++;
      this.app.packetIn!(this.fake.dp, {
        type: 'packet_in',
        xid: 0,
        bufferId: 0xffffffff,
        totalLen: pi.totalLen,
        reason: pi.reason,
        tableId: pi.tableId,
        cookie: pi.cookie,
        match: pi.match,
        data: pi.data,
      });
      ports.push(...this.drain());
    }
    return { ports: ports.sort((a, b) => a - b), viaController: r.packetIns.length > 0 };
  }

  /** The port's link goes down (or comes back): the model and the app are told. */
  setLink(portNo: number, up: boolean): void {
    const state = up ? 0 : 1;
    this.model.setPortState(portNo, up ? 4 : 1);
    const p = port(portNo, state);
    this.fake.ports.set(portNo, p);
    this.app.portStatus!(this.fake.dp, portStatus(2, p));
    this.drain();
  }

  /** Applies what the app sent since the last call; returns where packet-outs went. */
  private drain(): number[] {
    const out: number[] = [];
    for (const m of this.fake.take()) {
      if (m.type === 'flow_mod') {
        const err = this.model.applyFlowMod(m);
        if (err) throw new Error(`the model refused a flow-mod: ${err.message}`);
      } else if (m.type === 'packet_out') {
        const r = this.model.packetOut(m);
        if (!r.ok) throw new Error(`the model refused a packet-out: ${r.error.message}`);
        out.push(...r.value.outputs.map((o) => o.port));
      }
    }
    return out;
  }
}
