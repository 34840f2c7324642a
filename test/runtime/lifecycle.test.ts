/**
 * Connection life cycle: many switches told apart by dpid, a reconnecting switch
 * replacing its old connection (switchDown then switchUp, pending requests rejected),
 * and shutdown (leaks.test.ts checks that nothing is left behind).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ConnectionClosedError } from '../../src/runtime/internal.js';
import { makePacketIn } from '../engine/helpers.js';
import { FakeSwitch } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
const switches: FakeSwitch[] = [];

async function connect(opts: Parameters<typeof FakeSwitch.connect>[1] = {}) {
  const sw = await FakeSwitch.connect(tc!.port, opts);
  switches.push(sw);
  return sw;
}

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await tc?.stop();
  tc = undefined;
});

describe('many switches', () => {
  test('switches are told apart by datapath ID and events carry the right handle', async () => {
    const seen: string[] = [];
    const app = recorder('rec', {
      packetIn(dp, m) {
        seen.push(`${dp.dpid}:${m.xid}`);
      },
    });
    tc = await startController([app.def]);
    const sws = await Promise.all([1n, 2n, 3n, 4n, 5n, 6n].map((dpid) => connect({ dpid })));
    await app.waitFor('switchUp', 6);
    expect(tc.controller.registry.size).toBe(6);
    for (const sw of sws) {
      sw.send(makePacketIn({ xid: Number(sw.dpid) * 100 }));
    }
    await app.waitFor('packetIn', 6);
    expect(seen.sort()).toEqual(['1:100', '2:200', '3:300', '4:400', '5:500', '6:600']);
    expect(new Set([...app.handles.values()]).size).toBe(6);
  });
});

describe('reconnection', () => {
  test('a switch reconnecting with the same dpid replaces the old connection cleanly', async () => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    const first = await connect({ dpid: 7n, barrier: false });
    await app.waitFor('switchUp 7');
    const oldDp = app.handles.get(7n)!;
    const waiting = oldDp.barrier().catch((e: unknown) => e);
    await first.waitFor('barrier_request');

    const second = await connect({ dpid: 7n });
    await app.waitFor('switchUp 7', 2);
    await first.closed;
    expect(await waiting).toBeInstanceOf(ConnectionClosedError);
    expect(app.events).toEqual([
      'switchUp 7',
      expect.stringMatching(/^switchDown 7 replaced by a new connection from 127\.0\.0\.1:/),
      'switchUp 7',
    ]);
    expect(oldDp.connected).toBe(false);
    const newDp = app.handles.get(7n)!;
    expect(newDp).not.toBe(oldDp);
    expect(newDp.connected).toBe(true);
    expect(tc.controller.registry.size).toBe(1);
    expect(tc.controller.connections.size).toBe(1);
    // Sends on the stale handle go nowhere; the new one works.
    oldDp.flowMod({ priority: 9 });
    await newDp.barrier();
    expect(second.isClosed).toBe(false);
    expect(first.all('flow_mod').filter((m) => m.priority === 9)).toHaveLength(0);
  });

  test('after stop() the listener is closed', async () => {
    tc = await startController([]);
    const { port } = tc;
    await tc.stop();
    tc = undefined;
    await expect(FakeSwitch.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
