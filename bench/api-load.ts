/**
 * `npm run bench api-load`: the API must not slow the OpenFlow path.
 *
 * 1. Flow setup (the flow-setup benchmark's generator, 16 switches, throughput mode)
 *    against ofctl-ts with the API off, then with the API on while this process sends
 *    1000 requests/s alternating GET /switches and GET /metrics over keep-alive
 *    connections: the flow-setup rate lost, and the API's latency percentiles.
 * 2. A switch whose flow model holds 100 000 flows, served a page at a time
 *    (GET /switches/:dpid/flows?offset&limit=1000) by an in-process controller, with
 *    the event loop's longest stall measured by perf_hooks.monitorEventLoopDelay.
 *
 * Goals (issue 11): flow setup loses under 10%, API p99 under 5 ms, no stall over 20 ms.
 * Options: the flow-setup benchmark's (--loops, --ms-per-loop, --window ...), and
 * --rate N (requests/s, default 1000), --flows N (default 100000), --table-only (part 2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApi, loadOrCreateToken, Metrics } from '../src/api/index.js';
import { FlowModCommand } from '../src/codec/index.js';
import {
  Controller,
  controllerOptions,
  createLogger,
  type Datapath,
  DEFAULT_SETTINGS,
  defineApp,
  RuntimeView,
} from '../src/runtime/internal.js';
import { connectSwitch } from './api-switch.js';
import { parseOptions } from './flow-setup/options.js';
import { killAllNow } from './flow-setup/processes.js';
import { measure, Session } from './flow-setup/session.js';
import { percentile } from './flow-setup/stats.js';
import { TARGETS, type TargetSpec } from './flow-setup/targets.js';

function option(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
}

export async function run(argv: string[]): Promise<void> {
  const args = [...argv];
  const rate = option(args, '--rate', 1000);
  const nFlows = option(args, '--flows', 100_000);
  const tableOnly = args.includes('--table-only');
  if (tableOnly) args.splice(args.indexOf('--table-only'), 1);
  const opts = parseOptions(args);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ofctl-api-load-'));
  process.on('exit', killAllNow);
  try {
    if (!tableOnly) await flowSetupUnderLoad(new Session(opts, workDir), workDir, rate);
    await bigTable(workDir, nFlows);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The ofctl-ts target with extra arguments (the last --api given wins). */
function withArgs(extra: (port: number) => string[], apiPort: number): TargetSpec {
  const base = TARGETS['ofctl-ts'];
  return {
    ...base,
    command: (port, workDir, profileDir) => {
      const c = base.command(port, workDir, profileDir);
      return { cmd: c.cmd, args: [...c.args, ...extra(apiPort)] };
    },
  };
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function flowSetupUnderLoad(session: Session, workDir: string, rate: number): Promise<void> {
  const load = { mode: 'throughput' as const, switches: 16 };
  const apiOn = (p: number) => ['--api', `tcp:127.0.0.1:${p}`, '--state-dir', workDir];
  // 1. The API off, nothing else.
  const off = await session.start(withArgs(() => ['--api', 'off'], 0));
  const base = await measure(session, off, load, false).finally(() => off.stop());
  // 2. The control: the same requests sent to a second, idle controller while flow
  //    setup runs against one with the API off. On a 2-core machine the request sender
  //    competes with the generator and the controller for CPU; this is its share.
  const idlePort = await freePort();
  const idle = await session.start(withArgs(apiOn, idlePort));
  await waitForApi(idlePort);
  const off2 = await session.start(withArgs(() => ['--api', 'off'], 0));
  const control = await underLoad(idlePort, rate, () => measure(session, off2, load, false));
  await off2.stop();
  await idle.stop();
  // 3. The requests to the controller doing the flow setup.
  const apiPort = await freePort();
  const on = await session.start(withArgs(apiOn, apiPort));
  await waitForApi(apiPort);
  const loaded = await underLoad(apiPort, rate, () => measure(session, on, load, false));
  await on.stop();
  const pct = (m: { responses: { avg: number } }) =>
    ((1 - m.responses.avg / base.responses.avg) * 100).toFixed(1);
  console.log(
    `flow setup, 16 switches, throughput: ${fmt(base.responses.avg)} responses/s with the API off; ` +
      `${fmt(control.result.responses.avg)} (${pct(control.result)}% less) while ${fmt(control.rate)} requests/s go to another controller (the sender's own cost here); ` +
      `${fmt(loaded.result.responses.avg)} (${pct(loaded.result)}% less; goal < 10%) while they go to this one`,
  );
  const l = loaded.latencies;
  console.log(
    `API under that load (GET /switches and /metrics alternating, ${l.length} answered, ${loaded.failures}): ` +
      `p50 ${ms(percentile(l, 50))}, p99 ${ms(percentile(l, 99))} (goal < 5 ms), max ${ms(l.at(-1) ?? 0)}; ` +
      `the idle controller's: p50 ${ms(percentile(control.latencies, 50))}, p99 ${ms(percentile(control.latencies, 99))}`,
  );
}

/** The API starts just after the OpenFlow listener: wait until it answers. */
async function waitForApi(port: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await get(new http.Agent(), port, '/healthz');
      return;
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs `work` while sending `rate` requests/s to the API on `port`. */
async function underLoad<T>(port: number, rate: number, work: () => Promise<T>) {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let stop = false;
  const paths = ['/switches', '/metrics'];
  const driver = (async () => {
    const interval = 1000 / rate;
    const t0 = performance.now();
    let n = 0;
    const inflight = new Set<Promise<void>>();
    while (!stop) {
      const wait = t0 + n * interval - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = get(agent, port, paths[n % 2]!).then(
        (t) => void latencies.push(t),
        (e: Error) => {
          failures++;
          firstFailure ??= e.message;
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      n++;
    }
    await Promise.all(inflight);
    return n / ((performance.now() - t0) / 1000);
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    stop = true;
  }
  const sentRate = await driver;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    result,
    rate: sentRate,
    latencies,
    failures: `${failures} failed${firstFailure ? ` (${firstFailure})` : ''}`,
  };
}

function get(agent: http.Agent, port: number, p: string): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(performance.now() - t)
          : reject(new Error(String(res.statusCode))),
      );
    });
    req.on('error', reject);
  });
}

