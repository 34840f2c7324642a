/**
 * A failing app harms nobody else: with two apps loaded, one whose handlers throw (and
 * reject, when async) and the real l2-learning after it, every failure is logged with
 * the app, the event and the datapath ID, rate limited; the switch stays connected and
 * l2-learning still gets every event and answers every packet-in.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FlowModCommand } from '../../src/codec/index.js';
import { type AppDefinition, defineApp, formatDpid } from '../../src/runtime/internal.js';
import { type FakeSwitch, makePort } from '../runtime/fake-switch.js';
import {
  type LogRecord,
  l2Learning,
  roundTrip,
  startTestController,
  type TestController,
  whenReady,
} from './support/controller.js';
import { connectPeer } from './support/peer.js';
import { until } from './support/wait.js';

const DPID = 0xa11_0000_0001n;
const calls: string[] = [];

const thrower = defineApp({
  name: 'thrower',
  create: () => ({
    switchUp() {
      calls.push('switchUp');
      throw new Error('switchUp exploded');
    },
    packetIn() {
      calls.push('packetIn');
      throw new TypeError('packetIn exploded');
    },
    async portStatus() {
      calls.push('portStatus');
      throw new RangeError('portStatus rejected');
    },
  }),
}) as AppDefinition<unknown>;

let tc: TestController;
let sw: FakeSwitch;

beforeAll(async () => {
  tc = await startTestController([{ def: thrower, config: undefined }, l2Learning()]);
  sw = await connectPeer(tc.port, { dpid: DPID });
  await whenReady(sw);
});

afterAll(async () => {
  await sw?.close();
  await tc?.stop();
});

const failures = (event: string): LogRecord[] =>
  tc.records.filter((r) => r.app === 'thrower' && r.event === event && r.level === 50);

test('a switchUp that throws is logged; the next app still sets the switch up', () => {
  expect(calls).toContain('switchUp');
  const [rec] = failures('switchUp');
  expect(rec?.dpid).toBe(formatDpid(DPID));
  expect(rec?.msg).toMatch(/thrower: switchUp handler failed/);
  expect((rec?.err as { message?: string })?.message).toBe('switchUp exploded');
  // l2-learning ran after it: the table-miss flow came (whenReady) and the switch is up.
  expect(tc.controller.registry.get(DPID)?.state).toBe('ready');
});

test('packet-ins keep being served by l2-learning while the first app throws on each', async () => {
  for (let i = 0; i < 20; i++) await roundTrip(sw);
  expect(calls.filter((c) => c === 'packetIn')).toHaveLength(40);
  const logged = failures('packetIn');
  // Rate limited (at most 5 per 5 s per app), each with the datapath and the event.
  expect(logged.length).toBeGreaterThan(0);
  expect(logged.length).toBeLessThanOrEqual(5);
  for (const r of logged) {
    expect(r.dpid).toBe(formatDpid(DPID));
    expect((r.err as { message?: string }).message).toBe('packetIn exploded');
  }
  expect(sw.isClosed).toBe(false);
  expect(tc.records.some((r) => r.msg === 'switch down')).toBe(false);
});

test('a rejected async handler is logged too, and the event still reaches the other app', async () => {
  const from = sw.received.length;
  sw.send({
    type: 'port_status',
    xid: 0,
    reason: 2,
    port: { ...makePort(2), state: 1 },
  });
  // l2-learning reacts to a port going down by deleting the flows to and from it.
  const del = await sw.waitFor(
    'flow_mod',
    (m) => m.command === FlowModCommand.DELETE && m.outPort === 2,
    from,
  );
  expect(del.outPort).toBe(2);
  expect(await until(() => failures('portStatus').length === 1)).toBe(true);
  expect((failures('portStatus')[0]!.err as { message?: string }).message).toBe(
    'portStatus rejected',
  );
  expect(sw.isClosed).toBe(false);
});
