/**
 * Requests and errors over a live connection: multipart reassembly across REPLY_MORE,
 * OFPT_ERROR routed by xid (to the rejected request, or to the app that sent a
 * fire-and-forget message), malformed input answered with OFPT_ERROR while the
 * connection stays up, framing errors closing it, the barrier the runtime puts between
 * a delete and an add, and one socket write per read.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { encodeMessage, errorByName, errorCodeName, type Message } from '../../src/codec/index.js';
import { OpenFlowError } from '../../src/runtime/internal.js';
import { flowStats, makePacketIn } from '../engine/helpers.js';
import { FakeSwitch, makePort } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
const switches: FakeSwitch[] = [];

async function setup(apps: ReturnType<typeof recorder>[], opts = {}) {
  tc = await startController(
    apps.map((a) => a.def),
    opts,
  );
  const sw = await FakeSwitch.connect(tc.port, { dpid: 5n, ports: [makePort(1), makePort(2)] });
  switches.push(sw);
  await Promise.all(apps.map((a) => a.waitFor('switchUp')));
  return sw;
}

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await tc?.stop();
  tc = undefined;
});

const flow = (priority: number) =>
  flowStats({
    durationSec: 1,
    priority,
    cookie: BigInt(priority),
    match: [{ field: 'in_port', value: priority }],
  });

function errorFor(m: Message, name: string): Message {
  const id = errorByName(name)!;
  return {
    type: 'error',
    xid: m.xid,
    errType: id.type,
    code: id.code,
    data: encodeMessage(m).subarray(0, 64),
  };
}

describe('requests and replies', () => {
  test('a multipart reply in REPLY_MORE parts resolves once, merged in order', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    const dp = app.handles.get(5n)!;
    const stats = dp.flowStats({ tableId: 3 });
    const req = await sw.waitFor('multipart_request', (m) => m.body.kind === 'flow');
    expect(req.body).toMatchObject({ kind: 'flow', tableId: 3, cookieMask: 0n });
    const flows = [1, 2, 3, 4, 5, 6, 7].map(flow);
    sw.replyInParts(
      req.xid,
      flows.map((f) => ({ kind: 'flow', flows: [f] })),
      4,
    );
    const got = await stats;
    expect(got.map((f) => f.priority)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('an OFPT_ERROR with a request xid rejects that request with the spec name', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    const dp = app.handles.get(5n)!;
    const p = dp.request({ type: 'multipart_request', flags: 0, body: { kind: 'meter_features' } });
    const req = await sw.waitFor('multipart_request', (m) => m.body.kind === 'meter_features');
    sw.send(errorFor(req, 'OFPBRC_BAD_MULTIPART'));
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenFlowError);
    expect((err as OpenFlowError).errorName).toBe('OFPBRC_BAD_MULTIPART');
    expect((err as OpenFlowError).request?.type).toBe('multipart_request');
    expect(app.events.some((e) => e.startsWith('error'))).toBe(false);
  });

  test('an error about a fire-and-forget send goes to the app that sent it, only', async () => {
    const a = recorder('app-a');
    const b = recorder('app-b');
    const sw = await setup([a, b]);
    const xid = a.handles.get(5n)!.flowMod({ match: [{ field: 'tcp_dst', value: 80 }] });
    const fm = await sw.waitFor('flow_mod', (m) => m.xid === xid);
    sw.send(errorFor(fm, 'OFPBMC_BAD_PREREQ'));
    expect(await a.waitFor('error')).toBe('error 5 OFPBMC_BAD_PREREQ');
    const bXid = b.handles.get(5n)!.send({ type: 'barrier_request' });
    await sw.waitFor('barrier_request', (m) => m.xid === bXid);
    expect(b.events.some((e) => e.startsWith('error'))).toBe(false);
  });

  test('an error whose xid nobody knows goes to every app with an error handler', async () => {
    const a = recorder('app-a');
    const b = recorder('app-b');
    await setup([a, b]).then((sw) =>
      sw.send({ type: 'error', xid: 0xdead, errType: 5, code: 0, data: new Uint8Array(0) }),
    );
    expect(await a.waitFor('error')).toBe('error 5 OFPFMFC_UNKNOWN');
    expect(await b.waitFor('error')).toBe('error 5 OFPFMFC_UNKNOWN');
  });

  test('barrier() resolves on the barrier reply; a request without reply times out', async () => {
    const app = recorder('rec');
    const sw = await setup([app], { requestTimeoutMs: 100 });
    const dp = app.handles.get(5n)!;
    await dp.barrier();
    expect(sw.all('barrier_request').length).toBeGreaterThan(0);
    const p = dp.request({ type: 'get_config_request' });
    await expect(p).rejects.toThrow(/no reply to get_config_request .* within 100 ms/);
  });

  test('a message too big to encode throws at the sender (a request rejects) and sends nothing', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    const dp = app.handles.get(5n)!;
    const conn = tc!.controller.registry.get(5n)!;
    const huge = Buffer.alloc(70_000);
    expect(() => dp.packetOut({ actions: [], data: huge })).toThrow(/exceeds 65535/);
    const experimenter = { kind: 'experimenter', experimenter: 1, expType: 1, data: huge } as const;
    const p = dp.request({ type: 'multipart_request', flags: 0, body: experimenter });
    await expect(p).rejects.toThrow(/exceeds 65535/);
    expect(conn.pendingRequests).toBe(0);
    await dp.barrier();
    expect(sw.all('packet_out')).toEqual([]);
    expect(sw.all('multipart_request').filter((m) => m.body.kind === 'experimenter')).toEqual([]);
  });

  test('a DELETE followed by an ADD has a barrier between them', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    const dp = app.handles.get(5n)!;
    const del = dp.deleteFlows();
    const add = dp.flowMod({ priority: 0 });
    await sw.waitFor('flow_mod', (m) => m.xid === add);
    const seq = sw.received.filter((m) => m.type === 'flow_mod' || m.type === 'barrier_request');
    const i = seq.findIndex((m) => m.xid === del);
    expect(seq.slice(i).map((m) => m.type)).toEqual(['flow_mod', 'barrier_request', 'flow_mod']);
  });

  test('unsolicited replies and experimenter messages reach the message handler', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    sw.send({
      type: 'experimenter',
      xid: 9,
      experimenter: 0x2320,
      expType: 1,
      data: Buffer.alloc(4),
    });
    expect(await app.waitFor('message')).toBe('message 5 experimenter');
  });

  test('PORT_STATUS updates dp.ports before the apps hear of it', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    sw.send({ type: 'port_status', xid: 0, reason: 0, port: makePort(9) });
    expect(await app.waitFor('portStatus')).toBe('portStatus 5 9 ports=1,2,9');
    sw.send({ type: 'port_status', xid: 0, reason: 1, port: makePort(1) });
    expect(await app.waitFor('portStatus 5 1')).toBe('portStatus 5 1 ports=2,9');
  });
});

describe('malformed input', () => {
  test('an undecodable message gets OFPT_ERROR with its first 64 bytes; the switch stays', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    // An OFPT_PACKET_IN whose match length runs past the message.
    const bad = Buffer.alloc(100);
    bad.writeUInt8(4, 0);
    bad.writeUInt8(10, 1);
    bad.writeUInt16BE(100, 2);
    bad.writeUInt32BE(0x55, 4);
    bad.writeUInt16BE(1, 24);
    bad.writeUInt16BE(200, 26);
    for (let i = 0; i < 10; i++) sw.sendRaw(bad);
    const err = await sw.waitFor('error', (m) => m.xid === 0x55);
    expect(errorCodeName(err.errType, err.code)).toBe('OFPBMC_BAD_LEN');
    expect(Buffer.from(err.data)).toEqual(bad.subarray(0, 64));

    sw.send({ type: 'echo_request', xid: 0x77, data: new Uint8Array(0) });
    await sw.waitFor('echo_reply', (m) => m.xid === 0x77);
    expect(sw.all('error').length).toBe(10);
    const warnings = tc!.records.filter((l) => String(l.msg).startsWith('malformed message'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(3);
    expect(warnings[0]!.dpid).toBe('0000000000000005');
    expect(app.events.some((e) => e.startsWith('switchDown'))).toBe(false);
  });

  test('an unknown message type is answered with OFPBRC_BAD_TYPE', async () => {
    const sw = await setup([recorder('rec')]);
    sw.sendRaw(Buffer.from([4, 99, 0, 8, 0, 0, 0, 0x42]));
    const err = await sw.waitFor('error', (m) => m.xid === 0x42);
    expect(errorCodeName(err.errType, err.code)).toBe('OFPBRC_BAD_TYPE');
  });

  test('a controller-to-switch message from the switch is answered with OFPBRC_BAD_TYPE', async () => {
    const sw = await setup([recorder('rec')]);
    sw.send({ type: 'features_request', xid: 0x43 });
    const err = await sw.waitFor('error', (m) => m.xid === 0x43);
    expect(errorCodeName(err.errType, err.code)).toBe('OFPBRC_BAD_TYPE');
  });

  test('a framing error (length < 8) is answered with OFPBRC_BAD_LEN and closes only that switch', async () => {
    const app = recorder('rec');
    const sw = await setup([app]);
    const other = await FakeSwitch.connect(tc!.port, { dpid: 6n });
    switches.push(other);
    await app.waitFor('switchUp 6');
    sw.sendRaw(Buffer.from([4, 2, 0, 4, 0, 0, 0, 1]));
    const err = await sw.waitFor('error');
    expect(errorCodeName(err.errType, err.code)).toBe('OFPBRC_BAD_LEN');
    await sw.closed;
    expect(await app.waitFor('switchDown 5')).toContain('framing error');
    other.send({ type: 'echo_request', xid: 0x99, data: new Uint8Array(0) });
    await other.waitFor('echo_reply', (m) => m.xid === 0x99);
    expect(tc!.controller.registry.get(6n)).toBeDefined();
  });
});

describe('batching', () => {
  test('replies produced while handling one read leave in one socket write', async () => {
    const app = recorder('rec', {
      packetIn(dp, m) {
        dp.packetOut({ actions: [{ type: 'output', port: 1, maxLen: 0 }], data: m.data });
      },
    });
    const sw = await setup([app]);
    const conn = tc!.controller.registry.get(5n)!;
    const reads = conn.stats.reads;
    const writes = conn.writes;
    const burst = Buffer.concat(
      Array.from({ length: 50 }, (_, i) =>
        encodeMessage(makePacketIn({ xid: 1000 + i, inPort: 2, data: Buffer.alloc(60, i) })),
      ),
    );
    sw.sendRaw(burst);
    await app.waitFor('packetIn 5 1049');
    await sw.waitFor('packet_out', (m) => m.data[0] === 49);
    expect(conn.stats.reads - reads).toBeGreaterThanOrEqual(1);
    expect(conn.writes - writes).toBe(conn.stats.reads - reads);
    expect(sw.all('packet_out').map((p) => p.data[0])).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });
});
