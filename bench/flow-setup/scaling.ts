/**
 * Scaling with the number of switches: throughput mode at 1, 16, 64, 256 and 1000
 * switches (by default) against each target, a fresh controller per cell, printed as
 * one compact table of average responses per second.
 */
import { fmtInt, table } from './report.js';
import { measure, type Session } from './session.js';
import type { TargetSpec } from './targets.js';

export async function scaling(session: Session, specs: readonly TargetSpec[]): Promise<void> {
  const o = session.opts;
  const loops = o.quick ? o.loops : Math.min(o.loops, 3);
  const usable = specs.filter((s) => !s.unavailable());
  console.log(
    `\n== scaling: throughput mode, ${fmtInt(o.macs)} MACs per switch, window ${o.window}, ` +
      `${loops} loops of ${o.msPerLoop} ms after ${o.warmup} warm-up`,
  );
  for (const s of specs)
    if (s.unavailable()) console.log(`  ${s.name} not measured: ${s.unavailable()}`);
  const rows = [['switches', ...usable.map((s) => `${s.name} resp/s`)]];
  for (const n of o.scalingSwitches) {
    const row = [String(n)];
    for (const spec of usable) {
      if (n > spec.maxSwitches) {
        row.push(`n/a (max ${spec.maxSwitches})`);
        continue;
      }
      let cell: string;
      const target = await session.start(spec).catch((e: Error) => e);
      if (target instanceof Error) {
        cell = 'failed to start';
        console.log(`  ${spec.name} at ${n} switches: ${target.message}`);
      } else {
        try {
          const m = await measure(
            session,
            target,
            { mode: 'throughput', switches: n, loops },
            false,
          );
          cell = fmtInt(m.responses.avg);
          if (m.switches < n) cell += ` (${m.switches} ready)`;
        } catch (e) {
          cell = 'failed';
          console.log(`  ${spec.name} at ${n} switches: ${(e as Error).message}`);
        } finally {
          await target.stop();
        }
      }
      console.log(`  ${spec.name} at ${n} switch${n === 1 ? '' : 'es'}: ${cell} responses/s`);
      row.push(cell);
    }
    rows.push(row);
  }
  console.log(`\n${table(rows)}`);
}
