/**
 * Controller memory: VmRSS of the controller process (from /proc/PID/status) when idle,
 * with many switches connected, and before and after each of fewer switches has
 * learned M source MACs. Per-switch and per-MAC costs are the differences divided by
 * the counts. RSS includes garbage not yet collected, so these are upper bounds.
 */
import type { GeneratorEvent } from './generator.js';
import { startGenerator } from './generator-host.js';
import { rssKib } from './processes.js';
import { fmtInt, fmtMib, table } from './report.js';
import type { Session } from './session.js';
import type { TargetSpec } from './targets.js';

const SETTLE_MS = 750;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface MemoryRow {
  readonly idle?: number;
  readonly connected?: number;
  readonly connectedSwitches?: number;
  readonly beforeLearn?: number;
  readonly afterLearn?: number;
  readonly learnedMacs?: number;
}

export async function memory(session: Session, specs: readonly TargetSpec[]): Promise<void> {
  const o = session.opts;
  const manySwitches = o.quick ? 100 : 1000;
  const learnSwitches = o.quick ? 10 : 100;
  console.log(
    `\n== memory: controller VmRSS idle, with ${manySwitches} switches connected, ` +
      `and before/after ${learnSwitches} switches x ${fmtInt(o.macs)} MACs are learned`,
  );
  const rows = [
    [
      'target',
      'idle',
      `${manySwitches} switches`,
      'per switch',
      `${learnSwitches} sw ready`,
      'MACs learned',
      'after learning',
      'per MAC',
    ],
  ];
  /** Bytes of RSS per learned MAC, by target. */
  const perMac = new Map<string, number>();
  for (const spec of specs) {
    if (spec.name === 'trivial') continue;
    const why =
      spec.unavailable() ??
      (spec.maxSwitches < manySwitches
        ? `accepts at most ${spec.maxSwitches} switches`
        : undefined);
    if (why) {
      console.log(`  ${spec.name} not measured: ${why}`);
      continue;
    }
    let r: MemoryRow = {};
    const target = await session.start(spec);
    try {
      await sleep(SETTLE_MS);
      const pid = target.process.pid;
      r = { idle: rssKib(pid) };
      const many = await holdAndSample(session, target.port, pid, manySwitches, 1, false);
      r = { ...r, connected: many.ready, connectedSwitches: many.switches };
      const learn = await holdAndSample(session, target.port, pid, learnSwitches, o.macs, true);
      r = {
        ...r,
        beforeLearn: learn.ready,
        afterLearn: learn.learned,
        learnedMacs: learn.switches * o.macs,
      };
    } catch (e) {
      console.log(`  ${spec.name}: ${(e as Error).message}`);
    } finally {
      await target.stop();
    }
    if (r.learnedMacs && r.afterLearn !== undefined && r.beforeLearn !== undefined) {
      perMac.set(spec.name, ((r.afterLearn - r.beforeLearn) * 1024) / r.learnedMacs);
    }
    const per = (a?: number, b?: number, n?: number, unit = 'KiB') =>
      a !== undefined && b !== undefined && n ? `${((b - a) / n).toFixed(2)} ${unit}` : 'n/a';
    rows.push([
      spec.name,
      fmtMib(r.idle),
      `${fmtMib(r.connected)}${r.connectedSwitches !== undefined && r.connectedSwitches < manySwitches ? ` (${r.connectedSwitches} ready)` : ''}`,
      per(r.idle, r.connected, r.connectedSwitches),
      fmtMib(r.beforeLearn),
      r.learnedMacs !== undefined ? fmtInt(r.learnedMacs) : 'n/a',
      fmtMib(r.afterLearn),
      r.learnedMacs
        ? `${((((r.afterLearn ?? 0) - (r.beforeLearn ?? 0)) * 1024) / r.learnedMacs).toFixed(0)} B`
        : 'n/a',
    ]);
  }
  console.log(`\n${table(rows)}`);
  const on = perMac.get('ofctl-ts');
  const off = perMac.get('ofctl-ts-no-model');
  if (on !== undefined && off !== undefined) {
    // Each learned MAC is one flow in the model (l2-learning installs one per source).
    const extra = on - off;
    console.log(
      `flow model: ${extra.toFixed(0)} B of RSS per modelled flow beyond --no-flow-model ` +
        `(goal < 300 B: ${extra < 300 ? 'met' : 'NOT met'}; RSS is an upper bound, garbage included)`,
    );
  }
}

interface Sample {
  readonly switches: number;
  readonly ready?: number;
  readonly learned?: number;
}

/**
 * Connects `switches` switches and samples RSS once they are ready; with `learn`, then
 * has each send `macs` MACs once and samples again when all are answered.
 */
async function holdAndSample(
  session: Session,
  port: number,
  pid: number,
  switches: number,
  macs: number,
  learn: boolean,
): Promise<Sample> {
  const cfg = session.generatorConfig(port, {
    mode: 'throughput',
    switches,
    macs,
    hold: true,
    learnOnly: learn,
  });
  let sample: Sample = { switches: 0 };
  let onEvent: (e: GeneratorEvent) => void = () => {};
  const run = startGenerator(cfg, (e) => onEvent(e));
  onEvent = (e) => {
    if (e.kind === 'ready') {
      void sleep(SETTLE_MS).then(() => {
        sample = { switches: e.ready, ready: rssKib(pid) };
        run.command(learn && e.ready > 0 ? 'proceed' : 'stop');
      });
    } else if (e.kind === 'learned') {
      console.log(
        `  ${fmtInt(e.flowMods)} flow-mods for ${fmtInt(e.packets)} packet-ins in ${e.seconds.toFixed(1)} s`,
      );
      void sleep(SETTLE_MS).then(() => {
        sample = { ...sample, learned: rssKib(pid) };
        run.command('stop');
      });
    }
  };
  const summary = await run.done;
  for (const p of summary.problems) console.log(`  note: ${p}`);
  return sample;
}
