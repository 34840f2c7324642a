/**
 * The app host: events go to apps in load order; a handler that throws or rejects is
 * logged with app, event and dpid and affects nobody else; reconcile gets the app's
 * flows (by cookie) before switchUp; a slow switchUp delays the next app's; the
 * definition is checked at load.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { FlowStats } from '../../src/codec/index.js';
import { defineApp } from '../../src/runtime/internal.js';
import { flowStats, makePacketIn } from '../engine/helpers.js';
import { FakeSwitch } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
const switches: FakeSwitch[] = [];

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await tc?.stop();
  tc = undefined;
});

async function connect(dpid: bigint, opts: Parameters<typeof FakeSwitch.connect>[1] = {}) {
  const sw = await FakeSwitch.connect(tc!.port, { dpid, ...opts });
  switches.push(sw);
  return sw;
}

const packetIn = (xid: number) => makePacketIn({ xid });

describe('app host', () => {
  test('a throwing or rejecting handler is logged and does not affect other apps', async () => {
    const order: string[] = [];
    const thrower = recorder('thrower', {
      packetIn() {
        order.push('thrower');
        throw new Error('boom');
      },
    });
    const rejecter = recorder('rejecter', {
      async packetIn() {
        order.push('rejecter');
        throw new Error('async boom');
      },
    });
    const good = recorder('good', {
      packetIn() {
        order.push('good');
      },
    });
    tc = await startController([thrower.def, rejecter.def, good.def]);
    const sw = await connect(0x11n);
    await good.waitFor('switchUp');
    sw.send(packetIn(1));
    sw.send(packetIn(2));
    await good.waitFor('packetIn 17 2');
    expect(order).toEqual(['thrower', 'rejecter', 'good', 'thrower', 'rejecter', 'good']);

    sw.send({ type: 'echo_request', xid: 0x55, data: new Uint8Array(0) });
    await sw.waitFor('echo_reply', (m) => m.xid === 0x55);
    const failures = tc.records.filter((l) => l.event === 'packetIn');
    expect(failures.map((l) => l.app).sort()).toEqual([
      'rejecter',
      'rejecter',
      'thrower',
      'thrower',
    ]);
    for (const l of failures) {
      expect(l.dpid).toBe('0000000000000011');
      expect(l.level).toBe(50);
      expect(String(l.msg)).toContain('packetIn handler failed');
      expect((l.err as { message: string }).message).toMatch(/boom/);
    }
    expect(thrower.events.some((e) => e.startsWith('switchDown'))).toBe(false);
  });

  test('a failing switchUp is logged and the next app still comes up', async () => {
    const bad = recorder('bad', {
      switchUp() {
        throw new Error('no');
      },
    });
    const good = recorder('good');
    tc = await startController([bad.def, good.def]);
    await connect(1n);
    await good.waitFor('switchUp');
    expect(tc.records.some((l) => l.app === 'bad' && l.event === 'switchUp')).toBe(true);
  });

  test('switchUp is awaited in app order; an app sees no event before its switchUp', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = recorder('slow', { switchUp: () => gate });
    const late = recorder('late');
    tc = await startController([slow.def, late.def]);
    const sw = await connect(3n);
    await slow.waitFor('switchUp');
    sw.send(packetIn(10));
    await slow.waitFor('packetIn');
    expect(late.events).toEqual([]);
    release();
    await late.waitFor('switchUp');
    sw.send(packetIn(11));
    await late.waitFor('packetIn 3 11');
    expect(late.events).toEqual(['switchUp 3', 'packetIn 3 11']);
  });

  test('reconcile gets the flows with the app cookie, before switchUp', async () => {
    const got: FlowStats[][] = [];
    const cookie = 0x4242_0000_0000_0000n;
    const app = recorder(
      'recon',
      {
        reconcile(_dp, flows) {
          got.push([...flows]);
        },
      },
      cookie,
    );
    tc = await startController([app.def]);
    const sw = await connect(4n);
    const req = await sw.waitFor('multipart_request', (m) => m.body.kind === 'flow');
    expect(req.body).toMatchObject({
      kind: 'flow',
      tableId: 0xff,
      cookie,
      cookieMask: 0xffffn << 48n,
    });
    expect(app.events).toEqual([]);
    const mine = flowStats({ priority: 5, cookie: cookie | 7n });
    sw.send({
      type: 'multipart_reply',
      xid: req.xid,
      flags: 0,
      body: { kind: 'flow', flows: [mine] },
    });
    await app.waitFor('switchUp');
    expect(got).toEqual([[mine]]);
  });

  test('ctx.datapaths() lists the switches up for the app', async () => {
    let ctxRef: { datapaths(): ReadonlyMap<bigint, unknown> } | undefined;
    const app = defineApp({
      name: 'lister',
      create(ctx) {
        ctxRef = ctx;
        return {};
      },
    });
    const rec = recorder('rec');
    tc = await startController([app, rec.def]);
    const a = await connect(1n);
    await connect(2n);
    await rec.waitFor('switchUp', 2);
    expect([...ctxRef!.datapaths().keys()].sort()).toEqual([1n, 2n]);
    await a.close();
    await rec.waitFor('switchDown 1');
    expect([...ctxRef!.datapaths().keys()]).toEqual([2n]);
  });
});

describe('defineApp', () => {
  test('rejects bad names, a missing create and a cookie outside its mask', () => {
    expect(() => defineApp({ name: 'Bad Name', create: () => ({}) })).toThrow(/lowercase/);
    expect(() => defineApp({ name: 'x', create: undefined as never })).toThrow(/create/);
    expect(() =>
      defineApp({ name: 'x', cookie: { value: 3n, mask: 1n }, create: () => ({}) }),
    ).toThrow(/outside its mask/);
  });

  test('an app whose create() throws stops the controller from starting, naming the app', async () => {
    const app = defineApp({
      name: 'broken',
      create() {
        throw new Error('missing thing');
      },
    });
    await expect(startController([app])).rejects.toThrow(
      'app broken failed to start: missing thing',
    );
  });
});
