/**
 * The API in process against the controller and fake switches: read routes, the token
 * rules, flow writes through the CLI's parser (the FLOW_MOD the switch receives is the
 * one `ofctl-ts add-flow` would send; a bad flow gets the parser's message and sends
 * nothing), the error shape, the body limit, the event stream over a real socket, and
 * /metrics checked by promtool.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Api, buildApi, loadOrCreateToken, Metrics } from '../../src/api/index.js';
import { FlowModCommand } from '../../src/codec/index.js';
import { createLogger, RuntimeView } from '../../src/runtime/internal.js';
import { parseFlow, toFlowMod } from '../../src/text/flow-parse.js';
import { FakeSwitch, makePort } from '../runtime/fake-switch.js';
import { recorder, startController, type TestController } from '../runtime/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-api-'));
let tc: TestController;
let api: Api;
let sw: FakeSwitch;
let bearer: string;
let metrics: Metrics;
const rec = recorder('rec');

async function start(host = '127.0.0.1', bodyLimit?: number): Promise<Api> {
  const token = loadOrCreateToken(join(dir, 'token'));
  const a = await buildApi(tc.controller, createLogger({ level: 'silent', pretty: false }), {
    address: { host, port: 0 },
    token,
    metrics,
    bodyLimit,
    web: false,
  });
  await a.ready();
  return a;
}

beforeAll(async () => {
  tc = await startController([rec.def]);
  metrics = new Metrics();
  metrics.attach(tc.controller, new RuntimeView(tc.controller));
  api = await start();
  bearer = `Bearer ${readFileSync(join(dir, 'token'), 'utf8').trim()}`;
  sw = await FakeSwitch.connect(tc.port, {
    dpid: 0x2an,
    ports: [makePort(1, 'vm1'), makePort(2, 'eth1')],
    flows: [],
  });
  await rec.waitFor('switchUp');
});

afterAll(async () => {
  await api?.close();
  await sw?.close();
  await tc?.stop();
  metrics?.detach();
  rmSync(dir, { recursive: true, force: true });
});

describe('read routes', () => {
  test('GET /switches lists the switch with its ports and apps', async () => {
    const r = await api.inject({ method: 'GET', url: '/switches' });
    expect(r.statusCode).toBe(200);
    const [s] = r.json().switches;
    expect(s.dpid).toBe('000000000000002a');
    expect(s.ports.map((p: { name: string }) => p.name)).toEqual(['vm1', 'eth1']);
    expect(s.apps).toEqual(['rec']);
    expect(s.role).toBe('equal');
    expect(Date.parse(s.connectedSince)).toBeGreaterThan(0);
  });

  test('a dpid in any of its spellings; unknown and malformed ones are 404 and 400', async () => {
    for (const d of ['0x2a', '2a', '00:00:00:00:00:00:00:2a']) {
      expect((await api.inject({ url: `/switches/${d}` })).json().dpid).toBe('000000000000002a');
    }
    const unknown = await api.inject({ url: '/switches/0x99' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await api.inject({ url: '/switches/xyz' })).statusCode).toBe(400);
  });

  test('flows fall back to the switch when the controller keeps no model', async () => {
    const r = await api.inject({ url: '/switches/0x2a/flows?limit=5' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ source: 'switch', total: 0, offset: 0, limit: 5, flows: [] });
  });

  test('/healthz and /readyz', async () => {
    expect((await api.inject({ url: '/healthz' })).json()).toMatchObject({
      status: 'ok',
      switches: 1,
    });
    expect((await api.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  test('/openapi.json describes every route', async () => {
    const doc = (await api.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/switches',
      '/switches/{dpid}',
      '/switches/{dpid}/flows',
      '/events',
      '/metrics',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});

describe('writes', () => {
  const text = 'priority=10,in_port=vm1,dl_dst=02:00:00:00:00:01,actions=output:eth1';

  test('without the token: 401, nothing sent', async () => {
    const before = sw.received.length;
    const r = await api.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      payload: { flow: text },
    });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(sw.received.slice(before).some((m) => m.type === 'flow_mod')).toBe(false);
  });

  test('a flow in ovs-ofctl syntax reaches the switch as the CLI would send it', async () => {
    const before = sw.received.length;
    const r = await api.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      headers: { authorization: bearer },
      payload: { flow: text },
    });
    expect(r.statusCode, r.body).toBe(200);
    const fm = await sw.waitFor('flow_mod', () => true, before);
    const ports = new (await import('../../src/text/ports.js')).PortMap([
      { portNo: 1, name: 'vm1' },
      { portNo: 2, name: 'eth1' },
    ]);
    const expected = toFlowMod(parseFlow(text, FlowModCommand.ADD, { ports }));
    expect({ ...fm, xid: 0 }).toEqual({ ...expected, xid: 0 });
  });

  test('JSON is the same flow as its text', async () => {
    const before = sw.received.length;
    const r = await api.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      headers: { authorization: bearer },
      payload: {
        flow: {
          priority: 10,
          match: { in_port: 'vm1', dl_dst: '02:00:00:00:00:01' },
          actions: 'output:eth1',
        },
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    const fm = await sw.waitFor('flow_mod', () => true, before);
    const ports = new (await import('../../src/text/ports.js')).PortMap([
      { portNo: 1, name: 'vm1' },
      { portNo: 2, name: 'eth1' },
    ]);
    expect({ ...fm, xid: 0 }).toEqual({
      ...toFlowMod(parseFlow(text, FlowModCommand.ADD, { ports })),
      xid: 0,
    });
  });

  test("a bad flow: 400 with the parser's own message, nothing sent", async () => {
    const bad = 'priority=10,nw_src=10.0.0.300,actions=drop';
    let message = '';
    try {
      parseFlow(bad, FlowModCommand.ADD);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    const before = sw.received.length;
    const r = await api.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      headers: { authorization: bearer },
      payload: { flows: ['priority=1,actions=drop', bad] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toBe(`flows[1]: ${message}`);
    await new Promise((r) => setTimeout(r, 100));
    expect(sw.received.slice(before).some((m) => m.type === 'flow_mod')).toBe(false);
  });

  test('malformed JSON and an oversized body are 400 and 413', async () => {
    const h = { authorization: bearer, 'content-type': 'application/json' };
    const r = await api.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      headers: h,
      payload: '{"flow":',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/JSON/);
    const small = await start('127.0.0.1', 64);
    const big = await small.inject({
      method: 'POST',
      url: '/switches/0x2a/flows',
      headers: h,
      payload: JSON.stringify({ flow: `priority=1,${'x'.repeat(100)}` }),
    });
    expect(big.statusCode).toBe(413);
    await small.close();
  });

  test('delete --strict sends DELETE_STRICT', async () => {
    const before = sw.received.length;
    const r = await api.inject({
      method: 'DELETE',
      url: '/switches/0x2a/flows',
      headers: { authorization: bearer },
      payload: { match: 'priority=10,in_port=1', strict: true },
    });
    expect(r.statusCode, r.body).toBe(200);
    const fm = await sw.waitFor('flow_mod', () => true, before);
    expect(fm.command).toBe(FlowModCommand.DELETE_STRICT);
    expect(fm.priority).toBe(10);
  });
});

describe('beyond loopback', () => {
  test('every request needs the token', async () => {
    const open = await start('0.0.0.0');
    expect((await open.inject({ url: '/switches' })).statusCode).toBe(401);
    expect(
      (await open.inject({ url: '/switches', headers: { authorization: bearer } })).statusCode,
    ).toBe(200);
    expect(
      (await open.inject({ url: '/switches', headers: { authorization: `${bearer}x` } }))
        .statusCode,
    ).toBe(401);
    await open.close();
  });
});

describe('events and metrics', () => {
  test('the event stream carries switch_up, port_status and switch_down', async () => {
    const live = await start();
    await live.listen({ host: '127.0.0.1', port: 0 });
    const port = (live.server.address() as { port: number }).port;
    const seen: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: '/events' });
    const got = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8').on('data', (chunk: string) => {
          for (const m of chunk.matchAll(/event: (\w+)\ndata: (.*)\n/g)) {
            const e = JSON.parse(m[2]!);
            seen.push(`${m[1]} ${e.dpid}`);
          }
          if (seen.some((s) => s.startsWith('switch_down'))) resolve();
        });
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const other = await FakeSwitch.connect(tc.port, { dpid: 0x77n });
    await rec.waitFor('switchUp', 2);
    other.send({ type: 'port_status', xid: 0, reason: 0, port: makePort(9, 'new9') });
    await rec.waitFor('portStatus');
    await other.close();
    await got;
    req.destroy();
    expect(seen).toEqual([
      'switch_up 0000000000000077',
      'port_status 0000000000000077',
      'switch_down 0000000000000077',
    ]);
    await live.close();
  });

  test('/metrics passes promtool check metrics and counts per switch', async () => {
    const r = await api.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/^ofctl_flow_mods_total\{dpid="000000000000002a"\} [1-9]/m);
    expect(r.body).toMatch(/^ofctl_switches_connected 1$/m);
    expect(r.body).toMatch(
      /^ofctl_api_request_duration_seconds_count\{method="POST",route="\/switches\/:dpid\/flows",status="200"\} [1-9]/m,
    );
    const out = execFileSync('promtool', ['check', 'metrics'], { input: r.body, encoding: 'utf8' });
    expect(out).toBe('');
  });
});
