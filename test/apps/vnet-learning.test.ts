/**
 * MAC learning as pure functions: what a learning packet-in installs, a MAC that moves,
 * frames that must not be learned, FLOW_REMOVED of an idle source, and which learned
 * MACs survive a plan change.
 */
import { describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import { addFlowMod } from '../../apps/vnet/flow-set.js';
import {
  destinationFlow,
  forgetPort,
  learn,
  onSourceRemoved,
  parseFrameHeader,
  REINSTALL_AFTER_MS,
  reconcileLearned,
  sourceFlow,
} from '../../apps/vnet/learning.js';
import { formatMac, MacTable, parseMac } from '../../apps/vnet/mac-table.js';
import { planDatapath } from '../../apps/vnet/plan.js';
import { type FlowMod, FlowModCommand, type FlowRemoved } from '../../src/codec/index.js';
import { flowRemoved } from '../engine/helpers.js';
import { ethFrame } from '../engine/packet-helpers.js';
import { exampleConfig, fmtFlow, VLAN_HOST1_PORTS } from './vnet-support.js';

const config = exampleConfig('vnet-vlan.json');
const plan = planDatapath(config, 0x11n, VLAN_HOST1_PORTS)!;
const A = parseMac('02:00:00:00:00:0a');
const B = parseMac('02:00:00:00:00:0b');
const IDLE = 300;

/** A flow-mod as `ADD <flow>` or `DEL t<table> p<prio> <match>`. */
function fmt(m: FlowMod): string {
  const spec = {
    tableId: m.tableId,
    priority: m.priority,
    match: m.match,
    instructions: m.instructions,
    cookie: m.cookie,
    idleTimeout: m.idleTimeout,
    flags: m.flags,
  };
  if (m.command === FlowModCommand.ADD) return `ADD ${fmtFlow(spec)}`;
  expect(m.command).toBe(FlowModCommand.DELETE_STRICT);
  return `DEL ${fmtFlow(spec).split(' -> ')[0]}`;
}

const frame = (src: number, dst: number, vlan?: number) => ethFrame(dst, src, 0x0806, vlan);

function learnAt(table: MacTable, inPort: number, src: number, vlan: number | undefined, now = 0) {
  const header = parseFrameHeader(frame(src, B, vlan))!;
  return learn({ plan, table, inPort, frame: header, idleTimeout: IDLE, now });
}

describe('frame headers', () => {
  test('tagged, untagged and truncated frames', () => {
    expect(parseFrameHeader(frame(A, B, 2))).toEqual({ dst: B, src: A, vlan: 2 });
    expect(parseFrameHeader(frame(A, B, 0x2003))).toEqual({ dst: B, src: A, vlan: 3 });
    expect(parseFrameHeader(frame(A, B))).toEqual({ dst: B, src: A, vlan: undefined });
    expect(parseFrameHeader(frame(A, B, 2).subarray(0, 16))).toBeUndefined();
    expect(parseFrameHeader(new Uint8Array(13))).toBeUndefined();
  });

  test('MAC text round trip', () => {
    expect(formatMac(A)).toBe('02:00:00:00:00:0a');
    expect(formatMac(parseMac('ff:ee:dd:cc:bb:aa'))).toBe('ff:ee:dd:cc:bb:aa');
    expect(() => parseMac('02:00:00:00:00')).toThrow('bad MAC');
  });
});

describe('learn', () => {
  test('a new MAC on an access port: source flow with idle timeout, destination pops', () => {
    const table = new MacTable();
    const out = learnAt(table, 1, A, 2);
    expect(out.kind).toBe('learned');
    expect(out.mods.map(fmt)).toEqual([
      'ADD t1 p100 in_port=1,eth_src=0x2000000000a,vlan_vid=0x1002 -> goto:2 [0x564e1e0000000002] idle=300 flags=1',
      'ADD t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1002 -> pop_vlan,output:1 [0x564e1e0000000002]',
    ]);
    expect(table.get(2, A)).toEqual({ vlan: 2, mac: A, port: 1, installedAt: 0 });
  });

  test('a MAC behind the trunk keeps its tag on the way out', () => {
    const out = learnAt(new MacTable(), 5, A, 3);
    expect(out.mods.map(fmt)[1]).toBe(
      'ADD t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1003 -> output:5 [0x564e1e0000000003]',
    );
  });

  test('a MAC that moves: old source flow deleted, destination replaced', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    const out = learnAt(table, 5, A, 2, 10);
    expect(out).toMatchObject({ kind: 'moved', from: 1 });
    expect(out.mods.map(fmt)).toEqual([
      'DEL t1 p100 in_port=1,eth_src=0x2000000000a,vlan_vid=0x1002',
      'ADD t1 p100 in_port=5,eth_src=0x2000000000a,vlan_vid=0x1002 -> goto:2 [0x564e1e0000000002] idle=300 flags=1',
      'ADD t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1002 -> output:5 [0x564e1e0000000002]',
    ]);
    expect(table.get(2, A)?.port).toBe(5);
  });

  test('the same MAC on the same port: nothing while flows are in flight, re-sent after', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2, 1000);
    expect(learnAt(table, 1, A, 2, 1000 + REINSTALL_AFTER_MS - 1)).toMatchObject({
      kind: 'ignored',
      mods: [],
    });
    const again = learnAt(table, 1, A, 2, 1000 + REINSTALL_AFTER_MS);
    expect(again.kind).toBe('refreshed');
    expect(again.mods).toHaveLength(2);
  });

  test('the same MAC on two VLANs is two entries', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    expect(learnAt(table, 3, A, 3).kind).toBe('learned');
    expect(table.size).toBe(2);
  });

  test.each([
    ['an untagged frame', 1, A, undefined, 'frame carries no internal VLAN tag'],
    ['a multicast source', 1, parseMac('03:00:00:00:00:01'), 2, 'multicast source address'],
    ['a port outside the VLAN', 3, A, 2, 'port 3 is not a member of VLAN 2'],
    ['an unknown port', 42, A, 2, 'port 42 is not a member of VLAN 2'],
  ])('ignores %s', (_what, port, src, vlan, reason) => {
    const table = new MacTable();
    expect(learnAt(table, port, src, vlan)).toEqual({ kind: 'ignored', reason, mods: [] });
    expect(table.size).toBe(0);
  });
});

