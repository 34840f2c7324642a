/**
 * The flow-setup load generator against a small scripted controller (built on the
 * project's codec): the emulated switches answer the handshake the way a switch must,
 * teach the destination MAC (retrying when the controller ignores them), count
 * responses in both modes, recover from dropped responses, and in learn mode send
 * every source MAC exactly once. No timing is asserted.
 */
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  Generator,
  type GeneratorConfig,
  type GeneratorEvent,
  type GeneratorSummary,
} from '../../bench/flow-setup/generator.js';
import {
  decodeMessage,
  encodeMessage,
  Framer,
  type Message,
  matchGet,
  OFP_NO_BUFFER,
  OFPP,
} from '../../src/codec/index.js';
import { flowMod } from '../engine/helpers.js';

interface ScriptOptions {
  /** Teach packet-ins to ignore on each connection before answering one. */
  readonly ignoreTeaches?: number;
  /** Answer only every n-th load packet-in (the rest are dropped). */
  readonly answerEvery?: number;
}

interface Seen {
  dpids: bigint[];
  portCounts: number[];
  echoData: string[];
  barrierReplies: number;
  badMultipart: number;
  teaches: number;
  /** Source MACs of load packet-ins, per datapath. */
  macs: Map<bigint, number[]>;
}

const output = { type: 'output', port: 2, maxLen: 0 } as const;

function scriptedController(opts: ScriptOptions = {}) {
  const seen: Seen = {
    dpids: [],
    portCounts: [],
    echoData: [],
    barrierReplies: 0,
    badMultipart: 0,
    teaches: 0,
    macs: new Map(),
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const send = (m: Message) => sock.write(encodeMessage(m));
    let dpid = -1n;
    let ignored = 0;
    let loadIns = 0;
    send({
      type: 'hello',
      xid: 0,
      version: 4,
      elements: [{ type: 'versionbitmap', bitmaps: [16] }],
    });
    send({ type: 'features_request', xid: 1 });
    send({ type: 'multipart_request', xid: 2, flags: 0, body: { kind: 'port_desc' } });
    send({ type: 'echo_request', xid: 3, data: Buffer.from('ping') });
    send({ type: 'barrier_request', xid: 4 });
    send({
      type: 'multipart_request',
      xid: 5,
      flags: 0,
      body: { kind: 'table_features', tables: [] },
    });
    const framer = new Framer();
    sock.on('data', (chunk: Buffer) =>
      framer.push(chunk, (buf, start, end) => {
        const r = decodeMessage(buf, start, end);
        if (!r.ok) throw new Error(`generator sent an undecodable message: ${r.error.message}`);
        const m = r.value;
        if (m.type === 'features_reply') {
          dpid = m.datapathId;
          seen.dpids.push(dpid);
        } else if (m.type === 'multipart_reply' && m.body.kind === 'port_desc') {
          seen.portCounts.push(m.body.ports.length);
        } else if (m.type === 'echo_reply') {
          seen.echoData.push(Buffer.from(m.data).toString());
        } else if (m.type === 'barrier_reply') {
          seen.barrierReplies++;
        } else if (m.type === 'error' && m.errType === 1 && m.code === 2) {
          seen.badMultipart++;
        } else if (m.type === 'packet_in') {
          const data = Buffer.from(m.data);
          const packetOut: Message = {
            type: 'packet_out',
            xid: 0,
            bufferId: OFP_NO_BUFFER,
            inPort: Number(matchGet(m.match, 'in_port')?.value),
            actions: [{ ...output, port: OFPP.FLOOD }],
            data,
          };
          if (matchGet(m.match, 'in_port')?.value === 2) {
            seen.teaches++;
            if (ignored++ >= (opts.ignoreTeaches ?? 0)) send(packetOut);
            return;
          }
          const list = seen.macs.get(dpid) ?? [];
          list.push(data.readUIntBE(6, 6));
          seen.macs.set(dpid, list);
          if (++loadIns % (opts.answerEvery ?? 1) !== 0) return;
          send(
            flowMod({
              priority: 1,
              match: [{ field: 'in_port', value: 1 }],
              instructions: [{ type: 'apply_actions', actions: [output] }],
            }),
          );
          send(packetOut);
        }
      }),
    );
  });
  const listening = new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { seen, listening, close };
}

const base: Omit<GeneratorConfig, 'port'> = {
  host: '127.0.0.1',
  switches: 3,
  macs: 50,
  mode: 'throughput',
  window: 8,
  loops: 2,
  msPerLoop: 200,
  warmup: 1,
  dpidBase: 100,
  readyTimeoutMs: 10_000,
  stallMs: 200,
  connectConcurrency: 2,
  hold: false,
  learnOnly: false,
};

