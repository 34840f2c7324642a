/**
 * l2-learning's MAC table through the API: a fake switch sends packet-ins with the
 * table-miss cookie (as Open vSwitch does), and GET /apps/l2-learning/macs shows each
 * source MAC on its port; the per-switch gauge counts them.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import l2 from '../../apps/l2-learning/index.js';
import { type Api, buildApi, loadOrCreateToken, Metrics } from '../../src/api/index.js';
import { createLogger, RuntimeView } from '../../src/runtime/internal.js';
import { frame, packetIn } from '../apps/l2-learning-harness.js';
import { FakeSwitch, makePort } from '../runtime/fake-switch.js';
import { startInstances, TEST_OPTIONS, type TestController } from '../runtime/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-l2-api-'));
let tc: TestController;
let api: Api;
let sw: FakeSwitch;
const metrics = new Metrics();

beforeAll(async () => {
  tc = await startInstances(
    [{ def: l2, config: l2.validateConfig!(undefined, 'test') }],
    TEST_OPTIONS,
  );
  metrics.attach(tc.controller, new RuntimeView(tc.controller));
  api = await buildApi(tc.controller, createLogger({ level: 'silent', pretty: false }), {
    address: { host: '127.0.0.1', port: 0 },
    token: loadOrCreateToken(join(dir, 'token')),
    metrics,
    web: false,
  });
  sw = await FakeSwitch.connect(tc.port, {
    dpid: 0x5n,
    ports: [makePort(1, 'h1'), makePort(2, 'h2')],
    flows: [],
  });
  await sw.waitFor('flow_mod');
});

afterAll(async () => {
  await api?.close();
  await sw?.close();
  await tc?.stop();
  metrics.detach();
  rmSync(dir, { recursive: true, force: true });
});

test('learned MACs per switch, with port names', async () => {
  sw.send({ ...packetIn(1, frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01')), xid: 7 });
  sw.send({ ...packetIn(2, frame('02:00:00:00:00:01', '02:00:00:00:00:02')), xid: 8 });
  await vi.waitFor(
    async () => {
      const r = (await api.inject({ url: '/apps/l2-learning/macs/0x5' })).json();
      expect(
        r.macs.map((m: { mac: string; portName: string }) => `${m.mac}@${m.portName}`),
      ).toEqual(['02:00:00:00:00:01@h1', '02:00:00:00:00:02@h2']);
    },
    { timeout: 10_000, interval: 50 },
  );
  const all = (await api.inject({ url: '/apps/l2-learning/macs' })).json();
  expect(all.switches.map((s: { dpid: string }) => s.dpid)).toEqual(['0000000000000005']);
  expect((await api.inject({ url: '/apps/l2-learning/macs/0x6' })).statusCode).toBe(404);
  const text = (await api.inject({ url: '/metrics' })).body;
  expect(text).toMatch(/^ofctl_l2_learned_macs\{dpid="0000000000000005"\} 2$/m);
});
