/**
 * `npm run bench codec [-- --quick]`: throughput of the codec's hot paths on one core,
 * beside binary-parser and smart-buffer versions of the same paths
 * (codec-alternatives.ts):
 *   (a) decode PACKET_IN: a 64-byte frame with an in_port match (target 3 M msg/s);
 *   (b) encode FLOW_MOD: 3-field match, apply-actions output (target 2 M msg/s);
 *   (c) decode a FLOW multipart reply of 1000 entries (target 1 M entries/s).
 * Each figure is the median of several timed rounds after a warm-up. `--quick` runs
 * about a second in all, for the smoke test; its figures are rough.
 */
import { cpus, loadavg } from 'node:os';
import {
  decodeMessage,
  encodeInto,
  encodeMessage,
  type FlowMod,
  type FlowStats,
  type Message,
  OFP_NO_BUFFER,
  OFPP,
  Writer,
} from '../src/codec/index.js';
import {
  bpDecodeFlowStats,
  bpDecodePacketIn,
  sbDecodeFlowStats,
  sbDecodePacketIn,
  sbEncodeFlowMod,
} from './codec-alternatives.js';

interface Impl {
  readonly name: string;
  /** One operation; returns a number derived from the result so it cannot be elided. */
  readonly op: () => number;
}

interface Case {
  readonly title: string;
  /** Wire bytes handled per operation. */
  readonly bytes: number;
  /** Units per operation (messages, or flow entries) and their name. */
  readonly units: number;
  readonly unit: string;
  readonly target: number;
  readonly impls: readonly Impl[];
}

interface Timing {
  readonly warmMs: number;
  readonly roundMs: number;
  readonly rounds: number;
}

// --- the messages ----------------------------------------------------------------------

const frame = Buffer.alloc(64, 0xab);
const PACKET_IN = encodeMessage({
  type: 'packet_in',
  xid: 7,
  bufferId: OFP_NO_BUFFER,
  totalLen: 64,
  reason: 0,
  tableId: 0,
  cookie: 0x1234n,
  match: [{ field: 'in_port', value: 3 }],
  data: frame,
});

const FLOW_MOD: FlowMod = {
  type: 'flow_mod',
  xid: 9,
  cookie: 0n,
  cookieMask: 0n,
  tableId: 0,
  command: 0,
  idleTimeout: 60,
  hardTimeout: 0,
  priority: 100,
  bufferId: OFP_NO_BUFFER,
  outPort: OFPP.ANY,
  outGroup: 0xffffffff,
  flags: 1,
  match: [
    { field: 'in_port', value: 1 },
    { field: 'eth_dst', value: 0x0000_5e00_5301 },
    { field: 'eth_type', value: 0x0800 },
  ],
  instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
};

function flowStatsReply(n: number, entry: (i: number) => FlowStats): Buffer {
  return encodeMessage({
    type: 'multipart_reply',
    xid: 11,
    flags: 0,
    body: { kind: 'flow', flows: Array.from({ length: n }, (_, i) => entry(i)) },
  });
}

const stats = (i: number): Omit<FlowStats, 'match' | 'instructions'> => ({
  tableId: 0,
  durationSec: i,
  durationNsec: 1000 * i,
  priority: 100,
  idleTimeout: 0,
  hardTimeout: 0,
  flags: 0,
  cookie: BigInt(i),
  packetCount: BigInt(i * 10),
  byteCount: BigInt(i * 640),
});

/** 1000 entries fit one 64 KB message only with a small match and no instructions. */
const FLOW_REPLY_1000 = flowStatsReply(1000, (i) => ({
  ...stats(i),
  match: [{ field: 'in_port', value: (i % 48) + 1 }],
  instructions: [],
}));
/** A fuller entry (3-field match, apply-actions output): 600 of them fit. */
const FLOW_REPLY_600 = flowStatsReply(600, (i) => ({
  ...stats(i),
  match: FLOW_MOD.match,
  instructions: FLOW_MOD.instructions,
}));

