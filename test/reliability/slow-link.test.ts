/**
 * Slow links and partial writes: messages leave the controller whole and in order, never
 * interleaved or cut, however the switch reads them. An app sends numbered PACKET_OUTs
 * of many sizes from three places at once (timers, its packet-in handler, and barrier
 * requests between them); the switch reads the stream a few bytes at a time with pauses,
 * or stops reading until the controller's output backs up past the soft limit and then
 * drains in odd-sized pieces. The switch's framer must decode every byte, and the
 * numbers must arrive exactly in the order the app sent them, each payload intact.
 */

import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { encodeMessage, type Message } from '../../src/codec/index.js';
import { type AppDefinition, type Datapath, defineApp } from '../../src/runtime/internal.js';
import { ethFrame } from '../engine/packet-helpers.js';
import type { FakeSwitch } from '../runtime/fake-switch.js';
import { packetIn, startTestController, type TestController } from './support/controller.js';
import { connectPeer } from './support/peer.js';
import { until } from './support/wait.js';

const SIZES = [0, 1, 7, 60, 333, 1500, 4000, 9000];
let tc: TestController | undefined;
let sw: FakeSwitch | undefined;

afterEach(async () => {
  await sw?.close();
  await tc?.stop();
  sw = undefined;
  tc = undefined;
});

/** An app that numbers everything it sends; `sent` is the order of its send calls. */
function numberingApp() {
  let seq = 0;
  let resolveUp: (dp: Datapath) => void = () => undefined;
  const up = new Promise<Datapath>((resolve) => {
    resolveUp = resolve;
  });
  const send = (dp: Datapath, size = SIZES[seq % SIZES.length]!) => {
    const n = seq++;
    const data = Buffer.alloc(6 + size);
    data.writeUInt32BE(n, 0);
    data.writeUInt16BE(size, 4);
    for (let i = 0; i < size; i++) data[6 + i] = (n + i) & 0xff;
    dp.packetOut({ actions: [], data });
  };
  const def = defineApp({
    name: 'numbering',
    create: () => ({
      switchUp: (dp) => resolveUp(dp),
      packetIn(dp) {
        send(dp);
        send(dp);
      },
    }),
  }) as AppDefinition<unknown>;
  return { def, up, send, count: () => seq };
}

/** Checks the switch got packet-outs 0..n-1, in order, each payload intact. */
function checkNumbered(received: readonly Message[], n: number): void {
  const outs = received.filter((m) => m.type === 'packet_out');
  const numbers = outs.map((m) => Buffer.from(m.data).readUInt32BE(0));
  expect(numbers).toEqual(Array.from({ length: n }, (_, i) => i));
  for (const m of outs) {
    const d = Buffer.from(m.data);
    const seq = d.readUInt32BE(0);
    const size = d.readUInt16BE(4);
    expect(d.length, `packet-out ${seq} length`).toBe(6 + size);
    for (let i = 0; i < size; i++) {
      if (d[6 + i] !== ((seq + i) & 0xff)) throw new Error(`packet-out ${seq} byte ${i} altered`);
    }
  }
}

test('a switch reading a few bytes at a time, writing its own messages byte by byte', async () => {
  const app = numberingApp();
  tc = await startTestController([{ def: app.def, config: undefined }]);
  sw = await connectPeer(tc.port, { dpid: 0x510en });
  const dp = await app.up;
  let r = 7;
  const random = () => {
    r = (r * 1103515245 + 12345) & 0x7fffffff;
    return r;
  };
  sw.throttle(
    () => 1 + (random() % 5),
    async () => {
      if (random() % 200 === 0) await sleep(2);
      else await tick();
    },
  );

  // Source 1: timers. Source 2: packet-ins, written a byte at a time. Source 3: barriers.
  const barriers: Promise<void>[] = [];
  const timers = (async () => {
    for (let i = 0; i < 60; i++) {
      app.send(dp);
      if (i % 10 === 0) barriers.push(dp.barrier({ timeoutMs: 60_000 }));
      await tick();
    }
  })();
  const packetIns = (async () => {
    for (let i = 0; i < 20; i++) {
      const bytes = encodeMessage(
        packetIn(0, 1, ethFrame(0xffff_ffff_ffff, 0x02_00_00_00_00_01 + i)),
      );
      await sw!.trickle(bytes, () => tick());
    }
  })();
  await Promise.all([timers, packetIns, ...barriers]);
  const total = app.count();
  expect(total).toBe(60 + 2 * 20);
  expect(
    await until(() => sw!.all('packet_out').length === total, 60_000),
    'every packet-out arrives',
  ).toBe(true);
  expect(sw.undecodable).toEqual([]);
  checkNumbered(sw.received, total);
  expect(sw.all('barrier_request')).toHaveLength(6);
}, 90_000);

test('output backed up past the soft limit drains whole and in order in odd-sized reads', async () => {
  const app = numberingApp();
  tc = await startTestController([{ def: app.def, config: undefined }], {
    outputSoftLimit: 64 * 1024,
    outputHardLimit: 256 * 1024 * 1024,
  });
  sw = await connectPeer(tc.port, { dpid: 0x510e2n });
  const dp = await app.up;
  const conn = tc.controller.registry.get(0x510e2n)!;
  sw.socket.pause();
  // The switch reads nothing until the controller has stopped reading it.
  while (!conn.readingPaused && app.count() < 20_000) {
    for (let i = 0; i < 16; i++) app.send(dp, 8000);
    await tick();
  }
  expect(conn.readingPaused, 'the controller stopped reading the stalled switch').toBe(true);
  // More output while paused: timers keep sending, with a barrier in the middle.
  for (let i = 0; i < 50; i++) app.send(dp);
  const barrier = dp.barrier({ timeoutMs: 60_000 });
  for (let i = 0; i < 50; i++) app.send(dp);
  const backlog = conn.backlog;
  expect(backlog).toBeGreaterThan(64 * 1024);

  let r = 11;
  sw.throttle(
    () => {
      r = (r * 1103515245 + 12345) & 0x7fffffff;
      return 1 + (r % 4096);
    },
    () => tick(),
  );
  await barrier;
  const total = app.count();
  expect(await until(() => sw!.all('packet_out').length === total, 60_000)).toBe(true);
  expect(sw.undecodable).toEqual([]);
  checkNumbered(sw.received, total);
  expect(conn.readingPaused, 'reading resumed once drained').toBe(false);
  expect(conn.backlog).toBe(0);
  console.log(
    `slow link: ${total} packet-outs, backlog ${(backlog / 1024 / 1024).toFixed(1)} MiB when paused`,
  );
}, 90_000);
