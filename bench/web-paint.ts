/**
 * `npm run bench web-paint`: the web view's first paint with 1000 switches. An
 * in-process controller (l2-learning) with 1000 minimal switches (bench/api-switch.ts),
 * the API with the web view, and headless Chromium (/usr/bin/chromium via
 * playwright-core, nothing downloaded) timing from navigation start to the moment the
 * 1000th switch row is in the page, and the browser's own first-contentful-paint.
 * Goal (issue 11): under 1 s. Options: --switches N (default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import l2 from '../apps/l2-learning/index.js';
import { buildApi, loadOrCreateToken, Metrics } from '../src/api/index.js';
import {
  Controller,
  controllerOptions,
  createLogger,
  DEFAULT_SETTINGS,
  RuntimeView,
} from '../src/runtime/internal.js';
import { connectSwitch } from './api-switch.js';

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--switches');
  const n = i >= 0 ? Number(args[i + 1]) : 1000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ofctl-web-paint-'));
  const log = createLogger({ level: 'warn', pretty: false });
  const controller = new Controller(
    controllerOptions({ ...DEFAULT_SETTINGS, listen: ['tcp:127.0.0.1:0'] }),
    [{ def: l2, config: l2.validateConfig!(undefined, 'bench') }],
    log,
  );
  const [addr] = await controller.start();
  const port = (addr as { port: number }).port;
  const sockets: net.Socket[] = [];
  for (let k = 0; k < n; k += 50) {
    const batch = [];
    for (let j = k; j < Math.min(n, k + 50); j++)
      batch.push(connectSwitch(port, BigInt(0x1000 + j)));
    sockets.push(...(await Promise.all(batch)));
  }
  while (controller.registry.size < n) await new Promise((r) => setTimeout(r, 50));
  const metrics = new Metrics();
  metrics.attach(controller, new RuntimeView(controller));
  const api = await buildApi(controller, log, {
    address: { host: '127.0.0.1', port: 0 },
    token: loadOrCreateToken(path.join(dir, 'token')),
    metrics,
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(api.server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  const times: number[] = [];
  const fcps: number[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      await page.waitForFunction((k) => document.querySelectorAll('tr.sw').length >= k, n, {
        polling: 'raf',
        timeout: 30_000,
      });
      const t = await page.evaluate(() => performance.now());
      const fcp = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      times.push(t);
      fcps.push(fcp);
      await page.close();
    }
  } finally {
    await browser.close();
    await api.close();
    metrics.detach();
    for (const s of sockets) s.destroy();
    await controller.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (v: number) => `${Math.round(v)} ms`;
  console.log(
    `web view with ${n} switches: all ${n} rows on the page ${times.map(f).join(', ')} after navigation start ` +
      `(3 loads; goal < 1 s); first contentful paint ${fcps.map(f).join(', ')}`,
  );
}