// --- the implementations -----------------------------------------------------------------

const writer = new Writer(4096);

function ours(buf: Buffer): Message {
  const r = decodeMessage(buf);
  if (!r.ok) throw new Error(`benchmark message does not decode: ${r.error.message}`);
  return r.value;
}

const flowsOf = (m: Message) =>
  m.type === 'multipart_reply' && m.body.kind === 'flow' ? m.body.flows : [];

function flowCase(title: string, buf: Buffer, n: number): Case {
  return {
    title: `${title} (${buf.length} B)`,
    bytes: buf.length,
    units: n,
    unit: 'entries',
    target: 1e6,
    impls: [
      { name: 'ofctl-ts', op: () => flowsOf(ours(buf)).length },
      { name: 'binary-parser', op: () => bpDecodeFlowStats(buf).length },
      { name: 'smart-buffer', op: () => sbDecodeFlowStats(buf).length },
    ],
  };
}

const CASES: readonly Case[] = [
  {
    title: `decode PACKET_IN (${PACKET_IN.length} B: in_port match, 64 B frame)`,
    bytes: PACKET_IN.length,
    units: 1,
    unit: 'msg',
    target: 3e6,
    impls: [
      { name: 'ofctl-ts', op: () => ours(PACKET_IN).xid },
      { name: 'binary-parser', op: () => bpDecodePacketIn(PACKET_IN).xid },
      { name: 'smart-buffer', op: () => sbDecodePacketIn(PACKET_IN).xid },
    ],
  },
  {
    title: `encode FLOW_MOD (${encodeMessage(FLOW_MOD).length} B: 3-field match, apply-actions output)`,
    bytes: encodeMessage(FLOW_MOD).length,
    units: 1,
    unit: 'msg',
    target: 2e6,
    impls: [
      {
        name: 'ofctl-ts encodeInto',
        op: () => {
          writer.pos = 0;
          encodeInto(writer, FLOW_MOD);
          return writer.pos;
        },
      },
      { name: 'ofctl-ts encodeMessage', op: () => encodeMessage(FLOW_MOD).length },
      { name: 'smart-buffer', op: () => sbEncodeFlowMod(FLOW_MOD).length },
    ],
  },
  flowCase('decode FLOW stats reply, 1000 entries', FLOW_REPLY_1000, 1000),
  flowCase('decode FLOW stats reply, 600 fuller entries', FLOW_REPLY_600, 600),
];

/** The alternatives must agree with the codec before their speed means anything. */
function crossCheck(): void {
  const pin = ours(PACKET_IN);
  for (const alt of [bpDecodePacketIn(PACKET_IN), sbDecodePacketIn(PACKET_IN)]) {
    if (JSON.stringify(alt, big) !== JSON.stringify(pin, big)) {
      throw new Error('an alternative PACKET_IN decoder disagrees with the codec');
    }
  }
  if (!sbEncodeFlowMod(FLOW_MOD).equals(encodeMessage(FLOW_MOD))) {
    throw new Error('the smart-buffer FLOW_MOD encoder disagrees with the codec');
  }
  for (const buf of [FLOW_REPLY_1000, FLOW_REPLY_600]) {
    const want = flowsOf(ours(buf));
    // binary-parser also leaves its own bookkeeping (length, offsets): compare our fields.
    const same = (got: FlowStats[]) =>
      JSON.stringify(
        got.map((f, i) => pick(f, want[i]!)),
        big,
      ) === JSON.stringify(want, big);
    if (!same(bpDecodeFlowStats(buf)) || !same(sbDecodeFlowStats(buf))) {
      throw new Error('an alternative flow-stats decoder disagrees with the codec');
    }
  }
}
const pick = (o: object, like: object) =>
  Object.fromEntries(Object.keys(like).map((k) => [k, (o as Record<string, unknown>)[k]]));
const big = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;

// --- timing --------------------------------------------------------------------------------

/** Results folded into a module variable, so the measured calls cannot be optimised away. */
let _sink = 0;

