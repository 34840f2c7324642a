/**
 * Targeted bad input against a live controller (in-process, TCP, l2-learning), each with
 * the exact answer the spec calls for: wrong version (OFPBRC_BAD_VERSION), unknown type
 * and controller-to-switch messages (OFPBRC_BAD_TYPE), lengths that disagree with the
 * body or exceed it (OFPBRC_BAD_LEN), an unknown multipart kind (OFPBRC_BAD_MULTIPART),
 * all with the connection kept; a length below the header (OFPBRC_BAD_LEN, then close);
 * handshakes out of order (OFPHFC_INCOMPATIBLE, then close; a second HELLO ignored;
 * a PACKET_IN before the handshake is done dropped); xids that collide with a pending
 * request; multipart floods; truncated messages; and one log line per kind of mistake.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type ErrorMsg,
  encodeMessage,
  errorCodeName,
  type Message,
} from '../../src/codec/index.js';
import { type Connection, OpenFlowError, ReplyTooLargeError } from '../../src/runtime/internal.js';
import { flowMod, flowStats } from '../engine/helpers.js';
import { ethFrame } from '../engine/packet-helpers.js';
import { type FakeSwitch, type FakeSwitchOptions, HELLO_13 } from '../runtime/fake-switch.js';
import {
  l2Learning,
  packetIn,
  roundTrip,
  startTestController,
  type TestController,
  whenReady,
} from './support/controller.js';
import { OFPT_MULTIPART_REPLY, rawMessage } from './support/fuzz-cases.js';
import { connectPeer } from './support/peer.js';
import { settles, until } from './support/wait.js';

const MAX_REPLY = 256 * 1024;
let tc: TestController;
let good: FakeSwitch;
const peers: FakeSwitch[] = [];
let nextDpid = 0x0bad_0000_0000_0000n;

beforeAll(async () => {
  tc = await startTestController([l2Learning()], { maxReplyBytes: MAX_REPLY });
  good = await connectPeer(tc.port, { dpid: 0x600dn });
  await whenReady(good);
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  // Whatever a case did, the well-behaved switch is still served.
  await roundTrip(good);
});

afterAll(async () => {
  await good?.close();
  await tc?.stop();
});

async function connect(opts: FakeSwitchOptions = {}): Promise<FakeSwitch> {
  const p = await connectPeer(tc.port, { dpid: nextDpid++, ...opts });
  peers.push(p);
  return p;
}

/** A switch through the handshake (reconciled, table-miss flow received). */
async function ready(opts: FakeSwitchOptions = {}): Promise<FakeSwitch> {
  const p = await connect(opts);
  await whenReady(p);
  return p;
}

function connectionOf(p: FakeSwitch): Connection {
  const name = `127.0.0.1:${p.socket.localPort}`;
  const c = [...tc.controller.connections].find((x) => x.peer === name);
  if (!c) throw new Error(`no connection for ${name}`);
  return c;
}

/** The next OFPT_ERROR, checked against the spec name, xid and echoed bytes. */
async function expectError(
  p: FakeSwitch,
  name: string,
  sent: Buffer,
  from: number,
): Promise<ErrorMsg> {
  const e = await p.waitFor('error', () => true, from);
  expect(errorCodeName(e.errType, e.code)).toBe(name);
  expect(e.xid).toBe(sent.length >= 8 ? sent.readUInt32BE(4) : 0);
  expect(Buffer.from(e.data).equals(sent.subarray(0, 64))).toBe(true);
  return e;
}

/** Sends an echo request and waits for its reply: the connection is alive and in step. */
async function stillServed(p: FakeSwitch): Promise<void> {
  const xid = 0x5e5e_0000 + p.received.length;
  p.send({ type: 'echo_request', xid, data: Buffer.from('alive?') });
  await p.waitFor('echo_reply', (m) => m.xid === xid);
  expect(p.isClosed).toBe(false);
}

const echo = (xid: number, data = Buffer.alloc(0)) =>
  encodeMessage({ type: 'echo_request', xid, data });

