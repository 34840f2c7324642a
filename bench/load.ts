/**
 * `npm run bench load [-- --switches N --seconds S --rate R]`: many switches at once.
 * N emulated OpenFlow 1.3 switches (default 1000) connect to the controller at the same
 * moment, handshake (l2-learning reconciles each and installs its table-miss flow), then
 * for S seconds each sends R PACKET_INs a second (source MACs cycling over 64, all to a
 * MAC it taught first, so every one is answered with a FLOW_MOD and a PACKET_OUT) and an
 * ECHO_REQUEST every second; one switch in ten stays silent, so the controller's
 * keepalive echoes it. Figures: how many switches finished the handshake, how many
 * connections were lost (none should be), packet-ins and answers, and the controller's
 * RSS sampled every second, which should stay flat once every switch is up. The
 * controller is the built CLI in a child process; `runLoad` is also used in-process by
 * test/reliability/load.test.ts.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeMessage, Framer, type Message } from '../src/codec/index.js';
import {
  freePort,
  rssKib,
  spawnLogged,
  stopProcess,
  tail,
  waitListening,
} from './flow-setup/processes.js';
import { featuresReply, HELLO, PacketCycle, ports, TEACH_PACKET_IN } from './flow-setup/wire.js';

export interface LoadOptions {
  readonly port: number;
  readonly host?: string;
  readonly switches: number;
  /** Seconds of load after every switch is up (or the ramp deadline passed). */
  readonly seconds: number;
  /** PACKET_INs per switch per second. */
  readonly rate: number;
  /** How long all switches may take to finish the handshake (ms). */
  readonly rampTimeoutMs?: number;
  /** The controller's resident memory in KiB, sampled once a second. */
  readonly rss: () => number | undefined;
  /** First datapath ID (the switches use consecutive ones). */
  readonly firstDpid?: bigint;
  /** Every `idleEvery`-th switch sends nothing after its handshake (default 10), so the
   * controller's keepalive echoes it. */
  readonly idleEvery?: number;
}

export interface RssSample {
  /** Seconds since the switches started connecting. */
  readonly t: number;
  readonly phase: 'ramp' | 'load' | 'after';
  readonly ready: number;
  readonly rssKib: number | undefined;
}

export interface LoadResult {
  readonly switches: number;
  readonly handshaken: number;
  readonly lost: number;
  /** Why connections were lost or what the controller complained about (first few). */
  readonly problems: readonly string[];
  readonly packetIns: number;
  readonly flowMods: number;
  readonly packetOuts: number;
  readonly echoesAnswered: number;
  readonly echoesFromController: number;
  readonly rampMs: number;
  readonly samples: readonly RssSample[];
}

const MACS = 64;
const TICK_MS = 100;
const ECHO_EVERY_MS = 1000;

/** Shared by every switch of a run: the pre-encoded packet-ins and the counters. */
interface Shared {
  readonly cycle: PacketCycle;
  /** Packet-ins per switch per tick (a fraction accumulates). */
  readonly perTick: number;
  packetIns: number;
  flowMods: number;
  packetOuts: number;
  echoesAnswered: number;
  echoesFromController: number;
  problems: string[];
}

/** One switch: handshake answers, echo both ways, a steady stream of packet-ins. */
class LoadSwitch {
  ready = false;
  lost: string | undefined;
  private readonly framer = new Framer();
  private cursor = 0;
  /** Packet-ins owed (a rate below one per tick accumulates). */
  private credit = 0;
  private echoXid = 0x4c000000;
  private readonly socket: net.Socket;

