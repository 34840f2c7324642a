/**
 * A cloud binding a VM port through the API against real Open vSwitch: the built
 * controller (vnet) with a bridge whose config knows one port; a second port is bound
 * with PUT /apps/vnet/datapaths/.../ports/... and the bridge holds flows for it as soon
 * as the reply comes (ovs-ofctl dump-flows, the switch's own word); a restarted
 * controller with the same state directory still has it (intent store) and the flows
 * stay; DELETE takes them away.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createTestbed, type OvsInstance, type Relay } from '../harness/index.js';
import { type ControllerProcess, spawnController } from '../runtime/controller-process.js';

const TIMEOUT = 180_000;
const tb = createTestbed();
const dir = mkdtempSync(join(tmpdir(), 'ofctl-api-vnet-'));
const BRIDGE = 'av-br';
let ovs: OvsInstance;
let relay: Relay | undefined;
let ctl: ControllerProcess | undefined;
let url = '';
let vm2Port = 0;

async function startCtl(): Promise<void> {
  ctl = await spawnController(
    (cmd, args) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
    [
      '--app',
      'vnet',
      '--config',
      join(dir, 'c.json'),
      '--api',
      'tcp:127.0.0.1:0',
      '--state-dir',
      dir,
    ],
  );
  url = String((await ctl.waitForLog((r) => typeof r.url === 'string', 'the API line')).url);
  relay = await tb.startRelay(ovs, ctl.port);
  await ovs.setController(BRIDGE, relay.target);
  await vi.waitFor(
    async () => {
      const s = (await (await fetch(`${url}/switches`)).json()) as { switches: unknown[] };
      expect(s.switches.length).toBe(1);
    },
    { timeout: 60_000, interval: 200 },
  );
}

async function stopCtl(): Promise<void> {
  await ctl?.stop();
  await relay?.close();
}

const flowsOn = async (port: number) =>
  (await ovs.ofctl('-O', 'OpenFlow13', '--no-names', 'dump-flows', BRIDGE))
    .split('\n')
    .filter((l) => l.includes(`in_port=${port},`) || l.includes(`in_port=${port} `));

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${readFileSync(join(dir, 'api-token'), 'utf8').trim()}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

beforeAll(async () => {
  ovs = await tb.startOvs();
  await ovs.addBridge(BRIDGE, { dpid: 0xc1, failMode: 'secure' });
  await tb.addHost(ovs, BRIDGE, { name: 'avm1', ip: '10.66.0.1/24' });
  await tb.addHost(ovs, BRIDGE, { name: 'avm2', ip: '10.66.0.2/24' });
  vm2Port = await ovs.ofport('avm2');
  writeFileSync(
    join(dir, 'c.json'),
    JSON.stringify({
      appConfig: {
        vnet: {
          networks: { blue: { vlan: 2 } },
          datapaths: {
            [BRIDGE]: { dpid: '0xc1', ports: { avm1: { mode: 'access', network: 'blue' } } },
          },
        },
      },
    }),
  );
  await startCtl();
}, TIMEOUT);

afterAll(async () => {
  await stopCtl();
  await tb.teardown();
  rmSync(dir, { recursive: true, force: true });
}, TIMEOUT);

describe('binding a VM port through the API', () => {
  test(
    'the flows are on the bridge when the reply comes, and survive a restart',
    async () => {
      expect(await flowsOn(vm2Port)).toEqual([]);
      const net = await call('PUT', '/apps/vnet/networks/red', { vlan: 3 });
      expect(net.status, await net.clone().text()).toBe(200);
      const bind = await call('PUT', `/apps/vnet/datapaths/${BRIDGE}/ports/avm2`, {
        mode: 'access',
        network: 'red',
      });
      expect(bind.status, await bind.clone().text()).toBe(200);
      const added = (await bind.json()) as { applied: { added: number }[] };
      expect(added.applied[0]!.added).toBeGreaterThan(0);
      const before = await flowsOn(vm2Port);
      expect(before.length).toBeGreaterThan(0);

      await stopCtl();
      await startCtl();
      const nets = (await (await fetch(`${url}/apps/vnet/networks`)).json()) as {
        networks: { name: string; source: string }[];
      };
      expect(nets.networks.map((n) => `${n.name}:${n.source}`)).toEqual([
        'blue:config',
        'red:intent',
      ]);
      await vi.waitFor(async () => expect((await flowsOn(vm2Port)).length).toBe(before.length), {
        timeout: 30_000,
        interval: 200,
      });

      const unbind = await call('DELETE', `/apps/vnet/datapaths/${BRIDGE}/ports/avm2`);
      expect(unbind.status, await unbind.clone().text()).toBe(200);
      expect(await flowsOn(vm2Port)).toEqual([]);
    },
    TIMEOUT,
  );
});