describe('answers to malformed messages, connection kept', () => {
  test('version 0x01 in a 1.3 session: OFPBRC_BAD_VERSION', async () => {
    const p = await ready();
    const bad = echo(0x11);
    bad[0] = 0x01;
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_VERSION', bad, from);
    await stillServed(p);
  });

  test('an unknown message type: OFPBRC_BAD_TYPE', async () => {
    const p = await ready();
    const bad = rawMessage(4, 99, 0x12, Buffer.from('??'));
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_TYPE', bad, from);
    await stillServed(p);
  });

  test('a FLOW_MOD (controller-to-switch) from the switch: OFPBRC_BAD_TYPE', async () => {
    const p = await ready();
    const bad = encodeMessage(flowMod({ xid: 0x13, priority: 1 }));
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_TYPE', bad, from);
    await stillServed(p);
  });

  test('a FEATURES_REPLY shorter than its fixed size: OFPBRC_BAD_LEN', async () => {
    const p = await ready();
    const bad = rawMessage(4, 6, 0x14, Buffer.alloc(16));
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_LEN', bad, from);
    await stillServed(p);
  });

  test('an oversized FEATURES_REPLY (65535 bytes): OFPBRC_BAD_LEN, first 64 bytes echoed', async () => {
    const p = await ready();
    const bad = rawMessage(4, 6, 0x15, Buffer.alloc(0xffff - 8, 0xab));
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_LEN', bad, from);
    await stillServed(p);
  });

  test('a multipart reply of an unknown kind: OFPBRC_BAD_MULTIPART', async () => {
    const p = await ready();
    const body = Buffer.alloc(8);
    body.writeUInt16BE(0x7777, 0);
    const bad = rawMessage(4, OFPT_MULTIPART_REPLY, 0x16, body);
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_MULTIPART', bad, from);
    await stillServed(p);
  });

  test('the largest legal message, written one byte at a time, is answered whole', async () => {
    const p = await ready();
    const big = echo(0x17, Buffer.alloc(0xffff - 8, 0x5a));
    for (let i = 0; i < 64; i++) p.sendRaw(big.subarray(i, i + 1));
    p.sendRaw(big.subarray(64));
    const reply = await p.waitFor('echo_reply', (m) => m.xid === 0x17);
    expect(Buffer.from(reply.data).equals(big.subarray(8))).toBe(true);
  });
});

describe('answers that close the connection', () => {
  test('a length below the 8-byte header: OFPBRC_BAD_LEN, then close', async () => {
    const p = await ready();
    const bad = Buffer.from([4, 2, 0, 4, 0, 0, 0, 0x21]);
    const from = p.received.length;
    p.sendRaw(bad);
    await expectError(p, 'OFPBRC_BAD_LEN', bad, from);
    expect(await settles(p.closed)).toBe(true);
  });

  test.each<[string, Message]>([
    [
      'FEATURES_REPLY',
      {
        type: 'features_reply',
        xid: 0x31,
        datapathId: 1n,
        nBuffers: 0,
        nTables: 1,
        auxiliaryId: 0,
        capabilities: 0,
        reserved: 0,
      },
    ],
    ['PACKET_IN', packetIn(0x31, 1, ethFrame(0xffff_ffff_ffff, 0x02_00_00_00_00_31))],
  ])('%s before HELLO: OFPHFC_INCOMPATIBLE, then close', async (_, m) => {
    const p = await connect({ hello: false, handshake: false });
    p.send(m);
    const e = await p.waitFor('error');
    expect(errorCodeName(e.errType, e.code)).toBe('OFPHFC_INCOMPATIBLE');
    expect(e.xid).toBe(0x31);
    expect(Buffer.from(e.data).toString('latin1')).toMatch(/expected HELLO first/);
    expect(await settles(p.closed)).toBe(true);
    expect(p.all('features_request')).toEqual([]);
  });

  test('a switch that hangs up in the middle of a message is released quietly', async () => {
    const p = await ready();
    const before = tc.records.length;
    p.sendRaw(echo(0x41, Buffer.alloc(100)).subarray(0, 50));
    await p.close();
    expect(await until(() => tc.controller.connections.size === 1)).toBe(true);
    const problems = tc.records.slice(before).filter((r) => r.level >= 50);
    expect(problems).toEqual([]);
  });
});

describe('handshakes out of order', () => {
  test('a second HELLO is ignored and the handshake completes', async () => {
    const p = await connect({ hello: false });
    p.send(HELLO_13);
    p.send({ ...HELLO_13, xid: 2 });
    await whenReady(p);
    expect(p.all('error')).toEqual([]);
    expect(tc.controller.registry.get(p.dpid)).toBeDefined();
  });

  test('a PACKET_IN between HELLO and the end of the handshake is dropped, not served', async () => {
    const p = await connect({ handshake: false });
    await p.waitFor('features_request');
    p.send(packetIn(0, 1, ethFrame(0xffff_ffff_ffff, 0x02_00_00_00_00_51)));
    await stillServed(p);
    const c = connectionOf(p);
    expect(c.state).toBe('features');
    expect(c.stats.droppedBeforeReady).toBe(1);
    expect(p.all('packet_out')).toEqual([]);
    expect(p.all('error')).toEqual([]);
  });
});

