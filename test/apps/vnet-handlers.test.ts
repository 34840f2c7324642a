/**
 * The vnet handlers against a fake datapath handle that records what is sent: what a
 * switch gets at connect (fresh, or after a controller restart), on a learning
 * packet-in, on FLOW_REMOVED, on port changes and on a reload, and in what order
 * (deletes, barrier, adds).
 */
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { configFromJson, type VnetConfig } from '../../apps/vnet/config.js';
import { desiredFlows, LEARN_MISS_COOKIE } from '../../apps/vnet/flows.js';
import { createHandlers, type VnetHandlers } from '../../apps/vnet/handlers.js';
import { sourceFlow } from '../../apps/vnet/learning.js';
import { CookieKind, cookie } from '../../apps/vnet/pipeline.js';
import { planDatapath } from '../../apps/vnet/plan.js';
import {
  type FlowMod,
  FlowModCommand,
  type FlowStats,
  type Port,
  type PortStatus,
} from '../../src/codec/index.js';
import type { Datapath, FlowModSpec, Outgoing } from '../../src/runtime/app.js';
import { flowRemoved } from '../engine/helpers.js';
import { makePort } from '../runtime/fake-switch.js';
import { clone, exampleConfig, exampleSection, fmtFlow } from './vnet-support.js';

const silent = pino({ level: 'silent' });
const DPID = 0x11n;

/** A Datapath that records sends as text lines: `ADD ...`, `DEL ...`, `BARRIER`. */
function fakeDatapath(ports: Port[]) {
  const sent: string[] = [];
  const portMap = new Map(ports.map((p) => [p.portNo, p]));
  const record = (m: FlowMod) => {
    const spec = { ...m, instructions: m.instructions };
    if (m.command === FlowModCommand.ADD) sent.push(`ADD ${fmtFlow(spec)}`);
    else if (m.command === FlowModCommand.DELETE_STRICT) {
      sent.push(`DEL ${fmtFlow(spec).split(' -> ')[0]}`);
    } else sent.push(`DELETE cookie=0x${m.cookie.toString(16)}/0x${m.cookieMask.toString(16)}`);
  };
  const dp = {
    dpid: DPID,
    dpidHex: '0000000000000011',
    features: {} as Datapath['features'],
    ports: portMap,
    connected: true,
    log: silent,
    model: undefined,
    send(msg: Outgoing) {
      if (msg.type === 'flow_mod') record({ ...msg, xid: 0 });
      return 0;
    },
    request: () => Promise.reject(new Error('not used')),
    async barrier() {
      sent.push('BARRIER');
    },
    flowMod: () => 0,
    deleteFlows(s: FlowModSpec = {}) {
      sent.push(`DELETE cookie=0x${s.cookie?.toString(16)}/0x${s.cookieMask?.toString(16)}`);
      return 0;
    },
    packetOut: () => 0,
    sendTemplate: () => 0,
    flowStats: async () => [],
    compareWithModel: () => Promise.reject(new Error('not used')),
    role: 'equal' as const,
    mayWrite: true,
  } satisfies Datapath;
  return { dp, sent, portMap };
}

const VLAN_PORTS = () => [
  makePort(1, 'vm1'),
  makePort(3, 'vm3'),
  makePort(5, 'eth1'),
  makePort(0xfffffffe, 'br'),
];

function setup(config: VnetConfig = exampleConfig('vnet-vlan.json'), ports = VLAN_PORTS()) {
  const fake = fakeDatapath(ports);
  const handlers: VnetHandlers = createHandlers({
    config,
    log: silent,
    datapaths: () => new Map([[DPID, fake.dp]]),
    now: () => 0,
  });
  return { ...fake, handlers };
}

function asStats(f: ReturnType<typeof desiredFlows>[number]): FlowStats {
  return { ...f, durationSec: 1, durationNsec: 0, hardTimeout: 0, packetCount: 0n, byteCount: 0n };
}

function packetIn(inPort: number, src: string, vlan: number, c = LEARN_MISS_COOKIE) {
  const data = Buffer.from(
    `ffffffffffff${src.replaceAll(':', '')}8100${vlan.toString(16).padStart(4, '0')}0806`,
    'hex',
  );
  return {
    type: 'packet_in' as const,
    xid: 0,
    bufferId: 0xffffffff,
    totalLen: data.length,
    reason: 1,
    tableId: 1,
    cookie: c,
    match: [{ field: 'in_port' as const, value: inPort }],
    data,
  };
}

const VLAN_SWITCH_PORTS = [
  { name: 'vm1', number: 1 },
  { name: 'vm3', number: 3 },
  { name: 'eth1', number: 5 },
];
const vlanFlows = () =>
  desiredFlows(planDatapath(exampleConfig('vnet-vlan.json'), DPID, VLAN_SWITCH_PORTS)!);
const expectedAdds = () => vlanFlows().map((f) => `ADD ${fmtFlow(f)}`);

describe('switch up', () => {
  test('a fresh switch gets the whole static flow set, then a barrier', async () => {
    const { dp, sent, handlers } = setup();
    handlers.reconcile!(dp, []);
    await handlers.switchUp!(dp);
    expect(sent).toEqual([...expectedAdds(), 'BARRIER']);
  });

  test('after a controller restart: right flows kept, stale deleted, learned dropped', async () => {
    const { dp, sent, handlers } = setup();
    const flows = vlanFlows();
    const stale = { ...flows[0]!, match: [{ field: 'in_port' as const, value: 9 }] };
    const learned = sourceFlow({ vlan: 2, mac: 0x020000000001, port: 1 }, 300);
    handlers.reconcile!(dp, [...flows.slice(1), stale, learned].map(asStats));
    await handlers.switchUp!(dp);
    expect(sent).toEqual([
      'DELETE cookie=0x564e1e0000000000/0xffffff0000000000',
      'DEL t0 p100 in_port=9',
      'BARRIER',
      expectedAdds()[0],
      'BARRIER',
    ]);
  });

  test('a switch the config does not name gets nothing', async () => {
    const { dp, sent, handlers } = setup(exampleConfig('vnet-gre.json'));
    await handlers.switchUp!(dp);
    expect(sent).toEqual(['BARRIER']);
  });
});

