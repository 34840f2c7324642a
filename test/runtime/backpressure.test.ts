/**
 * Back-pressure against a switch that does not read: past the soft limit the controller
 * stops reading that switch and resumes once it drains; a backlog that does not drain
 * within the echo timeout, or that passes the hard limit, disconnects the switch. No
 * amount of output is buffered without bound.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Datapath } from '../../src/runtime/internal.js';
import { FakeSwitch } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
let sw: FakeSwitch | undefined;

afterEach(async () => {
  await sw?.close();
  await tc?.stop();
  sw = undefined;
  tc = undefined;
});

const BIG = Buffer.alloc(60_000, 0xab);
const packetOut = (dp: Datapath) => dp.packetOut({ actions: [], data: BIG });

/** Starts a controller and a fake switch that has stopped reading its socket. */
async function stalledSwitch(opts: { soft: number; hard: number; stallMs: number }) {
  const app = recorder('rec');
  tc = await startController([app.def], {
    outputSoftLimit: opts.soft,
    outputHardLimit: opts.hard,
    echoTimeoutMs: opts.stallMs,
  });
  sw = await FakeSwitch.connect(tc.port, { dpid: 9n });
  await app.waitFor('switchUp 9');
  sw.socket.pause();
  const conn = tc.controller.registry.get(9n)!;
  return { app, conn, dp: app.handles.get(9n)! };
}

/** Sends 480 KB per event-loop turn until the controller stops reading (or the switch drops). */
async function fillUntilPaused(dp: Datapath, paused: () => boolean): Promise<number> {
  let sent = 0;
  while (!paused() && dp.connected) {
    for (let i = 0; i < 8; i++) packetOut(dp);
    sent += 8 * BIG.length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

describe('back-pressure', () => {
  test('past the soft limit reading stops; when the switch drains it resumes', async () => {
    const { app, conn, dp } = await stalledSwitch({
      soft: 256 * 1024,
      hard: 64 * 1024 * 1024,
      stallMs: 60_000,
    });
    const sent = await fillUntilPaused(dp, () => conn.readingPaused);
    expect(conn.readingPaused).toBe(true);
    expect(conn.backlog).toBeGreaterThan(256 * 1024);
    expect(conn.backlog).toBeLessThanOrEqual(sent);

    sw!.send({ type: 'echo_request', xid: 0x777, data: new Uint8Array(0) });
    sw!.socket.resume();
    await sw!.waitFor('echo_reply', (m) => m.xid === 0x777);
    expect(conn.readingPaused).toBe(false);
    expect(dp.connected).toBe(true);
    expect(app.events.some((e) => e.startsWith('switchDown'))).toBe(false);
  });

  test('a backlog that does not drain within the echo timeout disconnects the switch', async () => {
    const { app, conn, dp } = await stalledSwitch({
      soft: 256 * 1024,
      hard: 64 * 1024 * 1024,
      stallMs: 300,
    });
    await fillUntilPaused(dp, () => conn.readingPaused);
    const down = await app.waitFor('switchDown 9');
    expect(down).toMatch(/did not drain within 300 ms/);
    sw!.socket.resume(); // a paused socket never sees the end of the stream
    await sw!.closed;
  });

  test('a backlog past the hard limit disconnects at once, without encoding more', async () => {
    const hard = 1024 * 1024;
    const { app, dp } = await stalledSwitch({ soft: 256 * 1024, hard, stallMs: 60_000 });
    let accepted = 0;
    while (dp.connected && accepted < 100) {
      packetOut(dp);
      accepted++;
    }
    // All of it was encoded in one batch (nothing flushed yet): the send that took the
    // batch past the hard limit was the last one accepted.
    const messageLen = 24 + BIG.length;
    expect(accepted).toBe(Math.floor(hard / messageLen) + 1);
    const down = await app.waitFor('switchDown 9');
    expect(down).toMatch(/output backlog above 1048576 bytes/);
    sw!.socket.resume();
    await sw!.closed;
  });
});
