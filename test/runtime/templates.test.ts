/**
 * The fast way out over a live connection: message templates sent by an app reach the
 * switch as the same FLOW_MOD / PACKET_OUT the ordinary calls would send, keep the
 * runtime's guarantees (a barrier between a delete and an add, OFPT_ERRORs routed to
 * the sending app, the flow model fed), and packet-ins read in place carry the ingress
 * port and the event time of their socket read.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  encodeMessage,
  errorByName,
  FlowModTemplate,
  type PacketIn,
  PacketOutTemplate,
  packetInPort,
} from '../../src/codec/index.js';
import {
  type Datapath,
  engineFlowModel,
  eventTime,
  fillFlowMod,
} from '../../src/runtime/internal.js';
import { FakeSwitch, makePort } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
const switches: FakeSwitch[] = [];

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await tc?.stop();
  tc = undefined;
});

async function setup(apps: ReturnType<typeof recorder>[], opts = {}) {
  tc = await startController(
    apps.map((a) => a.def),
    opts,
  );
  const sw = await FakeSwitch.connect(tc.port, { dpid: 7n, ports: [makePort(1), makePort(2)] });
  switches.push(sw);
  await Promise.all(apps.map((a) => a.waitFor('switchUp')));
  return sw;
}

const COOKIE = 0x4c32_0000_0000_0000n;
const spec = {
  priority: 5,
  idleTimeout: 60,
  match: [
    { field: 'in_port', value: 0 },
    { field: 'eth_dst', value: 0 },
  ],
  actions: [{ type: 'output', port: 0, maxLen: 0 }],
} as const;

const frame = Buffer.alloc(60, 0x5a);
const packetIn = (xid: number, inPort: number): PacketIn => ({
  type: 'packet_in',
  xid,
  bufferId: 0xffffffff,
  totalLen: 60,
  reason: 0,
  tableId: 0,
  cookie: 0n,
  match: [{ field: 'in_port', value: inPort }],
  data: frame,
});

describe('templates over a connection', () => {
  test('a FLOW_MOD template after a delete: DELETE, BARRIER, then the same ADD as flowMod()', async () => {
    const app = recorder('a', {}, COOKIE);
    const sw = await setup([app]);
    const dp = app.handles.get(7n)!;
    const t = new FlowModTemplate(fillFlowMod(spec, COOKIE));
    const from = sw.received.length;
    dp.deleteFlows();
    const xid = dp.sendTemplate(t.setField(0, 2).setField(1, 0x020000000009).setOutput(0, 1));
    const add = await sw.waitFor('flow_mod', (m) => m.command === 0, from);
    const types = sw.received.slice(from).map((m) => m.type);
    expect(types).toEqual(['flow_mod', 'barrier_request', 'flow_mod']);
    const want = fillFlowMod(
      {
        ...spec,
        match: [
          { field: 'in_port', value: 2 },
          { field: 'eth_dst', value: 0x020000000009 },
        ],
        actions: [{ type: 'output', port: 1, maxLen: 0 }],
      },
      COOKIE,
      xid,
    );
    expect(add).toEqual(want);
  });

  test('a PACKET_OUT template carries its data; the handler saw the in_port without a match', async () => {
    const out = new PacketOutTemplate({ bufferId: 0, inPort: 0, actions: spec.actions });
    const ports: (number | undefined)[] = [];
    const app = recorder('a', {
      packetIn(dp: Datapath, m: PacketIn) {
        ports.push(packetInPort(m));
        const t = out.setBufferId(m.bufferId).setInPort(packetInPort(m)!).setOutput(0, 2);
        dp.sendTemplate(t, m.data);
      },
    });
    const sw = await setup([app]);
    sw.send(packetIn(41, 1));
    const po = await sw.waitFor('packet_out');
    expect(po).toMatchObject({ bufferId: 0xffffffff, inPort: 1, actions: [{ port: 2 }] });
    expect(Buffer.from(po.data)).toEqual(frame);
    expect(ports).toEqual([1]);
  });

  test("an OFPT_ERROR about a template's xid goes to the app that sent it", async () => {
    const quiet = recorder('quiet');
    const sender = recorder('sender');
    const sw = await setup([quiet, sender]);
    const t = new FlowModTemplate(fillFlowMod(spec, 0n));
    const xid = sender.handles.get(7n)!.sendTemplate(t);
    const fm = await sw.waitFor('flow_mod', (m) => m.xid === xid);
    const id = errorByName('OFPBMC_BAD_FIELD')!;
    sw.send({
      type: 'error',
      xid,
      errType: id.type,
      code: id.code,
      data: encodeMessage(fm).subarray(0, 64),
    });
    await sender.waitFor('error 7 OFPBMC_BAD_FIELD');
    expect(quiet.events.filter((e) => e.startsWith('error'))).toEqual([]);
  });

  test('with a flow model, template FLOW_MODs are applied to it', async () => {
    const app = recorder('a', {}, COOKIE);
    const sw = await setup([app], { flowModel: engineFlowModel });
    const dp = app.handles.get(7n)!;
    const t = new FlowModTemplate(fillFlowMod(spec, COOKIE));
    const xid = dp.sendTemplate(t.setField(0, 1).setField(1, 0x0a).setOutput(0, 2));
    await sw.waitFor('flow_mod', (m) => m.xid === xid);
    expect(dp.model!.flows()).toMatchObject([
      { priority: 5, cookie: COOKIE, match: [{ value: 1 }, { value: 0x0a }] },
    ]);
  });

  test('every packet-in of one socket read sees the same event time', async () => {
    const times: number[] = [];
    const app = recorder('a', {
      packetIn() {
        times.push(eventTime());
      },
    });
    const sw = await setup([app]);
    const conn = [...tc!.controller.connections][0]!;
    const readsBefore = conn.stats.reads;
    sw.sendRaw(
      Buffer.concat(Array.from({ length: 50 }, (_, i) => encodeMessage(packetIn(i + 1, 1)))),
    );
    await app.waitFor('packetIn', 50);
    const reads = conn.stats.reads - readsBefore;
    expect(new Set(times).size).toBeLessThanOrEqual(reads);
    expect(reads).toBeLessThan(50);
    const before = eventTime();
    expect(performance.now()).toBeGreaterThanOrEqual(before);
  });
});
