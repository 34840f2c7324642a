/**
 * The connection handshake against a fake switch over real TCP: HELLO and version
 * negotiation, FEATURES, SET_CONFIG with miss_send_len, PORT_DESC (also in parts), a
 * switch that cannot speak 1.3, one that never says HELLO, and echo both ways.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { errorCodeName, type Hello } from '../../src/codec/index.js';
import { FakeSwitch, makePort } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

let tc: TestController | undefined;
const switches: FakeSwitch[] = [];

async function connect(opts: Parameters<typeof FakeSwitch.connect>[1] = {}) {
  const sw = await FakeSwitch.connect(tc!.port, opts);
  switches.push(sw);
  return sw;
}

afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.close()));
  await tc?.stop();
  tc = undefined;
});

const hello = (version: number, bitmaps?: number[]): Hello => ({
  type: 'hello',
  xid: 7,
  version,
  elements: bitmaps ? [{ type: 'versionbitmap', bitmaps }] : [],
});

describe('handshake', () => {
  test('HELLO, FEATURES, SET_CONFIG, PORT_DESC, then switchUp with the ports', async () => {
    const app = recorder('rec');
    tc = await startController([app.def], { missSendLen: 128 });
    const sw = await connect({ dpid: 0xabcn, ports: [makePort(1), makePort(2), makePort(7)] });
    await app.waitFor('switchUp 2748');

    const types = sw.received.map((m) => m.type);
    expect(types.slice(0, 4)).toEqual([
      'hello',
      'features_request',
      'set_config',
      'multipart_request',
    ]);
    const ourHello = sw.received[0] as Hello;
    expect(ourHello.version).toBe(4);
    expect(ourHello.elements).toEqual([{ type: 'versionbitmap', bitmaps: [0x10] }]);
    const cfg = sw.all('set_config')[0]!;
    expect(cfg.missSendLen).toBe(128);
    expect(cfg.flags).toBe(0);

    const dp = app.handles.get(0xabcn)!;
    expect(dp.dpidHex).toBe('0000000000000abc');
    expect([...dp.ports.keys()]).toEqual([1, 2, 7]);
    expect(dp.features.nTables).toBe(254);
    expect(dp.connected).toBe(true);
    const up = tc.records.find((l) => l.msg === 'switch up');
    expect(up?.dpid).toBe('0000000000000abc');
  });

  test('a PORT_DESC reply in several parts is reassembled', async () => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    const ports = [1, 2, 3, 4, 5].map((n) => makePort(n));
    const sw = await connect({ ports, portDescParts: 3 });
    await app.waitFor('switchUp');
    expect([...app.handles.get(sw.dpid)!.ports.keys()]).toEqual([1, 2, 3, 4, 5]);
  });

  test.each([
    ['1.0 only, no bitmap', hello(1)],
    ['bitmap of 1.0 and 1.4', hello(5, [(1 << 1) | (1 << 5)])],
    ['1.2 header, no bitmap', hello(3)],
  ])('a switch without 1.3 (%s) gets HELLO_FAILED/INCOMPATIBLE and is closed', async (_, h) => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    const sw = await connect({ hello: h });
    const err = await sw.waitFor('error');
    expect(errorCodeName(err.errType, err.code)).toBe('OFPHFC_INCOMPATIBLE');
    expect(err.xid).toBe(7);
    expect(Buffer.from(err.data).toString('latin1')).toContain('OpenFlow 1.3');
    await sw.closed;
    expect(sw.all('features_request')).toHaveLength(0);
    expect(app.events).toEqual([]);
  });

  test.each([
    ['bitmap of 1.0 and 1.3', hello(4, [(1 << 1) | (1 << 4)])],
    ['1.4 header, no bitmap', hello(5)],
    ['1.5 header, bitmap 1.3-1.5', hello(6, [(1 << 4) | (1 << 5) | (1 << 6)])],
  ])('a switch offering 1.3 (%s) is accepted', async (_, h) => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    await connect({ hello: h });
    await app.waitFor('switchUp');
  });

  test('a message before HELLO is refused with HELLO_FAILED and a close', async () => {
    tc = await startController([]);
    const sw = await connect({ hello: false });
    sw.send({ type: 'echo_request', xid: 3, data: new Uint8Array(0) });
    const err = await sw.waitFor('error');
    expect(errorCodeName(err.errType, err.code)).toBe('OFPHFC_INCOMPATIBLE');
    await sw.closed;
  });

  test('a switch that never says HELLO is dropped after the handshake timeout', async () => {
    tc = await startController([], { handshakeTimeoutMs: 200 });
    const sw = await connect({ hello: false });
    await sw.closed;
    const closed = tc.records.find((l) => String(l.reason).includes('handshake not finished'));
    expect(closed).toBeDefined();
    expect(tc.controller.connections.size).toBe(0);
  });

  test('a switch that does not answer FEATURES_REQUEST is dropped when the request times out', async () => {
    tc = await startController([], { requestTimeoutMs: 200 });
    const sw = await connect({ handshake: false });
    await sw.closed;
    expect(tc.records.some((l) => String(l.reason).includes('no reply to features_request'))).toBe(
      true,
    );
  });

  test('the switch echo request is answered with its xid and data', async () => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    const sw = await connect();
    await app.waitFor('switchUp');
    sw.send({ type: 'echo_request', xid: 0x1234, data: Buffer.from('ping!') });
    const reply = await sw.waitFor('echo_reply', (m) => m.xid === 0x1234);
    expect(Buffer.from(reply.data).toString()).toBe('ping!');
  });

  test('a silent switch is sent echo requests and stays up while it answers them', async () => {
    const app = recorder('rec');
    tc = await startController([app.def], { echoIntervalMs: 50, echoTimeoutMs: 5_000 });
    const sw = await connect();
    await app.waitFor('switchUp');
    await sw.waitFor('echo_request');
    const count = sw.all('echo_request').length;
    await sw.waitFor('echo_request', () => true, sw.received.length);
    expect(sw.all('echo_request').length).toBeGreaterThan(count);
    expect(app.events.some((e) => e.startsWith('switchDown'))).toBe(false);
  });

  test('a switch that stops answering is dropped after the echo timeout', async () => {
    const app = recorder('rec');
    tc = await startController([app.def], { echoIntervalMs: 50, echoTimeoutMs: 150 });
    const sw = await connect({ echo: false });
    const down = await app.waitFor('switchDown');
    expect(down).toContain('dead peer');
    await sw.closed;
    expect(sw.all('echo_request').length).toBeGreaterThan(0);
  });
});