  constructor(
    readonly index: number,
    readonly dpid: bigint,
    host: string,
    port: number,
    private readonly shared: Shared,
    /** Sends nothing once up: only answers (the controller's echoes, say). */
    private readonly idle: boolean,
  ) {
    this.socket = net.connect({ host, port, noDelay: true }, () => this.socket.write(HELLO));
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.framer.push(chunk, (buf, start, end) => this.onFrame(buf, start, end));
      } catch (e) {
        this.fail(`bad framing from the controller: ${(e as Error).message}`);
      }
    });
    this.socket.on('error', (e) => this.fail(`socket error: ${e.message}`));
    this.socket.on('close', () => this.fail('connection closed by the controller'));
  }

  /** One tick of load: this tick's packet-ins, and an echo request once a second. */
  tick(n: number): void {
    if (!this.ready || this.lost || this.idle) return;
    const s = this.shared;
    this.credit += s.perTick;
    const count = Math.floor(this.credit);
    if (count > 0) {
      this.credit -= count;
      this.socket.write(s.cycle.slice(this.cursor, count));
      this.cursor = (this.cursor + count) % MACS;
      s.packetIns += count;
    }
    if ((n + this.index) % (ECHO_EVERY_MS / TICK_MS) === 0) {
      const xid = this.echoXid++;
      this.send({ type: 'echo_request', xid, data: Buffer.from('load') });
    }
  }

  close(): void {
    this.lost ??= 'closed';
    this.socket.destroy();
  }

  private fail(why: string): void {
    if (this.lost) return;
    this.lost = why;
    if (this.shared.problems.length < 10) this.shared.problems.push(`switch ${this.index}: ${why}`);
    this.socket.destroy();
  }

  private send(m: Message): void {
    this.socket.write(encodeMessage(m));
  }

  private onFrame(buf: Buffer, start: number, end: number): void {
    const type = buf[start + 1];
    const s = this.shared;
    if (type === 14) {
      s.flowMods++;
      // The first FLOW_MOD is the table-miss flow: the switch is up; teach the target MAC.
      if (!this.ready) {
        this.ready = true;
        this.socket.write(TEACH_PACKET_IN);
      }
      return;
    }
    if (type === 13) {
      s.packetOuts++;
      return;
    }
    const r = decodeMessage(buf, start, end);
    if (!r.ok) return this.fail(`undecodable message: ${r.error.message}`);
    const m = r.value;
    switch (m.type) {
      case 'features_request':
        return this.send(featuresReply(m.xid, this.dpid));
      case 'multipart_request':
        if (m.body.kind === 'port_desc') {
          const body = { kind: 'port_desc', ports: ports(this.index) } as const;
          return this.send({ type: 'multipart_reply', xid: m.xid, flags: 0, body });
        }
        if (m.body.kind === 'flow') {
          const body = { kind: 'flow', flows: [] } as const;
          return this.send({ type: 'multipart_reply', xid: m.xid, flags: 0, body });
        }
        return;
      case 'echo_request':
        s.echoesFromController++;
        return this.send({ type: 'echo_reply', xid: m.xid, data: m.data });
      case 'echo_reply':
        s.echoesAnswered++;
        return;
      case 'barrier_request':
        return this.send({ type: 'barrier_reply', xid: m.xid });
      case 'error':
        if (s.problems.length < 10) {
          s.problems.push(
            `switch ${this.index}: OFPT_ERROR ${m.errType}/${m.code} from controller`,
          );
        }
        return;
      default:
        return;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the load against a listening controller; resolves with the figures. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const shared: Shared = {
    cycle: new PacketCycle(MACS, MACS),
    perTick: Math.min(MACS, (o.rate * TICK_MS) / 1000),
    packetIns: 0,
    flowMods: 0,
    packetOuts: 0,
    echoesAnswered: 0,
    echoesFromController: 0,
    problems: [],
  };
  const first = o.firstDpid ?? 0x10ad_0000_0000_0000n;
  const idle = o.idleEvery ?? 10;
  const t0 = performance.now();
  const switches = Array.from(
    { length: o.switches },
    (_, i) =>
      new LoadSwitch(i, first + BigInt(i), o.host ?? '127.0.0.1', o.port, shared, i % idle === 0),
  );
  const samples: RssSample[] = [];
  let phase: RssSample['phase'] = 'ramp';
  const readyCount = () => switches.filter((s) => s.ready).length;
  const sample = () =>
    samples.push({
      t: (performance.now() - t0) / 1000,
      phase,
      ready: readyCount(),
      rssKib: o.rss(),
    });
  const sampler = setInterval(sample, 1000);
  let n = 0;
  const ticker = setInterval(() => {
    n++;
    for (const s of switches) s.tick(n);
  }, TICK_MS);

  const rampDeadline = t0 + (o.rampTimeoutMs ?? 60_000);
  while (readyCount() < o.switches && performance.now() < rampDeadline) await sleep(50);
  const rampMs = performance.now() - t0;
  phase = 'load';
  sample();
  await sleep(o.seconds * 1000);
  clearInterval(ticker);
  phase = 'after';
  sample();
  clearInterval(sampler);
  const handshaken = readyCount();
  const lost = switches.filter((s) => s.lost !== undefined).length;
  for (const s of switches) s.close();
  return {
    switches: o.switches,
    handshaken,
    lost,
    problems: shared.problems,
    packetIns: shared.packetIns,
    flowMods: shared.flowMods,
    packetOuts: shared.packetOuts,
    echoesAnswered: shared.echoesAnswered,
    echoesFromController: shared.echoesFromController,
    rampMs,
    samples,
  };
}

export interface RssFigures {
  /** Just after every switch was up. */
  readonly afterRamp: number;
  /** Highest in the first and in the second half of the load phase. */
  readonly firstHalfMax: number;
  readonly secondHalfMax: number;
}

/**
 * The controller's RSS over the load phase, in KiB. Flat means the second half's peak is
 * no higher than the first half's: whatever the heap needed, it found early.
 */
export function rssFigures(r: LoadResult): RssFigures | undefined {
  const load = r.samples.filter((s) => s.phase !== 'ramp' && s.rssKib !== undefined);
  if (load.length < 4) return undefined;
  const kib = load.map((s) => s.rssKib!);
  const half = Math.floor(kib.length / 2);
  return {
    afterRamp: kib[0]!,
    firstHalfMax: Math.max(...kib.slice(0, half)),
    secondHalfMax: Math.max(...kib.slice(half)),
  };
}

export function printLoad(r: LoadResult): void {
  const mib = (k: number | undefined) => (k === undefined ? '-' : (k / 1024).toFixed(1));
  console.log('   t(s)  phase  ready  controller RSS (MiB)');
  for (const s of r.samples) {
    const t = s.t.toFixed(1).padStart(7);
    console.log(`${t}  ${s.phase.padEnd(5)}  ${String(s.ready).padStart(5)}  ${mib(s.rssKib)}`);
  }
  console.log(
    `switches ${r.switches}, handshaken ${r.handshaken} in ${(r.rampMs / 1000).toFixed(1)} s, ` +
      `lost ${r.lost}; packet-ins ${r.packetIns}, flow-mods ${r.flowMods}, ` +
      `packet-outs ${r.packetOuts}; echoes answered ${r.echoesAnswered}, ` +
      `from controller ${r.echoesFromController}`,
  );
  const f = rssFigures(r);
  if (f) {
    console.log(
      `controller RSS: ${mib(f.afterRamp)} MiB after the ramp, peak ${mib(f.firstHalfMax)} MiB ` +
        `in the first half of the load, ${mib(f.secondHalfMax)} MiB in the second`,
    );
  }
  for (const p of r.problems) console.log(`  problem: ${p}`);
}

function flag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} wants a positive number`);
  return v;
}

/** The bench entry point: the built controller in a child process, the switches here. */
export async function run(args: string[]): Promise<void> {
  const switches = flag(args, 'switches', 1000);
  const seconds = flag(args, 'seconds', 20);
  const rate = flag(args, 'rate', 5);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  // The controller command's own module runs it directly (no other CLI parsing between).
  const main = path.join(root, 'dist', 'src', 'cli', 'controller.js');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ofctl-load-'));
  const log = path.join(dir, 'controller.log');
  const listen = `tcp:127.0.0.1:${port}`;
  const ctl = spawnLogged(process.execPath, [main, '--listen', listen, '--log-level', 'warn'], log);
  try {
    await waitListening(ctl, port, 20_000);
    console.log(
      `load: ${switches} switches connect at once to ofctl-ts (l2-learning), then ${seconds} s ` +
        `of ${rate} packet-ins/s each plus an echo a second`,
    );
    const r = await runLoad({ port, switches, seconds, rate, rss: () => rssKib(ctl.pid) });
    printLoad(r);
    if (ctl.child.exitCode !== null) console.log(`controller exited: ${tail(log)}`);
  } finally {
    await stopProcess(ctl);
    rmSync(dir, { recursive: true, force: true });
  }
}