/**
 * Milliseconds of this process's CPU time (user + system) taken by `iterations` calls.
 * CPU time rather than wall time: on a shared machine, time spent waiting for a core
 * is not charged to the code being measured.
 */
function runFor(op: () => number, iterations: number): number {
  const c0 = process.cpuUsage();
  let acc = 0;
  for (let i = 0; i < iterations; i++) acc ^= op();
  _sink ^= acc;
  const d = process.cpuUsage(c0);
  return Math.max((d.user + d.system) / 1000, 0.001);
}

/** Iterations that take about `t.roundMs`, found by a warm-up of `t.warmMs`. */
function calibrate(op: () => number, t: Timing): number {
  let n = 1;
  let spent = 0;
  let done = 0;
  let elapsed = 0;
  while (spent < t.warmMs) {
    elapsed = runFor(op, n);
    spent += elapsed;
    done = n;
    if (elapsed < t.warmMs / 8) n *= 2;
  }
  return Math.max(1, Math.round((done / Math.max(elapsed, 1e-3)) * t.roundMs));
}

/**
 * Operations per second of each implementation: the median over rounds. Rounds take
 * the implementations in turn, so a change of machine load falls on all of them alike.
 */
async function measure(ops: readonly (() => number)[], t: Timing): Promise<number[]> {
  const sizes = ops.map((op) => calibrate(op, t));
  const rates: number[][] = ops.map(() => []);
  for (let r = 0; r < t.rounds; r++) {
    for (const [i, op] of ops.entries()) {
      await new Promise((res) => setImmediate(res));
      rates[i]!.push(sizes[i]! / (runFor(op, sizes[i]!) / 1000));
    }
  }
  return rates.map((list) => list.sort((a, b) => a - b)[list.length >> 1]!);
}

const isOurs = (impl: Impl) => impl.name.startsWith('ofctl-ts');

const si = (x: number) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const t: Timing = quick
    ? { warmMs: 20, roundMs: 15, rounds: 3 }
    : { warmMs: 400, roundMs: 300, rounds: 7 };
  crossCheck();
  const load = loadavg()[0]!;
  console.log(
    `codec: node ${process.version}, per CPU-second of one core, median of ${t.rounds} rounds of ${t.roundMs} ms` +
      ` after ${t.warmMs} ms warm-up${quick ? ' (quick: rough figures)' : ''}`,
  );
  console.log(
    `machine: ${cpus().length} cores, load average ${load.toFixed(2)}` +
      (load > cpus().length - 1 ? ' (busy: figures are lower and noisier)' : ''),
  );
  const notes: string[] = [];
  for (const c of CASES) {
    console.log(`\n${c.title}`);
    const rates = await measure(
      c.impls.map((i) => i.op),
      t,
    );
    for (const [k, impl] of c.impls.entries()) {
      const ops = rates[k]!;
      const units = ops * c.units;
      const mbps = (ops * c.bytes) / 1e6;
      const target =
        isOurs(impl) &&
        `   target >= ${si(c.target)} ${c.unit}/s: ${units >= c.target ? 'met' : 'MISSED'}`;
      console.log(
        `  ${impl.name.padEnd(24)}${`${si(units)} ${c.unit}/s`.padStart(18)}${`${mbps.toFixed(1)} MB/s`.padStart(14)}${target || ''}`,
      );
    }
    const oursBest = Math.max(...rates.filter((_, i) => isOurs(c.impls[i]!)));
    for (const [i, impl] of c.impls.entries()) {
      // Only a clear margin in a full run counts: quick figures are too rough to rank.
      if (!quick && !isOurs(impl) && rates[i]! > 1.1 * oursBest) {
        notes.push(`${impl.name} beats ofctl-ts by more than 10% on: ${c.title}`);
      }
    }
  }
  if (notes.length) console.log(`\nnote: ${notes.join('; ')}`);
  else if (!quick) console.log('\nno alternative beats ofctl-ts by more than 10% on any path');
}
