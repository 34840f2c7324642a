/**
 * The main comparison: the same load (N switches, M MACs each) in each mode against
 * every target, a fresh controller process per target and mode; then a summary table
 * and the ratios of ofctl-ts to each peer, with the goals the project set itself.
 */
import { fmtInt, fmtRatio, fmtUs, table } from './report.js';
import { type Measurement, measure, type Session } from './session.js';
import type { Mode } from './switch.js';
import type { TargetName, TargetSpec } from './targets.js';

export type Results = Map<TargetName, Map<Mode, Measurement>>;

/** Throughput goal of ofctl-ts over each peer (responses/s ratio). */
const THROUGHPUT_GOAL: Partial<Record<TargetName, number>> = {
  'ovs-testcontroller': 10,
  'os-ken': 100,
};

export async function compare(
  session: Session,
  specs: readonly TargetSpec[],
  profileDir: string | undefined,
): Promise<Results> {
  const o = session.opts;
  const results: Results = new Map();
  for (const spec of specs) {
    console.log(`\n== ${spec.title}`);
    const why = spec.unavailable();
    if (why) {
      console.log(`  not measured: ${why}`);
      continue;
    }
    const switches = Math.min(o.switches, spec.maxSwitches);
    if (switches < o.switches) {
      console.log(`  ${spec.name} accepts at most ${spec.maxSwitches} switches: using ${switches}`);
    }
    const byMode = new Map<Mode, Measurement>();
    results.set(spec.name, byMode);
    for (const mode of o.modes) {
      console.log(
        `- ${mode} mode: ${switches} switches x ${fmtInt(o.macs)} MACs, ` +
          (mode === 'throughput'
            ? `window ${o.window} packet-ins per switch`
            : 'one packet-in outstanding per switch'),
      );
      const prof = spec.name === 'ofctl-ts' && mode === 'throughput' ? profileDir : undefined;
      let target: Awaited<ReturnType<Session['start']>> | undefined;
      try {
        target = await session.start(spec, prof);
        byMode.set(mode, await measure(session, target, { mode, switches }, true));
      } catch (e) {
        console.log(`  failed: ${(e as Error).message}`);
      } finally {
        await target?.stop();
      }
    }
  }
  printSummary(results);
  return results;
}

function printSummary(results: Results): void {
  if (results.size === 0) return;
  console.log('\n== summary (responses = FLOW_MODs received per second, avg over measured loops)');
  const rows = [['target', 'throughput resp/s', 'latency-mode resp/s', 'median RTT', 'p99 RTT']];
  for (const [name, byMode] of results) {
    const t = byMode.get('throughput');
    const l = byMode.get('latency');
    rows.push([
      name,
      t ? fmtInt(t.responses.avg) : '-',
      l ? fmtInt(l.responses.avg) : '-',
      l ? fmtUs(l.summary.latency?.medianUs) : '-',
      l ? fmtUs(l.summary.latency?.p99Us) : '-',
    ]);
  }
  console.log(table(rows));
  const ours = results.get('ofctl-ts');
  if (!ours) {
    console.log('ratios: ofctl-ts was not measured');
    return;
  }
  console.log('\nratios (ofctl-ts / peer):');
  for (const [name, peer] of results) {
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
      parts.push(`latency-mode rate ${fmtRatio(ol.responses.avg / pl.responses.avg)}`);
      const om = ol.summary.latency?.medianUs;
      const pm = pl.summary.latency?.medianUs;
      if (om !== undefined && pm !== undefined) {
        const verdict =
          name === 'ovs-testcontroller'
            ? ` (goal: no slower: ${om <= pm ? 'met' : 'NOT met'})`
            : '';
        parts.push(`median RTT ${fmtUs(om)} vs ${fmtUs(pm)}${verdict}`);
      }
    }
    const label = name === 'trivial' ? 'trivial (share of the generator ceiling)' : name;
    console.log(`  vs ${label}: ${parts.length ? parts.join('; ') : 'no common mode measured'}`);
  }
}
