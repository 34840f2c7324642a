/**
 * A/B driver for flow-setup work on the controller: runs the flow-setup load generator
 * (bench/flow-setup/generator.ts, in its worker thread) against several controller
 * builds or option sets in turn, for several rounds, and prints for each run the
 * response rate, the CPU time the controller's process tree used and the responses per
 * controller CPU-second (the figure that survives a busy shared machine), then the
 * median of each per variant.
 *
 *   node dist/bench/flow-setup-profile.js \
 *     --variant 'base=/tmp/base/dist/src/cli/controller.js' \
 *     --variant 'two=dist/src/cli/controller.js --workers 2' \
 *     [--mode throughput|latency] [--switches 16] [--macs 1000] [--loops 5]
 *     [--ms-per-loop 1000] [--window 128] [--rounds 3] [--cpu-prof DIR]
 *     [--connect-concurrency 32]
 *
 * A variant is NAME=SCRIPT [controller options...]; SCRIPT runs under this node with
 * `--listen tcp:127.0.0.1:PORT --app l2-learning --log-level warn` before the options.
 * With --cpu-prof each controller writes a V8 profile into DIR, summarised at the end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GeneratorConfig, LoopResult } from './flow-setup/generator.js';
import { startGenerator } from './flow-setup/generator-host.js';
import {
  freePort,
  killAllNow,
  type Spawned,
  spawnLogged,
  stopProcess,
  tail,
  waitListening,
} from './flow-setup/processes.js';
import { printProfiles } from './flow-setup/profile.js';
import { fmtInt, table } from './flow-setup/report.js';
import type { Mode } from './flow-setup/switch.js';

interface Variant {
  readonly name: string;
  readonly script: string;
  readonly extra: readonly string[];
}

interface Options {
  readonly variants: readonly Variant[];
  readonly mode: Mode;
  readonly switches: number;
  readonly macs: number;
  readonly loops: number;
  readonly msPerLoop: number;
  readonly window: number;
  readonly rounds: number;
  readonly connectConcurrency: number;
  readonly cpuProf: string | undefined;
}

interface RunResult {
  readonly rate: number;
  /** Controller CPU-seconds per wall second over the measured loops. */
  readonly cores: number;
  /** CPU-seconds per wall second of this process (the load generator's thread and ours). */
  readonly generatorCores: number;
  /** Share of the controller's CPU time spent in the kernel. */
  readonly sys: number;
  /** Machine-wide busy share (all cores) over the measured loops. */
  readonly busy: number;
  readonly medianUs: number | undefined;
  /** Seconds until every switch had finished its handshake and taught its MAC. */
  readonly readySeconds: number;
}

const CLK_TCK = 100;

function parse(argv: readonly string[]): Options {
  const variants: Variant[] = [];
  const num = new Map<string, number>();
  let mode: Mode = 'throughput';
  let cpuProf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${a} needs a value`);
    i++;
    if (a === '--variant') {
      const eq = v.indexOf('=');
      const words = v
        .slice(eq + 1)
        .split(/\s+/)
        .filter((w) => w);
      if (eq <= 0 || words.length === 0) throw new Error(`--variant NAME=SCRIPT [args], got ${v}`);
      variants.push({ name: v.slice(0, eq), script: words[0]!, extra: words.slice(1) });
    } else if (a === '--mode') {
      if (v !== 'throughput' && v !== 'latency') throw new Error(`--mode: ${v}`);
      mode = v;
    } else if (a === '--cpu-prof') {
      cpuProf = path.resolve(v);
    } else if (/^--[a-z-]+$/.test(a)) {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: expected a positive integer`);
      num.set(a.slice(2), n);
    } else throw new Error(`unexpected argument ${a}`);
  }
  if (variants.length === 0) throw new Error('give at least one --variant NAME=SCRIPT');
  return {
    variants,
    mode,
    switches: num.get('switches') ?? 16,
    macs: num.get('macs') ?? 1000,
    loops: num.get('loops') ?? 5,
    msPerLoop: num.get('ms-per-loop') ?? 1000,
    window: num.get('window') ?? 128,
    rounds: num.get('rounds') ?? 3,
    connectConcurrency: num.get('connect-concurrency') ?? 32,
    cpuProf,
  };
}

/** [utime + stime, stime] (clock ticks) of `pid` and every process below it. */
function treeTicks(pid: number): [number, number] {
  const stat = new Map<number, { ppid: number; ticks: number; sys: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid ... utime(14) stime(15).
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const sys = Number(f[12]);
      stat.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + sys, sys });
    } catch {}
  }
  let total = 0;
  let sys = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    total += stat.get(p)?.ticks ?? 0;
    sys += stat.get(p)?.sys ?? 0;
    for (const [c, s] of stat) if (s.ppid === p) todo.push(c);
  }
  return [total, sys];
}

/** [busy, total] jiffies of the whole machine. */
function machineTicks(): [number, number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return [total - idle, total];
}

