/**
 * The web view in a real browser (Debian's chromium driven by playwright-core, nothing
 * downloaded) against the built controller with the vnet app and three real Open vSwitch
 * bridges: the page shows each bridge's dpid and its ports (names and OpenFlow numbers
 * as OVS itself reports them), the vnet hosts and the tunnel between two of them; a
 * network created through the API appears on the page without a reload (the event
 * stream); a port brought down shows as down. A screenshot goes to $ARTIFACTS_DIR (or
 * the temp dir), never into the repository.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createTestbed, type OvsInstance } from '../harness/index.js';
import { type ControllerProcess, spawnController } from '../runtime/controller-process.js';

const TIMEOUT = 180_000;
const CHROMIUM = '/usr/bin/chromium';
const tb = createTestbed();
const dir = mkdtempSync(join(tmpdir(), 'ofctl-web-'));
const BRIDGES = [
  { name: 'wv-a', dpid: 0xa1n, host: 'wva1', gre: true },
  { name: 'wv-b', dpid: 0xa2n, host: 'wvb1', gre: true },
  { name: 'wv-c', dpid: 0xa3n, host: 'wvc1', gre: false },
];
const hex = (d: bigint) => d.toString(16).padStart(16, '0');

let ovs: OvsInstance;
let ctl: ControllerProcess;
let url: string;
let browser: Browser;
const ofports = new Map<string, number>();

beforeAll(async () => {
  ovs = await tb.startOvs();
  const datapaths: Record<string, unknown> = {};
  for (const b of BRIDGES) {
    await ovs.addBridge(b.name, { dpid: Number(b.dpid), failMode: 'secure' });
    await tb.addHost(ovs, b.name, { name: b.host, ip: `10.77.0.${Number(b.dpid & 0xffn)}/24` });
    const ports: Record<string, unknown> = { [b.host]: { mode: 'access', network: 'blue' } };
    if (b.gre) {
      const gre = `${b.name}-gre`;
      await ovs.vsctl(
        'add-port',
        b.name,
        gre,
        '--',
        'set',
        'interface',
        gre,
        'type=gre',
        `options:remote_ip=192.0.2.${Number(b.dpid & 0xffn)}`,
        'options:key=flow',
      );
      ports[gre] = { mode: 'tunnel', networks: ['blue'] };
    }
    datapaths[b.name] = { dpid: `0x${b.dpid.toString(16)}`, ports };
  }
  const config = join(dir, 'controller.json');
  writeFileSync(
    config,
    JSON.stringify({
      appConfig: { vnet: { networks: { blue: { vlan: 2, tunnelKey: 100 } }, datapaths } },
    }),
  );
  ctl = await spawnController(
    (cmd, args) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
    ['--app', 'vnet', '--config', config, '--api', 'tcp:127.0.0.1:0', '--state-dir', dir],
  );
  tb.defer(() => ctl.kill());
  url = String((await ctl.waitForLog((r) => typeof r.url === 'string', 'the API line')).url);
  const relay = await tb.startRelay(ovs, ctl.port);
  for (const b of BRIDGES) await ovs.setController(b.name, relay.target);
  for (const b of BRIDGES) {
    for (const iface of [b.host, ...(b.gre ? [`${b.name}-gre`] : [])]) {
      ofports.set(iface, await ovs.ofport(iface));
    }
  }
  await vi.waitFor(
    async () => {
      const { switches } = (await (await fetch(`${url}/switches`)).json()) as {
        switches: unknown[];
      };
      expect(switches.length).toBe(BRIDGES.length);
    },
    { timeout: 60_000, interval: 250 },
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await ctl?.stop();
  await tb.teardown();
  rmSync(dir, { recursive: true, force: true });
}, TIMEOUT);

describe('the web view in Chromium', () => {
  test(
    'shows the bridges, their ports, the vnet hosts; a network made through the API appears',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      for (const b of BRIDGES) {
        const row = page.locator(`tr.sw[data-dpid="${hex(b.dpid)}"]`);
        await row.waitFor({ timeout: 30_000 });
        const chips = await row.locator('.port').allTextContents();
        expect(chips).toContain(`${b.host}:${ofports.get(b.host)}`);
        if (b.gre) expect(chips).toContain(`${b.name}-gre:${ofports.get(`${b.name}-gre`)}`);
        // OVS's own list of the bridge's ports, LOCAL included.
        const desc = await ovs.ofctl('-O', 'OpenFlow13', 'dump-ports-desc', b.name);
        const names = [...desc.matchAll(/^\s*(\d+|LOCAL)\(([^)]+)\)/gm)].map((m) => m[2]);
        expect(chips.map((c) => c.slice(0, c.lastIndexOf(':'))).sort()).toEqual(names.sort());
      }
      // vnet: one card per host, and a tunnel line between the two GRE bridges.
      await page
        .locator('#hosts .host')
        .nth(BRIDGES.length - 1)
        .waitFor({ timeout: 30_000 });
      const lines = await page.locator('#topology line.tunnel title').allTextContents();
      expect(lines).toEqual(['tunnel: blue']);

      const token = readFileSync(join(dir, 'api-token'), 'utf8').trim();
      const put = await fetch(`${url}/apps/vnet/networks/red`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ vlan: 3, tunnelKey: 300 }),
      });
      expect(put.status, await put.clone().text()).toBe(200);
      const red = page.locator('#networks tr[data-network="red"]');
      await red.waitFor({ timeout: 30_000 });
      expect(await red.locator('td').allTextContents()).toEqual(['red', '3', '300', 'intent']);

      // A port taken down by OVS shows as down, from the event stream.
      const host = BRIDGES[0]!.host;
      await ovs.vsctl('set', 'interface', host, 'admin_state=down');
      await ovs.ofctl('-O', 'OpenFlow13', 'mod-port', BRIDGES[0]!.name, host, 'down');
      await page
        .locator(`tr.sw[data-dpid="${hex(BRIDGES[0]!.dpid)}"] .port.down`, { hasText: host })
        .waitFor({ timeout: 30_000 });

      const artifacts = process.env.ARTIFACTS_DIR ?? join(tmpdir(), 'ofctl-ts-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'web-view.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );
});