async function runGenerator(
  cfg: GeneratorConfig,
  onEvent: (e: GeneratorEvent, gen: Generator) => void = () => {},
): Promise<{ events: GeneratorEvent[]; summary: GeneratorSummary }> {
  const events: GeneratorEvent[] = [];
  const gen: Generator = new Generator(cfg, (e) => {
    events.push(e);
    onEvent(e, gen);
  });
  await gen.run();
  const done = events.find((e) => e.kind === 'done');
  if (done?.kind !== 'done') throw new Error('no summary');
  return { events, summary: done.summary };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function controller(opts?: ScriptOptions) {
  const c = scriptedController(opts);
  cleanup = c.close;
  return c;
}

describe('flow-setup load generator', () => {
  test('throughput mode: handshake answered, distinct dpids, responses counted per loop', async () => {
    const c = controller();
    const { events, summary } = await runGenerator({ ...base, port: await c.listening });
    expect(events[0]).toMatchObject({ kind: 'ready', ready: 3, total: 3 });
    expect(events.filter((e) => e.kind === 'loop')).toHaveLength(3);
    expect(c.seen.dpids.sort()).toEqual([101n, 102n, 103n]);
    expect(c.seen.portCounts).toEqual([4, 4, 4]);
    expect(c.seen.echoData).toEqual(['ping', 'ping', 'ping']);
    expect(c.seen.barrierReplies).toBe(3);
    expect(c.seen.badMultipart).toBe(3);
    expect(summary.readySwitches).toBe(3);
    expect(summary.loops.map((l) => l.warmup)).toEqual([true, false, false]);
    const measured = summary.loops.filter((l) => !l.warmup);
    expect(measured.reduce((n, l) => n + l.flowMods, 0)).toBeGreaterThan(0);
    expect(measured.reduce((n, l) => n + l.packetOuts, 0)).toBeGreaterThan(0);
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.latency).toBeUndefined();
    expect(summary.problems).toEqual([]);
  });

  test('latency mode: one packet-in in flight per switch, round trips recorded', async () => {
    const c = controller();
    const { summary } = await runGenerator({ ...base, port: await c.listening, mode: 'latency' });
    const lat = summary.latency;
    expect(lat?.count).toBeGreaterThan(0);
    expect(lat!.medianUs).toBeGreaterThan(0);
    expect(lat!.p99Us).toBeGreaterThanOrEqual(lat!.medianUs);
    // Every response ends one round trip, and the recorded ones are the measured loops'.
    const measured = summary.loops.filter((l) => !l.warmup).reduce((n, l) => n + l.flowMods, 0);
    expect(Math.abs(lat!.count - measured)).toBeLessThanOrEqual(3);
  });

  test('the teach packet is repeated until the controller answers it', async () => {
    const c = controller({ ignoreTeaches: 2 });
    const { events } = await runGenerator({ ...base, port: await c.listening, switches: 2 });
    expect(events[0]).toMatchObject({ kind: 'ready', ready: 2, total: 2 });
    expect(c.seen.teaches).toBeGreaterThanOrEqual(6);
  });

  test('dropped responses cost a stall, not the run', async () => {
    const c = controller({ answerEvery: 3 });
    const { summary } = await runGenerator({
      ...base,
      port: await c.listening,
      switches: 1,
      window: 4,
      stallMs: 20,
      loops: 3,
    });
    expect(summary.stalls).toBeGreaterThan(0);
    const late = summary.loops.filter((l) => !l.warmup).reduce((n, l) => n + l.flowMods, 0);
    expect(late).toBeGreaterThan(0);
  });

  test('learn mode after a hold: every source MAC exactly once per switch', async () => {
    const c = controller();
    const { events, summary } = await runGenerator(
      { ...base, port: await c.listening, hold: true, learnOnly: true, macs: 300, window: 16 },
      (e, gen) => {
        if (e.kind === 'ready') {
          expect(c.seen.macs.size).toBe(0);
          gen.command('proceed');
        } else if (e.kind === 'learned') gen.command('stop');
      },
    );
    expect(events.map((e) => e.kind)).toEqual(['ready', 'learned', 'done']);
    expect(events[1]).toMatchObject({ kind: 'learned', packets: 900, flowMods: 900 });
    for (const dpid of [101n, 102n, 103n]) {
      const macs = c.seen.macs.get(dpid)!;
      expect(macs).toHaveLength(300);
      expect(new Set(macs).size).toBe(300);
    }
    expect(summary.loops).toEqual([]);
  });

  test('a refused connection is reported, not thrown', async () => {
    const probe = net.createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, '127.0.0.1', () => r((probe.address() as net.AddressInfo).port)),
    );
    await new Promise<void>((r) => probe.close(() => r()));
    const { events, summary } = await runGenerator({ ...base, port, switches: 2 });
    expect(events[0]).toMatchObject({ kind: 'ready', ready: 0, total: 2 });
    expect(summary.problems.join()).toMatch(/ECONNREFUSED.*\(2 switches\)/);
  });
});