function removed(port: number, mac: number, vlan: number, tableId = 1): FlowRemoved {
  const f = sourceFlow({ port, mac, vlan }, IDLE);
  return flowRemoved({
    cookie: f.cookie,
    priority: f.priority,
    tableId,
    durationSec: 300,
    idleTimeout: IDLE,
    packetCount: 1n,
    byteCount: 64n,
    match: f.match,
  });
}

describe('flow removed', () => {
  test('an idle source forgets the MAC and deletes its destination flow', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    expect(onSourceRemoved(table, removed(1, A, 2)).map(fmt)).toEqual([
      'DEL t2 p100 eth_dst=0x2000000000a,vlan_vid=0x1002',
    ]);
    expect(table.size).toBe(0);
  });

  test('the old source flow of a moved MAC changes nothing', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    learnAt(table, 5, A, 2);
    expect(onSourceRemoved(table, removed(1, A, 2))).toEqual([]);
    expect(table.get(2, A)?.port).toBe(5);
  });

  test('unknown MACs and other tables are ignored', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    expect(onSourceRemoved(table, removed(1, B, 2))).toEqual([]);
    expect(onSourceRemoved(table, removed(1, A, 2, 2))).toEqual([]);
    expect(table.size).toBe(1);
  });
});

describe('plan changes', () => {
  test('MACs on unchanged VLANs keep their flows; moved or removed ones are forgotten', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2); // vm1, VLAN 2: untouched by the change
    learnAt(table, 3, B, 3); // vm3, VLAN 3: vm3 moves to VLAN 2
    learnAt(table, 5, B, 2); // behind the trunk on VLAN 2: untouched
    const next = planDatapath(
      configFromJson(
        {
          networks: { vlan2: { vlan: 2 }, vlan3: { vlan: 3 } },
          datapaths: {
            h1: {
              dpid: '0x11',
              ports: {
                vm1: { mode: 'access', network: 'vlan2' },
                vm3: { mode: 'access', network: 'vlan2' },
                eth1: { mode: 'trunk', networks: ['vlan2', 'vlan3'] },
              },
            },
          },
        },
        'next.json:',
      ),
      0x11n,
      VLAN_HOST1_PORTS,
    );
    expect(reconcileLearned(plan, next, table).map(fmt)).toEqual([
      'DEL t1 p100 in_port=3,eth_src=0x2000000000b,vlan_vid=0x1003',
      'DEL t2 p100 eth_dst=0x2000000000b,vlan_vid=0x1003',
    ]);
    expect([...table.entries()].map((e) => [e.vlan, e.port])).toEqual([
      [2, 1],
      [2, 5],
    ]);
  });

  test('a tunnel key change forgets the MACs behind that tunnel', () => {
    const gre = exampleConfig('vnet-gre.json');
    const ports = [
      { name: 'vm1', number: 1 },
      { name: 'gre0', number: 10 },
    ];
    const before = planDatapath(gre, 1n, ports)!;
    const rekeyed = {
      networks: { 'tenant-a': { vlan: 10, tunnelKey: 101 } },
      datapaths: {
        h: {
          dpid: 1,
          ports: {
            vm1: { mode: 'access', network: 'tenant-a' },
            gre0: { mode: 'tunnel', networks: ['tenant-a'] },
          },
        },
      },
    };
    const after = planDatapath(configFromJson(rekeyed, 'x:'), 1n, ports);
    const table = new MacTable();
    for (const [inPort, src] of [
      [1, A],
      [10, B],
    ] as const) {
      const frame = { src, dst: B, vlan: 10 };
      learn({ plan: before, table, inPort, frame, idleTimeout: IDLE, now: 0 });
    }
    const mods = reconcileLearned(before, after, table);
    expect(mods.map(fmt)).toEqual([
      'DEL t1 p100 in_port=10,eth_src=0x2000000000b,vlan_vid=0x100a',
      'DEL t2 p100 eth_dst=0x2000000000b,vlan_vid=0x100a',
    ]);
    expect([...table.entries()].map((e) => e.port)).toEqual([1]);
  });

  test('the datapath leaving the config forgets everything; forgetPort one port', () => {
    const table = new MacTable();
    learnAt(table, 1, A, 2);
    learnAt(table, 5, B, 2);
    const copy = new MacTable();
    for (const e of table.entries()) copy.set(e);
    expect(forgetPort(table, 5).map(fmt)).toEqual([
      'DEL t1 p100 in_port=5,eth_src=0x2000000000b,vlan_vid=0x1002',
      'DEL t2 p100 eth_dst=0x2000000000b,vlan_vid=0x1002',
    ]);
    expect(table.size).toBe(1);
    expect(reconcileLearned(plan, undefined, copy)).toHaveLength(4);
    expect(copy.size).toBe(0);
  });

  test('learned flows are ordinary adds of the source and destination specs', () => {
    const e = { vlan: 2, mac: A, port: 1 };
    const m = plan.ports[0]!.memberships[0]!;
    const table = new MacTable();
    expect(learnAt(table, 1, A, 2).mods).toEqual([
      addFlowMod(sourceFlow(e, IDLE)),
      addFlowMod(destinationFlow(e, m)),
    ]);
  });
});