describe('xids that collide with a pending request', () => {
  test('a reply of the wrong type does not settle it; an OFPT_ERROR with its xid fails it', async () => {
    const p = await ready();
    const dp = tc.controller.appHandles(connectionOf(p))[0]!;
    const pending = dp.request<'get_config_request'>({ type: 'get_config_request' });
    const req = await p.waitFor('get_config_request');
    p.send({ type: 'barrier_reply', xid: req.xid });
    p.send({ type: 'get_config_reply', xid: req.xid, flags: 0, missSendLen: 128 });
    expect((await pending).missSendLen).toBe(128);
    // The same xid again, now settled: unsolicited, dropped.
    p.send({ type: 'get_config_reply', xid: req.xid, flags: 0, missSendLen: 1 });

    const failing = dp.request({ type: 'get_config_request' }).catch((e: unknown) => e);
    const req2 = await p.waitFor('get_config_request', (m) => m.xid !== req.xid);
    p.send({ type: 'error', xid: req2.xid, errType: 1, code: 1, data: echo(req2.xid) });
    const err = await failing;
    expect(err).toBeInstanceOf(OpenFlowError);
    expect((err as OpenFlowError).errorName).toBe('OFPBRC_BAD_TYPE');
    await stillServed(p);
  });
});

describe('multipart floods', () => {
  const flow = (n: number) => flowStats({ priority: n, match: [{ field: 'in_port', value: n }] });

  test('parts past the reply cap fail the request and are no longer kept', async () => {
    const p = await ready();
    const dp = tc.controller.appHandles(connectionOf(p))[0]!;
    const stats = dp
      .request({ type: 'multipart_request', flags: 0, body: { kind: 'table' } })
      .catch((e: unknown) => e);
    const req = await p.waitFor('multipart_request', (m) => m.body.kind === 'table');
    const table = (tableId: number) => ({
      tableId,
      activeCount: 1,
      lookupCount: 2n,
      matchedCount: 1n,
    });
    const part = encodeMessage({
      type: 'multipart_reply',
      xid: req.xid,
      flags: 1,
      body: { kind: 'table', tables: Array.from({ length: 250 }, (_, i) => table(i)) },
    });
    const parts = Math.ceil((4 * MAX_REPLY) / part.length);
    p.sendRaw(Buffer.concat(Array.from({ length: parts }, () => part)));
    const err = await stats;
    expect(err).toBeInstanceOf(ReplyTooLargeError);
    expect((err as Error).message).toMatch(`passed ${MAX_REPLY} bytes`);
    await stillServed(p);
    expect(connectionOf(p).pendingRequests).toBe(0);
  });

  test('unsolicited REPLY_MORE parts for no request are dropped, no error, connection kept', async () => {
    const p = await ready();
    const part = encodeMessage({
      type: 'multipart_reply',
      xid: 0x7777,
      flags: 1,
      body: { kind: 'flow', flows: [flow(1)] },
    });
    const from = p.received.length;
    p.sendRaw(Buffer.concat(Array.from({ length: 5000 }, () => part)));
    await stillServed(p);
    expect(p.received.slice(from).filter((m) => m.type === 'error')).toEqual([]);
    expect(connectionOf(p).pendingRequests).toBe(0);
  });
});

describe('logging bad input', () => {
  test('one warning per kind of mistake, however often it is repeated', async () => {
    const p = await ready();
    const name = `127.0.0.1:${p.socket.localPort}`;
    const before = tc.records.length;
    const badType = rawMessage(4, 99, 0x61, Buffer.alloc(0));
    const badLen = rawMessage(4, 6, 0x62, Buffer.alloc(4));
    const from = p.received.length;
    for (let i = 0; i < 50; i++) p.sendRaw(badType);
    for (let i = 0; i < 50; i++) p.sendRaw(badLen);
    await stillServed(p);
    const errors = p.received.slice(from).filter((m): m is ErrorMsg => m.type === 'error');
    expect(errors.map((e) => errorCodeName(e.errType, e.code))).toEqual([
      ...Array(50).fill('OFPBRC_BAD_TYPE'),
      ...Array(50).fill('OFPBRC_BAD_LEN'),
    ]);
    const lines = tc.records.slice(before).filter((r) => r.level >= 40 && r.peer === name);
    expect(lines.map((r) => r.kind)).toEqual([
      'malformed OFPBRC_BAD_TYPE',
      'malformed OFPBRC_BAD_LEN',
    ]);
    expect(connectionOf(p).stats.malformed).toBe(100);
  });
});