describe('events', () => {
  test('a learning packet-in installs the MAC; other packet-ins are ignored', async () => {
    const { dp, sent, handlers } = setup();
    await handlers.switchUp!(dp);
    sent.length = 0;
    handlers.packetIn!(dp, packetIn(5, '02:00:00:00:00:0b', 2, cookie(CookieKind.FLOOD, 2)));
    expect(sent).toEqual([]);
    handlers.packetIn!(dp, packetIn(5, '02:00:00:00:00:0b', 2));
    expect(sent).toEqual([
      'ADD t1 p100 in_port=5,eth_src=0x2000000000b,vlan_vid=0x1002 -> goto:2 [0x564e1e0000000002] idle=300 flags=1',
      'ADD t2 p100 eth_dst=0x2000000000b,vlan_vid=0x1002 -> output:5 [0x564e1e0000000002]',
    ]);
    expect(handlers.macTable(DPID)?.size).toBe(1);
  });

  test('FLOW_REMOVED of a learned source deletes its destination', async () => {
    const { dp, sent, handlers } = setup();
    await handlers.switchUp!(dp);
    handlers.packetIn!(dp, packetIn(1, '02:00:00:00:00:0a', 2));
    sent.length = 0;
    const src = sourceFlow({ vlan: 2, mac: 0x02000000000a, port: 1 }, 300);
    handlers.flowRemoved!(
      dp,
      flowRemoved({
        cookie: src.cookie,
        priority: src.priority,
        tableId: 1,
        durationSec: 300,
        idleTimeout: 300,
        match: src.match,
      }),
    );
    expect(sent).toEqual(['DEL t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1002']);
    expect(handlers.macTable(DPID)?.size).toBe(0);
  });

  test('a configured port that appears later gets its flows; one going down forgets its MACs', async () => {
    const ports = VLAN_PORTS().filter((p) => p.name !== 'vm3');
    const { dp, sent, handlers, portMap } = setup(undefined, ports);
    await handlers.switchUp!(dp);
    handlers.packetIn!(dp, packetIn(1, '02:00:00:00:00:0a', 2));
    sent.length = 0;
    portMap.set(3, makePort(3, 'vm3'));
    const status = (reason: number, p: Port): PortStatus => ({
      type: 'port_status',
      xid: 0,
      reason,
      port: p,
    });
    await handlers.portStatus!(dp, status(0, portMap.get(3)!));
    expect(sent).toEqual([
      'ADD t0 p100 in_port=3,vlan_vid=0x0000 -> push_vlan:0x8100,set_field:vlan_vid=0x1003,goto:1 [0x564e010000000003]',
      'ADD t0 p10 in_port=3 -> drop [0x564e0d0000000003]',
      'ADD t3 p100 in_port=3,vlan_vid=0x1003 -> output:5 [0x564e030000000003]',
      'ADD t3 p100 in_port=5,vlan_vid=0x1003 -> pop_vlan,output:3 [0x564e030000000003]',
      'BARRIER',
    ]);
    sent.length = 0;
    portMap.set(1, makePort(1, 'vm1', 1));
    await handlers.portStatus!(dp, status(2, portMap.get(1)!));
    expect(sent).toEqual([
      'DEL t1 p100 in_port=1,eth_src=0x2000000000a,vlan_vid=0x1002',
      'DEL t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1002',
      'BARRIER',
    ]);
  });

  test('reload: only the difference, deletes then barrier then adds', async () => {
    const { dp, sent, handlers } = setup();
    await handlers.switchUp!(dp);
    handlers.packetIn!(dp, packetIn(1, '02:00:00:00:00:0a', 2));
    handlers.packetIn!(dp, packetIn(5, '02:00:00:00:00:0b', 3));
    sent.length = 0;
    const raw = clone(exampleSection('vnet-vlan.json')) as {
      datapaths: Record<string, { ports: Record<string, unknown> }>;
    };
    raw.datapaths['host1-br-eth1']!.ports.eth1 = { mode: 'trunk', networks: ['vlan2'] };
    const summary = await handlers.reload(configFromJson(raw, 'new.json:'));
    expect(summary).toEqual([
      { dpid: '0000000000000011', removed: 2, added: 1, unchanged: 12, forgotten: 1 },
    ]);
    expect(sent).toEqual([
      'DEL t1 p100 in_port=5,eth_src=0x2000000000b,vlan_vid=0x1003',
      'DEL t2 p100 eth_dst=0x2000000000b,vlan_vid=0x1003',
      'DEL t0 p100 in_port=5,vlan_vid=0x1003',
      'DEL t3 p100 in_port=5,vlan_vid=0x1003',
      'BARRIER',
      'ADD t3 p100 in_port=3,vlan_vid=0x1003 -> drop [0x564e030000000003]',
      'BARRIER',
    ]);
    expect(handlers.config.source).toBe('new.json:');
    expect([...handlers.macTable(DPID)!.entries()].map((e) => e.port)).toEqual([1]);
  });

  test('switch down drops the switch state', async () => {
    const { dp, handlers } = setup();
    await handlers.switchUp!(dp);
    handlers.packetIn!(dp, packetIn(1, '02:00:00:00:00:0a', 2));
    handlers.switchDown!(dp, 'test');
    expect(handlers.macTable(DPID)).toBeUndefined();
  });
});
