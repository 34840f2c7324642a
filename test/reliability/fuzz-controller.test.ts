/**
 * Fuzzing a live controller (in-process, listening on TCP, the real l2-learning app)
 * with random and mutated byte streams from fresh connections that start silent, after
 * HELLO, or after a full handshake: valid messages with colliding xids, mutated ones
 * (version, type, length, body), random headers, noise, multipart floods, cut into
 * random writes. For every case (seeded, bounded):
 * - every OFPT_ERROR the controller sends is the one the spec owes (support/oracle.ts),
 *   in order, with the offending xid and bytes, and nothing is owed that is not sent;
 *   a connection closes only when the spec says so (or, before the handshake is done,
 *   when the fuzzed handshake itself fails);
 * - the runtime logs each kind of problem at most once per connection;
 * - no handler or internal error is logged, and the fuzzing connection leaves nothing
 *   behind once closed;
 * - a well-behaved switch connected all along still completes a packet-in -> flow-mod
 *   round trip.
 * Afterwards the heap is back within a bound of where it started.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ErrorMsg, encodeMessage } from '../../src/codec/index.js';
import type { FakeSwitch } from '../runtime/fake-switch.js';
import {
  type LogRecord,
  l2Learning,
  roundTrip,
  startTestController,
  type TestController,
  whenReady,
} from './support/controller.js';
import { chunks, type FuzzCase, frameStream, fuzzCase } from './support/fuzz-cases.js';
import { type Expectation, expectedAnswers } from './support/oracle.js';
import { connectPeer } from './support/peer.js';
import { heapAfterGc, settles, until } from './support/wait.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x0f_0c_0008);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const GOOD_DPID = 0x600d_0000_0000_0001n;
/** Heap growth allowed over the whole run (the cases themselves are garbage by then). */
const HEAP_BOUND = 24 * 1024 * 1024;

let tc: TestController;
let good: FakeSwitch;
let baselineHeap = 0;
let probeXid = 0xfeed_0000;
let dpid = 0xf022_0000_0000_0000n;
const outcomes = new Map<string, number>();

beforeAll(async () => {
  tc = await startTestController([l2Learning()], {
    requestTimeoutMs: 1_000,
    handshakeTimeoutMs: 3_000,
  });
  good = await connectPeer(tc.port, { dpid: GOOD_DPID });
  await whenReady(good);
  await roundTrip(good);
  baselineHeap = heapAfterGc();
});

afterAll(async () => {
  await good?.close();
  await tc?.stop();
});

/** The runtime's own warnings (not an app's) about the connection from `peer`. */
function runtimeWarnings(records: readonly LogRecord[], peer: string): LogRecord[] {
  return records.filter((r) => r.level >= 40 && r.peer === peer && r.app === undefined);
}

function checkErrors(got: readonly ErrorMsg[], exp: Expectation, exact: boolean): void {
  const want = exp.errors;
  if (exact) expect(got.length, 'number of OFPT_ERRORs').toBe(want.length);
  else
    expect(got.length, 'OFPT_ERRORs are a prefix of those owed').toBeLessThanOrEqual(want.length);
  got.forEach((e, i) => {
    const w = want[i]!;
    expect([e.errType, e.code, e.xid], `error ${i}`).toEqual([w.errType, w.code, w.xid]);
    if (w.data) expect(Buffer.from(e.data).equals(w.data), `error ${i} data`).toBe(true);
  });
}

async function runCase(c: FuzzCase): Promise<void> {
  const { frames, framingError, padding } = frameStream(c.stream);
  const xid = probeXid++;
  const probe = encodeMessage({ type: 'echo_request', xid, data: Buffer.from('probe') });
  const sent = framingError ? frames : [...frames, probe];
  const exp = expectedAnswers(sent, c.start !== 'none', framingError);

  const logFrom = tc.records.length;
  const peer = await connectPeer(tc.port, {
    dpid: dpid++,
    handshake: c.start === 'ready',
    ...(c.start === 'none' ? { hello: false as const } : {}),
  });
  const name = `127.0.0.1:${peer.socket.localPort}`;
  if (c.start === 'ready') await whenReady(peer);
  const from = peer.received.length;
  for (const chunk of chunks(c)) peer.sendRaw(chunk);
  if (!framingError) peer.sendRaw(Buffer.concat([padding, probe]));

  if (exp.closes) {
    expect(await settles(peer.closed), 'the controller closes the connection').toBe(true);
  } else {
    const answered = await peer.next('echo_reply', (m) => m.xid === xid, from);
    if (c.start === 'ready') expect(answered, 'probe answered, connection kept').toBeDefined();
  }
  const errors = peer.received.slice(from).filter((m): m is ErrorMsg => m.type === 'error');
  checkErrors(errors, exp, c.start === 'ready' || !peer.isClosed);
  expect(peer.undecodable, 'the controller sent only whole, decodable messages').toEqual([]);

  const closed = peer.isClosed;
  await peer.close();
  expect(await until(() => tc.controller.connections.size === 1), 'connection released').toBe(true);
  const kinds = runtimeWarnings(tc.records.slice(logFrom), name).map((r) =>
    String(r.kind ?? r.msg),
  );
  expect(kinds.length, `one warning per kind: ${kinds.join(' | ')}`).toBe(new Set(kinds).size);
  const caseRecords = tc.records.splice(logFrom);
  const failures = caseRecords.filter((r) => /internal error|handler failed/.test(r.msg));
  expect(failures, 'no internal or app handler error').toEqual([]);
  const why = framingError ? 'bad-length-close' : exp.closes ? 'hello-failed-close' : 'kept';
  const outcome = `${c.start}/${why}/${closed ? 'closed' : 'open'}/${errors.length > 0 ? 'errors' : 'no-error'}`;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  good.received.splice(0);
  await roundTrip(good);
}

describe('fuzzing a live controller', () => {
  test(`${RUNS} random and mutated streams: spec answers, no crash, others served`, async () => {
    await fc.assert(fc.asyncProperty(fuzzCase, runCase), {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: true,
    });
    console.log(
      `fuzz outcomes: ${[...outcomes]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    // The generator reaches every kind of answer from every starting state.
    for (const start of ['none', 'hello', 'ready']) {
      expect(outcomes.get(`${start}/bad-length-close/closed/errors`), start).toBeGreaterThan(0);
    }
    expect(outcomes.get('none/hello-failed-close/closed/errors')).toBeGreaterThan(0);
    expect(outcomes.get('hello/kept/open/errors')).toBeGreaterThan(0);
    expect(outcomes.get('ready/kept/open/errors')).toBeGreaterThan(0);
    expect(outcomes.get('ready/kept/open/no-error')).toBeGreaterThan(0);
    const failures = tc.records.filter((r) => /internal error|handler failed/.test(r.msg));
    expect(failures).toEqual([]);
    expect(tc.controller.registry.size).toBe(1);
    expect(tc.controller.registry.get(GOOD_DPID)?.pendingRequests).toBe(0);
  }, 120_000);

  test('memory: the heap after the run is within a bound of the heap before it', () => {
    const growth = heapAfterGc() - baselineHeap;
    console.log(`fuzz: heap growth after ${RUNS} cases: ${(growth / 1024 / 1024).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(HEAP_BOUND);
  });
});
