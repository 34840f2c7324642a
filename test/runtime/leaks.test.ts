/**
 * Nothing left behind: after switches connected, were replaced, had requests pending
 * and the controller stopped, every socket and timer the runtime made is gone. In a
 * file of its own so that the baseline is not disturbed by other tests' teardown.
 */
import { expect, test } from 'vitest';
import { ConnectionClosedError } from '../../src/runtime/internal.js';
import { FakeSwitch } from './fake-switch.js';
import { recorder, startController } from './helpers.js';

/** Open handles of the kinds the runtime creates. */
function resources(): Record<string, number> {
  const out: Record<string, number> = { Timeout: 0, TCPSocketWrap: 0, TCPServerWrap: 0 };
  for (const r of process.getActiveResourcesInfo()) if (r in out) out[r]!++;
  return out;
}

/**
 * Polls (from a timer that has already fired, so it does not count itself) until the
 * open handles satisfy `ok`, at most `tries` times; returns the last count either way.
 */
async function settle(ok: (r: Record<string, number>) => boolean, tries = 500) {
  let r = resources();
  for (let i = 0; i < tries && !ok(r); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    r = resources();
  }
  return r;
}
const noSockets = (r: Record<string, number>) => r.TCPSocketWrap === 0 && r.TCPServerWrap === 0;

test('stop() closes every switch, sends switchDown then stop, and leaks nothing', async () => {
  const before = await settle(noSockets);
  expect(noSockets(before)).toBe(true);
  const app = recorder('rec');
  const tc = await startController([app.def], { echoIntervalMs: 1_000, echoTimeoutMs: 1_000 });
  const switches = [
    await FakeSwitch.connect(tc.port, { dpid: 1n }),
    await FakeSwitch.connect(tc.port, { dpid: 2n, barrier: false }),
    await FakeSwitch.connect(tc.port, { dpid: 2n }),
    await FakeSwitch.connect(tc.port, { dpid: 3n, hello: false }),
  ];
  await app.waitFor('switchUp', 3);
  const dp1 = app.handles.get(1n)!;
  const pending = dp1.request({ type: 'get_config_request' }).catch((e: unknown) => e);
  expect(resources().Timeout).toBeGreaterThan(before.Timeout!);

  await tc.stop();
  await Promise.all(switches.map((s) => s.closed));
  expect(await pending).toBeInstanceOf(ConnectionClosedError);
  expect(app.events.filter((e) => e.startsWith('switchDown')).sort()).toEqual([
    'switchDown 1 controller shutting down',
    'switchDown 2 controller shutting down',
    expect.stringMatching(/^switchDown 2 replaced by a new connection/),
  ]);
  expect(app.events.at(-1)).toBe('stop');
  expect(tc.controller.connections.size).toBe(0);
  expect(await settle((r) => noSockets(r) && r.Timeout === before.Timeout)).toEqual(before);
});
