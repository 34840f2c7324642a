/**
 * vnet's networks and ports through the API: validated by the config file's loader
 * (same message, nothing stored), stored in the file-backed intent store, applied to the
 * connected switch before the reply (its FLOW_MODs arrive), refused when a delete would
 * leave a port on a missing network, and still there after a controller restart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import vnet from '../../apps/vnet/index.js';
import { type Api, buildApi, loadOrCreateToken, Metrics } from '../../src/api/index.js';
import { FlowModCommand } from '../../src/codec/index.js';
import { createLogger, FileIntentStore } from '../../src/runtime/internal.js';
import { FakeSwitch, makePort } from '../runtime/fake-switch.js';
import { startInstances, TEST_OPTIONS, type TestController } from '../runtime/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-vnet-api-'));
const FILE_SECTION = {
  networks: { blue: { vlan: 2 } },
  datapaths: { host1: { dpid: '0x1', ports: { vm1: { mode: 'access', network: 'blue' } } } },
};
const log = createLogger({ level: 'silent', pretty: false });

interface Running {
  tc: TestController;
  api: Api;
  store: FileIntentStore;
  sw: FakeSwitch;
}

async function run(): Promise<Running> {
  const store = await FileIntentStore.open(join(dir, 'intent.json'));
  const config = vnet.validateConfig!(structuredClone(FILE_SECTION), 'test.json: appConfig.vnet');
  const tc = await startInstances([{ def: vnet, config }], { ...TEST_OPTIONS, intent: store });
  const api = await buildApi(tc.controller, log, {
    address: { host: '127.0.0.1', port: 0 },
    token: loadOrCreateToken(join(dir, 'token')),
    metrics: new Metrics(),
    web: false,
  });
  const sw = await FakeSwitch.connect(tc.port, {
    dpid: 1n,
    ports: [makePort(1, 'vm1'), makePort(2, 'vm2')],
    flows: [],
  });
  await sw.waitFor('barrier_request');
  return { tc, api, store, sw };
}

async function stop(r: Running | undefined) {
  await r?.api.close();
  await r?.sw.close();
  await r?.tc.stop();
  await r?.store.close();
}

let r: Running;
let auth: { authorization: string };

beforeAll(async () => {
  r = await run();
  auth = { authorization: `Bearer ${readFileSync(join(dir, 'token'), 'utf8').trim()}` };
});
afterAll(async () => {
  await stop(r);
  rmSync(dir, { recursive: true, force: true });
});

describe('vnet intent through the API', () => {
  test('a bad network gets the config loader message and nothing is stored', async () => {
    const res = await r.api.inject({
      method: 'PUT',
      url: '/apps/vnet/networks/red',
      headers: auth,
      payload: { vlan: 2 },
    });
    expect(res.statusCode).toBe(400);
    let expected = '';
    try {
      configFromJson(
        { ...FILE_SECTION, networks: { blue: { vlan: 2 }, red: { vlan: 2 } } },
        'appConfig.vnet',
      );
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/VLAN 2 is already used/);
    expect(res.json().message).toBe(expected);
    expect(await r.store.list('vnet/')).toEqual([]);
  });

  test('writes need the token', async () => {
    const res = await r.api.inject({
      method: 'PUT',
      url: '/apps/vnet/networks/red',
      payload: { vlan: 3 },
    });
    expect(res.statusCode).toBe(401);
  });

  test('a network and a port are stored and applied to the switch before the reply', async () => {
    const net = await r.api.inject({
      method: 'PUT',
      url: '/apps/vnet/networks/red',
      headers: auth,
      payload: { vlan: 3 },
    });
    expect(net.statusCode, net.body).toBe(200);
    const before = r.sw.received.length;
    const port = await r.api.inject({
      method: 'PUT',
      url: '/apps/vnet/datapaths/host1/ports/vm2',
      headers: auth,
      payload: { mode: 'access', network: 'red' },
    });
    expect(port.statusCode, port.body).toBe(200);
    expect(port.json().applied).toEqual([
      expect.objectContaining({ dpid: '0000000000000001', added: expect.any(Number) }),
    ]);
    expect(port.json().applied[0].added).toBeGreaterThan(0);
    const adds = r.sw.received
      .slice(before)
      .filter((m) => m.type === 'flow_mod' && m.command === FlowModCommand.ADD);
    expect(adds.length).toBe(port.json().applied[0].added);
    const state = (await r.api.inject({ url: '/apps/vnet/state' })).json();
    const ports = state.datapaths[0].ports.map(
      (p: { name: string; networks: string[] }) => `${p.name}:${p.networks}`,
    );
    expect(ports).toEqual(['vm1:blue', 'vm2:red']);
  });

  test('deleting a network a port still uses is refused (409), nothing changed', async () => {
    const res = await r.api.inject({
      method: 'DELETE',
      url: '/apps/vnet/networks/red',
      headers: auth,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/expected the name of a network/);
    expect((await r.store.list('vnet/networks/')).length).toBe(1);
    const fromFile = await r.api.inject({
      method: 'DELETE',
      url: '/apps/vnet/networks/blue',
      headers: auth,
    });
    expect(fromFile.statusCode).toBe(409);
    expect(fromFile.json().message).toMatch(/config file/);
  });

  test('a restart keeps the intent', async () => {
    await stop(r);
    r = await run();
    const nets = (await r.api.inject({ url: '/apps/vnet/networks' })).json().networks;
    expect(nets).toEqual([
      { name: 'blue', vlan: 2, tunnelKey: null, source: 'config' },
      { name: 'red', vlan: 3, tunnelKey: null, source: 'intent' },
    ]);
    const state = (await r.api.inject({ url: '/apps/vnet/state' })).json();
    expect(state.datapaths[0].ports.map((p: { name: string }) => p.name)).toEqual(['vm1', 'vm2']);
  });

  test('removing the port, then the network', async () => {
    const p = await r.api.inject({
      method: 'DELETE',
      url: '/apps/vnet/datapaths/host1/ports/vm2',
      headers: auth,
    });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json().applied[0].removed).toBeGreaterThan(0);
    const n = await r.api.inject({
      method: 'DELETE',
      url: '/apps/vnet/networks/red',
      headers: auth,
    });
    expect(n.statusCode, n.body).toBe(200);
    expect(await r.store.list('vnet/')).toEqual([]);
    const again = await r.api.inject({
      method: 'DELETE',
      url: '/apps/vnet/networks/red',
      headers: auth,
    });
    expect(again.statusCode).toBe(404);
  });
});