async function bigTable(workDir: string, nFlows: number): Promise<void> {
  const log = createLogger({ level: 'warn', pretty: false });
  let handle: Datapath | undefined;
  const filler = defineApp({
    name: 'filler',
    create: () => ({
      switchUp(dp) {
        handle = dp;
      },
    }),
  });
  const controller = new Controller(
    { ...controllerOptions({ ...DEFAULT_SETTINGS, listen: ['tcp:127.0.0.1:0'], flowModel: true }) },
    [{ def: filler, config: undefined }],
    log,
  );
  const [addr] = await controller.start();
  const sock = await connectSwitch((addr as { port: number }).port, 0xb16n);
  while (!handle) await new Promise((r) => setTimeout(r, 10));
  const dp = handle;
  const t0 = performance.now();
  for (let i = 0; i < nFlows; i++) {
    dp.flowMod({
      command: FlowModCommand.ADD,
      priority: 100,
      match: [{ field: 'eth_dst', value: 0x020000000000 + i }],
      actions: [{ type: 'output', port: 1 + (i % 8), maxLen: 0 }],
    });
    if (i % 5000 === 4999) await dp.barrier();
  }
  await dp.barrier();
  const fill = (performance.now() - t0) / 1000;
  const metrics = new Metrics();
  metrics.attach(controller, new RuntimeView(controller));
  const api = await buildApi(controller, log, {
    address: { host: '127.0.0.1', port: 0 },
    token: loadOrCreateToken(path.join(workDir, 'token')),
    metrics,
    web: false,
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true });
  const h = monitorEventLoopDelay({ resolution: 1 });
  const limit = 250;
  const times: number[] = [];
  h.enable();
  let total = 0;
  for (let offset = 0; offset < nFlows; offset += limit) {
    const t = performance.now();
    const body = await getBody(
      agent,
      port,
      `/switches/0xb16/flows?offset=${offset}&limit=${limit}`,
    );
    times.push(performance.now() - t);
    total += (JSON.parse(body) as { flows: unknown[] }).flows.length;
  }
  h.disable();
  agent.destroy();
  const first = times[0] ?? 0;
  times.sort((a, b) => a - b);
  console.log(
    `a switch with ${fmt(nFlows)} modelled flows (filled in ${fill.toFixed(1)} s): ${total} flows served in ${times.length} pages of ${limit}; ` +
      `first page (reads the model) ${ms(first)}, page p50 ${ms(percentile(times, 50))}, max ${ms(times.at(-1) ?? 0)}; ` +
      `longest event-loop stall ${ms(h.max / 1e6)} (goal < 20 ms), p99 ${ms(h.percentile(99) / 1e6)}`,
  );
  await api.close();
  metrics.detach();
  sock.destroy();
  await controller.stop();
}

function getBody(agent: http.Agent, port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
        let s = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          s += c;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(s) : reject(new Error(`${res.statusCode}: ${s}`)),
        );
      })
      .on('error', reject);
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;
