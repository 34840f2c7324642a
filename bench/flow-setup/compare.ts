/**
 * The main comparison: the same load (N switches, M MACs each) in each mode against
 * every target, a fresh controller process per target and mode, for one or more
 * rounds; then a summary table and the ratios of ofctl-ts to each peer, with the goals
 * the project set itself.
 */
import { fmtInt, fmtRatio, fmtUs, table } from './report.js';
import { type Measurement, measure, type Session } from './session.js';
import type { Mode } from './switch.js';
import type { RunningTarget, TargetName, TargetSpec } from './targets.js';

/** Every round's measurement, per target and mode. */
export type Results = Map<TargetName, Map<Mode, Measurement[]>>;

/**
 * Throughput goal of ofctl-ts (with its flow model, the default) over each peer
 * (responses/s ratio); against itself without the model, within 20%.
 */
const THROUGHPUT_GOAL: Partial<Record<TargetName, number>> = {
  'ofctl-ts-no-model': 0.8,
  'ovs-testcontroller': 40,
  'os-ken': 100,
};
/** Latency-mode responses/s goal of ofctl-ts over each peer. */
const LATENCY_RATE_GOAL: Partial<Record<TargetName, number>> = {
  'ovs-testcontroller': 1.3,
};

/**
 * Runs the comparison `rounds` times (targets in turn within each round, so that a
 * busy machine slows every target alike) and summarises each target by its median round.
 */
export async function compare(
  session: Session,
  specs: readonly TargetSpec[],
  profileDir: string | undefined,
): Promise<Results> {
  const o = session.opts;
  const results: Results = new Map();
  for (let round = 1; round <= o.rounds; round++) {
    if (o.rounds > 1)
      console.log(`
#### round ${round} of ${o.rounds}`);
    for (const spec of specs) {
      console.log(`\n== ${spec.title}`);
      const why = spec.unavailable();
      if (why) {
        console.log(`  not measured: ${why}`);
        continue;
      }
      const byMode = results.get(spec.name) ?? new Map<Mode, Measurement[]>();
      results.set(spec.name, byMode);
      for (const mode of o.modes) {
        const m = await measureOne(session, spec, mode, round === 1 ? profileDir : undefined);
        if (m) byMode.set(mode, [...(byMode.get(mode) ?? []), m]);
      }
    }
  }
  printSummary(results, o.rounds);
  if (o.quick) {
    console.log('(--quick: loops too short for stable figures; use the defaults to compare)');
  }
  return results;
}

/** One target in one mode, on a fresh controller process; undefined when it failed. */
async function measureOne(
  session: Session,
  spec: TargetSpec,
  mode: Mode,
  profileDir: string | undefined,
): Promise<Measurement | undefined> {
  const o = session.opts;
  const switches = Math.min(o.switches, spec.maxSwitches);
  if (switches < o.switches) {
    console.log(`  ${spec.name} accepts at most ${spec.maxSwitches} switches: using ${switches}`);
  }
  console.log(
    `- ${mode} mode: ${switches} switches x ${fmtInt(o.macs)} MACs, ` +
      (mode === 'throughput'
        ? `window ${o.window} packet-ins per switch`
        : 'one packet-in outstanding per switch'),
  );
  const prof = spec.name === 'ofctl-ts' && mode === 'throughput' ? profileDir : undefined;
  let target: RunningTarget | undefined;
  try {
    target = await session.start(spec, prof);
    return await measure(session, target, { mode, switches }, true);
  } catch (e) {
    console.log(`  failed: ${(e as Error).message}`);
    return undefined;
  } finally {
    await target?.stop();
  }
}

/** The round whose average response rate is the median (the lower middle for even counts). */
function median(ms: readonly Measurement[] | undefined): Measurement | undefined {
  if (!ms || ms.length === 0) return undefined;
  const sorted = [...ms].sort((a, b) => a.responses.avg - b.responses.avg);
  return sorted[(sorted.length - 1) >> 1];
}

function printSummary(results: Results, rounds: number): void {
  if (results.size === 0) return;
  const of = rounds > 1 ? `, median of ${rounds} rounds` : '';
  console.log(
    `\n== summary (responses = FLOW_MODs received per second, avg over measured loops${of})`,
  );
  const header = ['target', 'throughput resp/s', 'latency-mode resp/s', 'median RTT', 'p99 RTT'];
  const rows = [rounds > 1 ? [...header, 'throughput by round'] : header];
  const pick = new Map<TargetName, Map<Mode, Measurement | undefined>>();
  for (const [name, byMode] of results) {
    const t = median(byMode.get('throughput'));
    const l = median(byMode.get('latency'));
    pick.set(
      name,
      new Map([
        ['throughput', t],
        ['latency', l],
      ]),
    );
    const row = [
      name,
      t ? fmtInt(t.responses.avg) : '-',
      l ? fmtInt(l.responses.avg) : '-',
      l ? fmtUs(l.summary.latency?.medianUs) : '-',
      l ? fmtUs(l.summary.latency?.p99Us) : '-',
    ];
    const each = (byMode.get('throughput') ?? []).map((m) => fmtInt(m.responses.avg));
    rows.push(rounds > 1 ? [...row, each.join(' / ')] : row);
  }
  console.log(table(rows));
  const ours = pick.get('ofctl-ts');
  if (!ours) {
    console.log('ratios: ofctl-ts was not measured');
    return;
  }
  console.log('\nratios (ofctl-ts, flow model on / peer):');
  for (const [name, peer] of pick) {
    if (name === 'ofctl-ts') continue;
    const parts: string[] = [];
    const ot = ours.get('throughput');
    const pt = peer.get('throughput');
    if (ot && pt) {
      const r = ot.responses.avg / pt.responses.avg;
      const goal = THROUGHPUT_GOAL[name];
      const verdict = goal ? ` (goal >= ${goal}x: ${r >= goal ? 'met' : 'NOT met'})` : '';
      parts.push(`throughput ${fmtRatio(r)}${verdict}`);
    }
    const ol = ours.get('latency');
    const pl = peer.get('latency');
    if (ol && pl) {
      const r = ol.responses.avg / pl.responses.avg;
      const goal = LATENCY_RATE_GOAL[name];
      const verdict = goal ? ` (goal >= ${goal}x: ${r >= goal ? 'met' : 'NOT met'})` : '';
      parts.push(`latency-mode rate ${fmtRatio(r)}${verdict}`);
      const o = ol.summary.latency;
      const q = pl.summary.latency;
      if (o && q) {
        parts.push(
          `RTT p50 ${fmtUs(o.medianUs)} vs ${fmtUs(q.medianUs)}, p99 ${fmtUs(o.p99Us)} vs ${fmtUs(q.p99Us)}`,
        );
      }
    }
    const label = name === 'trivial' ? 'trivial (share of the generator ceiling)' : name;
    console.log(`  vs ${label}: ${parts.length ? parts.join('; ') : 'no common mode measured'}`);
  }
}
