/**
 * Reconcile on switch-up, against a switch that already holds flows (as after a
 * controller restart): l2-learning adopts its learned flows (the MAC table is rebuilt
 * from them, they stay installed), deletes only stale ones, each strictly, adds only
 * what is missing, never deletes its flows wholesale and never touches another app's
 * flows. When the flows cannot be read it falls back to a clean start.
 */
import { afterEach, expect, test } from 'vitest';
import { L2_COOKIE } from '../../apps/l2-learning/index.js';
import {
  type FlowMod,
  FlowModCommand,
  type FlowStats,
  matchGet,
  OFPP,
} from '../../src/codec/index.js';
import { flowStats } from '../engine/helpers.js';
import { ethFrame } from '../engine/packet-helpers.js';
import type { FakeSwitch } from '../runtime/fake-switch.js';
import {
  l2Learning,
  packetIn,
  startTestController,
  type TestController,
} from './support/controller.js';
import { connectPeer } from './support/peer.js';
import { until } from './support/wait.js';

const A = 0x02_00_00_00_00_0a;
const B = 0x02_00_00_00_00_0b;
const C = 0x02_00_00_00_00_0c;
const OTHER_COOKIE = 0x1234_0000_0000_0001n;

function flow(f: Partial<FlowStats> & Pick<FlowStats, 'match' | 'instructions'>): FlowStats {
  return flowStats({
    durationSec: 30,
    priority: 1,
    idleTimeout: 60,
    flags: 1,
    cookie: L2_COOKIE,
    packetCount: 10n,
    byteCount: 980n,
    ...f,
  });
}
const out = (port: number, maxLen = 0) => [
  { type: 'apply_actions' as const, actions: [{ type: 'output' as const, port, maxLen }] },
];
const pair = (inPort: number, src: number, dst: number, outPort: number) =>
  flow({
    match: [
      { field: 'in_port', value: inPort },
      { field: 'eth_src', value: src },
      { field: 'eth_dst', value: dst },
    ],
    instructions: out(outPort),
  });
const TABLE_MISS = flow({
  priority: 0,
  idleTimeout: 0,
  flags: 0,
  match: [],
  instructions: out(OFPP.CONTROLLER, 0xffff),
});

let tc: TestController | undefined;
let sw: FakeSwitch | undefined;

afterEach(async () => {
  await sw?.close();
  await tc?.stop();
  sw = undefined;
  tc = undefined;
});

/** Connects a switch holding `flows`; resolves with the FLOW_MODs sent up to switch-up. */
async function reconnect(flows: readonly FlowStats[], dpid = 0x4ecn): Promise<FlowMod[]> {
  tc = await startTestController([l2Learning()]);
  sw = await connectPeer(tc.port, { dpid, flows });
  expect(await until(() => tc!.records.some((r) => r.msg === 'flows reconciled'))).toBe(true);
  // A barrier after the reconcile: everything it sent is before the reply.
  const dp = tc.controller.appHandles(tc.controller.registry.get(dpid)!)[0]!;
  await dp.barrier();
  return sw.all('flow_mod');
}

test('valid learned flows are adopted: no blanket delete, nothing re-added', async () => {
  const stalePort = pair(9, C, A, 1); // port 9 is gone
  const oddShape = flow({ match: [{ field: 'eth_dst', value: A }], instructions: out(1) });
  const foreign = { ...pair(1, A, B, 2), cookie: OTHER_COOKIE, priority: 7 };
  const mods = await reconnect([
    TABLE_MISS,
    pair(1, A, B, 2),
    pair(2, B, A, 1),
    stalePort,
    oddShape,
    foreign,
  ]);

  expect(mods.filter((m) => m.command === FlowModCommand.DELETE)).toEqual([]);
  expect(mods.filter((m) => m.command === FlowModCommand.ADD)).toEqual([]);
  const deletes = mods.filter((m) => m.command === FlowModCommand.DELETE_STRICT);
  expect(deletes.map((m) => [m.priority, m.match, m.cookie, m.cookieMask])).toEqual([
    [1, stalePort.match, L2_COOKIE, 0xffff_ffff_ffff_ffffn],
    [1, oddShape.match, L2_COOKIE, 0xffff_ffff_ffff_ffffn],
  ]);
  const rec = tc!.records.find((r) => r.msg === 'flows reconciled')!;
  expect([rec.kept, rec.deleted, rec.added, rec.macs]).toEqual([3, 2, 0, 2]);

  // The MAC table came back from the flows: C (new, port 3) to A goes straight to port 1.
  const from = sw!.received.length;
  sw!.send(packetIn(0, 3, ethFrame(A, C)));
  const fm = await sw!.waitFor('flow_mod', () => true, from);
  expect(matchGet(fm.match, 'eth_dst')?.value).toBe(A);
  expect(fm.instructions).toEqual(out(1));
  const po = await sw!.waitFor('packet_out', () => true, from);
  expect(po.actions).toEqual([{ type: 'output', port: 1, maxLen: 0 }]);
});

test('a missing table-miss flow is added, and only that', async () => {
  const mods = await reconnect([pair(1, A, B, 2)]);
  expect(mods).toHaveLength(1);
  expect(mods[0]!.command).toBe(FlowModCommand.ADD);
  expect([mods[0]!.priority, mods[0]!.match, mods[0]!.cookie]).toEqual([0, [], L2_COOKIE]);
  expect(mods[0]!.instructions).toEqual(out(OFPP.CONTROLLER, 0xffff));
});

test('flows that disagree about where a MAC lives are both deleted', async () => {
  const onPort1 = pair(1, A, B, 2);
  const onPort3 = pair(3, A, B, 2);
  const mods = await reconnect([TABLE_MISS, onPort1, onPort3, pair(2, B, C, 3)]);
  const deleted = mods.filter((m) => m.command === FlowModCommand.DELETE_STRICT);
  expect(deleted.map((m) => m.match)).toEqual([onPort1.match, onPort3.match]);
  expect(mods).toHaveLength(2);
});

test('when the flows cannot be read, the app starts clean (cookie-scoped delete, table-miss)', async () => {
  tc = await startTestController([l2Learning()]);
  sw = await connectPeer(tc.port, { dpid: 0x4edn, handshake: false });
  const f = await sw.waitFor('features_request');
  sw.send({
    type: 'features_reply',
    xid: f.xid,
    datapathId: 0x4edn,
    nBuffers: 0,
    nTables: 254,
    auxiliaryId: 0,
    capabilities: 0,
    reserved: 0,
  });
  const desc = await sw.waitFor('multipart_request', (m) => m.body.kind === 'port_desc');
  sw.send({
    type: 'multipart_reply',
    xid: desc.xid,
    flags: 0,
    body: { kind: 'port_desc', ports: [] },
  });
  const stats = await sw.waitFor('multipart_request', (m) => m.body.kind === 'flow');
  sw.send({ type: 'error', xid: stats.xid, errType: 1, code: 2, data: Buffer.alloc(0) });
  const add = await sw.waitFor('flow_mod', (m) => m.command === FlowModCommand.ADD);
  const del = sw.all('flow_mod').find((m) => m.command === FlowModCommand.DELETE)!;
  expect([del.tableId, del.cookie, del.cookieMask]).toEqual([
    0xff,
    L2_COOKIE,
    0xffff_0000_0000_0000n,
  ]);
  expect([add.priority, add.match]).toEqual([0, []]);
  expect(tc.records.some((r) => r.event === 'reconcile' && r.level === 50)).toBe(true);
});
