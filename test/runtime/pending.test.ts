/**
 * The pending-request table on its own (fake timers): xids, reply matching by type and
 * xid, multipart reassembly, errors, timeouts restarted by each part, rejectAll.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { MultipartReply } from '../../src/codec/index.js';
import {
  ConnectionClosedError,
  mergeMultipart,
  OpenFlowError,
  PendingRequests,
  RequestTimeoutError,
} from '../../src/runtime/internal.js';
import { flowStats } from '../engine/helpers.js';
import { makePort } from './fake-switch.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const portDesc = (xid: number, more: boolean, ...nos: number[]): MultipartReply => ({
  type: 'multipart_reply',
  xid,
  flags: more ? 1 : 0,
  body: { kind: 'port_desc', ports: nos.map((n) => makePort(n)) },
});

describe('PendingRequests', () => {
  test('xids count up from 1, skip 0 on wrap-around and skip xids still pending', () => {
    const p = new PendingRequests();
    expect([p.nextXid(), p.nextXid(), p.nextXid()]).toEqual([1, 2, 3]);
    const q = new PendingRequests();
    (q as unknown as { next: number }).next = 0xfffffffe;
    void q.add(1, 'barrier_request', 1000).catch(() => undefined);
    expect([q.nextXid(), q.nextXid(), q.nextXid()]).toEqual([0xfffffffe, 0xffffffff, 2]);
    q.rejectAll(new Error('done'));
  });

  test('a reply of the expected type with the xid resolves; another type does not', async () => {
    const p = new PendingRequests();
    const reply = p.add(5, 'barrier_request', 1000);
    expect(p.settle({ type: 'echo_reply', xid: 5, data: new Uint8Array(0) })).toBe(false);
    expect(p.settle({ type: 'barrier_reply', xid: 6 })).toBe(false);
    expect(p.settle({ type: 'barrier_reply', xid: 5 })).toBe(true);
    await expect(reply).resolves.toEqual({ type: 'barrier_reply', xid: 5 });
    expect(p.size).toBe(0);
  });

  test('multipart parts are merged; each part restarts the timeout', async () => {
    const p = new PendingRequests();
    const reply = p.add(9, 'multipart_request', 1000);
    vi.advanceTimersByTime(900);
    expect(p.settle(portDesc(9, true, 1, 2))).toBe(true);
    vi.advanceTimersByTime(900);
    expect(p.settle(portDesc(9, true, 3))).toBe(true);
    vi.advanceTimersByTime(900);
    expect(p.settle(portDesc(9, false, 4))).toBe(true);
    const r = await reply;
    expect(r.flags).toBe(0);
    expect(r.body.kind === 'port_desc' && r.body.ports.map((x) => x.portNo)).toEqual([1, 2, 3, 4]);
  });

  test('an OFPT_ERROR with the xid rejects with OpenFlowError', async () => {
    const p = new PendingRequests();
    const reply = p.add(3, 'get_config_request', 1000);
    p.settle({ type: 'error', xid: 3, errType: 1, code: 5, data: new Uint8Array(0) });
    const e = await reply.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenFlowError);
    expect((e as OpenFlowError).errorName).toBe('OFPBRC_EPERM');
  });

  test('no reply in time rejects with RequestTimeoutError; late replies are not taken', async () => {
    const p = new PendingRequests();
    const reply = p.add(4, 'features_request', 250).catch((x: unknown) => x);
    vi.advanceTimersByTime(250);
    const e = await reply;
    expect(e).toBeInstanceOf(RequestTimeoutError);
    expect((e as Error).message).toBe('no reply to features_request (xid 4) within 250 ms');
    expect(p.settle({ type: 'barrier_reply', xid: 4 })).toBe(false);
  });

  test('rejectAll rejects everything and clears the timers', async () => {
    const p = new PendingRequests();
    const a = p.add(1, 'barrier_request', 1000).catch((x: unknown) => x);
    const b = p.add(2, 'echo_request', 1000).catch((x: unknown) => x);
    p.rejectAll(new ConnectionClosedError('bye'));
    expect(await a).toBeInstanceOf(ConnectionClosedError);
    expect(await b).toBeInstanceOf(ConnectionClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('mergeMultipart', () => {
  const flow = (priority: number) => flowStats({ priority });

  test('list bodies are concatenated in order, experimenter data joined', () => {
    const m = mergeMultipart([
      { kind: 'flow', flows: [flow(1), flow(2)] },
      { kind: 'flow', flows: [] },
      { kind: 'flow', flows: [flow(3)] },
    ]);
    expect(m.kind === 'flow' && m.flows.map((f) => f.priority)).toEqual([1, 2, 3]);
    const e = mergeMultipart([
      { kind: 'experimenter', experimenter: 1, expType: 2, data: Buffer.from('ab') },
      { kind: 'experimenter', experimenter: 1, expType: 2, data: Buffer.from('cd') },
    ]);
    expect(e.kind === 'experimenter' && Buffer.from(e.data).toString()).toBe('abcd');
  });

  test('a single-record body keeps the last part', () => {
    const a = { kind: 'aggregate', packetCount: 1n, byteCount: 2n, flowCount: 3 } as const;
    const b = { kind: 'aggregate', packetCount: 4n, byteCount: 5n, flowCount: 6 } as const;
    expect(mergeMultipart([a, b])).toBe(b);
  });
});
