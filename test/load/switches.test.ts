/**
 * A short load run (the bench's `runLoad` against an in-process controller running
 * l2-learning): 200 switches connect at the same moment, all finish the handshake, then
 * five seconds of packet-ins and echoes both ways (the controller echoes the silent one
 * switch in ten) lose no connection, packet-ins are answered, and resident memory grows
 * by no more than a generous bound while the load runs. No figure here is a timing assertion: the ramp deadline only
 * keeps a broken run from hanging.
 */
import { afterAll, expect, test } from 'vitest';
import { printLoad, rssFigures, runLoad } from '../../bench/load.js';
import {
  l2Learning,
  startTestController,
  type TestController,
} from '../reliability/support/controller.js';

const SWITCHES = 200;
/**
 * How far RSS may rise over the load phase, and how far the second half's peak may pass
 * the first half's (both generous: the heap settles lazily, and this process also runs
 * the switches).
 */
const RSS_GROWTH_BOUND_KIB = 128 * 1024;
const RSS_SECOND_HALF_BOUND_KIB = 48 * 1024;

let tc: TestController | undefined;

afterAll(() => tc?.stop());

test(`${SWITCHES} switches at once: all handshaken, none lost, memory bounded`, async () => {
  tc = await startTestController([l2Learning()], {
    echoIntervalMs: 500,
    echoTimeoutMs: 20_000,
    requestTimeoutMs: 20_000,
    handshakeTimeoutMs: 40_000,
  });
  const r = await runLoad({
    port: tc.port,
    switches: SWITCHES,
    seconds: 5,
    rate: 10,
    rampTimeoutMs: 60_000,
    rss: () => Math.round(process.memoryUsage().rss / 1024),
  });
  printLoad(r);
  expect(r.problems).toEqual([]);
  expect(r.handshaken).toBe(SWITCHES);
  expect(r.lost).toBe(0);
  expect(tc.controller.registry.size).toBe(SWITCHES);
  expect(r.flowMods).toBeGreaterThan(SWITCHES);
  expect(r.packetOuts).toBeGreaterThan(SWITCHES);
  expect(r.echoesAnswered).toBeGreaterThan(0);
  // The silent switches (one in ten) were kept alive by the controller's echoes.
  expect(r.echoesFromController).toBeGreaterThanOrEqual(SWITCHES / 10);
  const rss = rssFigures(r);
  expect(rss).toBeDefined();
  expect(rss!.secondHalfMax - rss!.afterRamp).toBeLessThan(RSS_GROWTH_BOUND_KIB);
  expect(rss!.secondHalfMax - rss!.firstHalfMax).toBeLessThan(RSS_SECOND_HALF_BOUND_KIB);
  expect(tc.records.filter((x) => x.level >= 50)).toEqual([]);
}, 120_000);