async function runOne(o: Options, v: Variant, dpidBase: number): Promise<RunResult> {
  const port = await freePort();
  const args = [
    ...(o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : []),
    v.script,
    '--listen',
    `tcp:127.0.0.1:${port}`,
    '--app',
    'l2-learning',
    '--log-level',
    'warn',
    ...v.extra,
  ];
  const logFile = `/tmp/flow-setup-profile-${process.pid}-${v.name}.log`;
  const proc: Spawned = spawnLogged(process.execPath, args, logFile);
  try {
    await waitListening(proc, port, 20_000);
    const cfg: GeneratorConfig = {
      host: '127.0.0.1',
      port,
      switches: o.switches,
      macs: o.macs,
      mode: o.mode,
      window: o.window,
      loops: o.loops,
      msPerLoop: o.msPerLoop,
      warmup: 1,
      dpidBase,
      readyTimeoutMs: 15_000 + 20 * o.switches,
      stallMs: 500,
      connectConcurrency: o.connectConcurrency,
      hold: false,
      learnOnly: false,
    };
    interface Mark {
      ticks: [number, number];
      machine: [number, number];
      at: number;
      self: NodeJS.CpuUsage;
    }
    let mark: Mark | undefined;
    let last = mark;
    let readySeconds = Number.NaN;
    const gen = startGenerator(cfg, (e) => {
      if (e.kind === 'ready') readySeconds = e.seconds;
      if (e.kind !== 'loop') return;
      const now: Mark = {
        ticks: treeTicks(proc.pid),
        machine: machineTicks(),
        at: performance.now(),
        self: process.cpuUsage(),
      };
      if (e.loop.warmup) mark = now;
      else last = now;
    });
    const summary = await gen.done;
    if (summary.readySwitches < o.switches) {
      throw new Error(`${summary.readySwitches} of ${o.switches} switches ready`);
    }
    const measured = summary.loops.filter((l: LoopResult) => !l.warmup);
    const seconds = measured.reduce((a, l) => a + l.seconds, 0);
    const rate = measured.reduce((a, l) => a + l.flowMods, 0) / seconds;
    if (!mark || !last) throw new Error('no loop events');
    const wall = (last.at - mark.at) / 1000;
    const [b1, t1] = last.machine;
    const [b0, t0] = mark.machine;
    const ticks = last.ticks[0] - mark.ticks[0];
    const self = process.cpuUsage(mark.self);
    const lastSelf = process.cpuUsage(last.self);
    return {
      generatorCores: (self.user + self.system - lastSelf.user - lastSelf.system) / 1e6 / wall,
      rate,
      cores: ticks / CLK_TCK / wall,
      sys: (last.ticks[1] - mark.ticks[1]) / ticks,
      busy: (b1 - b0) / (t1 - t0),
      medianUs: summary.latency?.medianUs,
      readySeconds,
    };
  } catch (e) {
    throw new Error(`${v.name}: ${(e as Error).message}\n${tail(logFile)}`);
  } finally {
    await stopProcess(proc);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1] ?? NaN;

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  process.on('exit', killAllNow);
  console.log(
    `flow-setup A/B: ${o.mode}, ${o.switches} switches x ${o.macs} MACs, window ${o.window}, ` +
      `${o.loops} x ${o.msPerLoop} ms after 1 warm-up loop, ${o.rounds} round(s)`,
  );
  const results = new Map<string, RunResult[]>();
  let dpidBase = 0;
  for (let round = 1; round <= o.rounds; round++) {
    for (const v of o.variants) {
      const r = await runOne(o, v, dpidBase);
      dpidBase += o.switches;
      results.set(v.name, [...(results.get(v.name) ?? []), r]);
      const lat = r.medianUs !== undefined ? `  median RTT ${r.medianUs.toFixed(0)} us` : '';
      console.log(
        `round ${round} ${v.name.padEnd(12)} ${fmtInt(r.rate).padStart(10)} resp/s  ` +
          `controller ${r.cores.toFixed(2)} cores, generator ${r.generatorCores.toFixed(2)}  ` +
          `${fmtInt(r.rate / r.cores).padStart(10)} ` +
          `resp/CPU-s  (${(100 * r.sys).toFixed(0)}% in kernel)  machine busy ` +
          `${(100 * r.busy).toFixed(0)}%  ready in ${r.readySeconds.toFixed(2)} s${lat}`,
      );
    }
  }
  const rows = [['variant', 'resp/s', 'controller cores', 'resp per CPU-s', 'median RTT us']];
  for (const [name, rs] of results) {
    const lat = rs.map((r) => r.medianUs).filter((x): x is number => x !== undefined);
    rows.push([
      name,
      fmtInt(median(rs.map((r) => r.rate))),
      median(rs.map((r) => r.cores)).toFixed(2),
      fmtInt(median(rs.map((r) => r.rate / r.cores))),
      lat.length ? median(lat).toFixed(0) : '-',
    ]);
  }
  console.log(`\nmedians over ${o.rounds} round(s):\n${table(rows)}`);
  if (o.cpuProf) printProfiles(o.cpuProf, process.cwd(), 30);
}

await main();
