/**
 * One measurement: start a controller, run the load generator (in its worker thread)
 * against it for the configured loops, stop the controller, and return the figures.
 * The Session holds what measurements share: options, a scratch directory for
 * controller logs, port allocation and a datapath-ID range per run.
 */
import type { GeneratorConfig, GeneratorSummary, LoopResult } from './generator.js';
import { startGenerator } from './generator-host.js';
import type { FlowSetupOptions } from './options.js';
import { freePort, tail } from './processes.js';
import { fmtInt, fmtUs } from './report.js';
import { type RateSummary, summarize } from './stats.js';
import type { Mode } from './switch.js';
import { type RunningTarget, startTarget, type TargetSpec } from './targets.js';

export class Session {
  private port: number;
  private dpidBase = 0;

  constructor(
    readonly opts: FlowSetupOptions,
    readonly workDir: string,
  ) {
    this.port = opts.port;
  }

  async nextPort(): Promise<number> {
    return this.port === 0 ? freePort() : this.port++;
  }

  /** Each generator run gets fresh datapath IDs, so no controller sees a dpid twice. */
  nextDpidBase(switches: number): number {
    const base = this.dpidBase;
    this.dpidBase += switches;
    return base;
  }

  async start(spec: TargetSpec, profileDir?: string): Promise<RunningTarget> {
    return startTarget(spec, await this.nextPort(), this.workDir, profileDir);
  }

  generatorConfig(port: number, load: Load): GeneratorConfig {
    return {
      host: '127.0.0.1',
      port,
      switches: load.switches,
      macs: load.macs ?? this.opts.macs,
      mode: load.mode,
      window: this.opts.window,
      loops: load.loops ?? this.opts.loops,
      msPerLoop: load.msPerLoop ?? this.opts.msPerLoop,
      warmup: load.warmup ?? this.opts.warmup,
      dpidBase: this.nextDpidBase(load.switches),
      readyTimeoutMs: 15_000 + 20 * load.switches,
      stallMs: this.opts.stallMs,
      connectConcurrency: 32,
      hold: load.hold ?? false,
      learnOnly: load.learnOnly ?? false,
    };
  }
}

export interface Load {
  readonly mode: Mode;
  readonly switches: number;
  readonly macs?: number;
  readonly loops?: number;
  readonly msPerLoop?: number;
  readonly warmup?: number;
  readonly hold?: boolean;
  readonly learnOnly?: boolean;
}

export interface Measurement {
  readonly target: TargetSpec;
  readonly mode: Mode;
  readonly switches: number;
  readonly summary: GeneratorSummary;
  /** FLOW_MODs per second over the measured (non-warm-up) loops. */
  readonly responses: RateSummary;
  readonly packetOuts: RateSummary;
}

const measured = (loops: readonly LoopResult[]) => loops.filter((l) => !l.warmup);

export function rates(loops: readonly LoopResult[], pick: (l: LoopResult) => number): RateSummary {
  return summarize(measured(loops).map((l) => pick(l) / l.seconds));
}

/**
 * Runs `load` against a running target. With `verbose`, prints each loop as it ends and
 * the cbench-style RESULT line.
 */
export async function measure(
  session: Session,
  target: RunningTarget,
  load: Load,
  verbose: boolean,
): Promise<Measurement> {
  const cfg = session.generatorConfig(target.port, load);
  const log = (s: string) => {
    if (verbose) console.log(s);
  };
  const run = startGenerator(cfg, (e) => {
    if (e.kind === 'ready') {
      const all = e.ready === e.total ? '' : ` (of ${e.total}: the rest did not finish)`;
      log(`  ${e.ready} switches connected and taught in ${e.seconds.toFixed(2)} s${all}`);
    } else if (e.kind === 'loop') {
      const l = e.loop;
      const tag = l.warmup ? 'warm-up' : '       ';
      log(
        `  loop ${String(l.index + 1).padStart(3)} ${tag} ${fmtInt(l.flowMods / l.seconds).padStart(11)} responses/s` +
          `  ${fmtInt(l.packetOuts / l.seconds).padStart(11)} packet-outs/s`,
      );
    }
  });
  const summary = await run.done;
  const exit = target.process.child.exitCode ?? target.process.child.signalCode;
  if (exit !== null) {
    throw new Error(
      `${target.spec.name} exited (${exit}) during the run:\n${tail(target.logFile)}`,
    );
  }
  if (summary.readySwitches === 0) {
    const why = summary.problems.length ? `: ${summary.problems.join('; ')}` : '';
    throw new Error(`no switch completed the handshake${why}`);
  }
  const m: Measurement = {
    target: target.spec,
    mode: load.mode,
    switches: summary.readySwitches,
    summary,
    responses: rates(summary.loops, (l) => l.flowMods),
    packetOuts: rates(summary.loops, (l) => l.packetOuts),
  };
  if (verbose) printResult(m, cfg);
  return m;
}

function printResult(m: Measurement, cfg: GeneratorConfig): void {
  const r = m.responses;
  const n = measured(m.summary.loops).length;
  console.log(
    `  RESULT ${m.target.name} ${m.mode}: ${m.switches} switches ${n} tests ` +
      `min/max/avg/stdev = ${fmtInt(r.min)}/${fmtInt(r.max)}/${fmtInt(r.avg)}/${fmtInt(r.stdev)} responses/s` +
      ` (packet-outs avg ${fmtInt(m.packetOuts.avg)}/s)`,
  );
  const lat = m.summary.latency;
  if (m.mode === 'latency' && lat) {
    console.log(
      `  round trip (packet-in written -> flow-mod read, ${cfg.switches} outstanding): ` +
        `median ${fmtUs(lat.medianUs)}, p99 ${fmtUs(lat.p99Us)}, mean ${fmtUs(lat.meanUs)}, ` +
        `max ${fmtUs(lat.maxUs)} over ${fmtInt(lat.count)} requests`,
    );
  }
  if (m.summary.stalls > 0) {
    console.log(
      `  stalls: ${fmtInt(m.summary.stalls)} (a switch heard no flow-mod for ${cfg.stallMs} ms and re-sent)`,
    );
  }
  for (const p of m.summary.problems) console.log(`  note: ${p}`);
}
