/**
 * Command-line options of the flow-setup benchmark, parsed and validated once, then
 * frozen. `--quick` changes the defaults (not explicit values) to a ~2 s run per target.
 * Unknown options are reported and ignored: `npm run bench` hands the same arguments
 * to every benchmark it runs.
 */
import type { Mode } from './switch.js';
import { TARGET_NAMES, type TargetName } from './targets.js';
import { MAX_MACS } from './wire.js';

export interface FlowSetupOptions {
  readonly switches: number;
  readonly macs: number;
  readonly loops: number;
  readonly msPerLoop: number;
  readonly warmup: number;
  readonly modes: readonly Mode[];
  /** Explicitly chosen targets, or undefined for "all that are available". */
  readonly targets: readonly TargetName[] | undefined;
  readonly window: number;
  /** First port to listen on (then +1 per start), or 0 for a free port each time. */
  readonly port: number;
  readonly quick: boolean;
  /** Times the comparison is repeated; the summary takes each target's median round. */
  readonly rounds: number;
  readonly compare: boolean;
  readonly scaling: boolean;
  readonly scalingSwitches: readonly number[];
  readonly memory: boolean;
  readonly cpuProf: boolean;
  readonly stallMs: number;
  readonly help: boolean;
  readonly ignored: readonly string[];
}

export const USAGE = `flow-setup options:
  --switches N          emulated switches (default 16)
  --macs M              source MACs per switch (default 1000)
  --loops L             measured loops (default 10; --quick 2)
  --ms-per-loop MS      loop length (default 1000; --quick 250)
  --warmup W            loops run first and discarded (default 1)
  --mode throughput|latency|both                 (default both)
  --target a,b          trivial, ofctl-ts, ovs-testcontroller, os-ken, all (default all available)
  --window W            unanswered packet-ins per switch in throughput mode (default 128)
  --port P              first listening port for the controllers (default: a free port)
  --quick               short run (smoke test)
  --rounds R            repeat the comparison R times, summarise the median (default 1)
  --scaling             add the scaling table (throughput vs number of switches)
  --scaling-switches L  switch counts for --scaling (default 1,16,64,256,1000)
  --memory              add controller RSS: idle, per switch, per learned MAC
  --no-compare          skip the main comparison (with --scaling or --memory)
  --cpu-prof            run ofctl-ts under node --cpu-prof and print its hotspots
  --stall-ms MS         silence after which a switch re-sends (default 500)`;

const FLAGS = new Set(['quick', 'scaling', 'memory', 'no-compare', 'cpu-prof', 'help']);
const VALUED = new Set([
  'switches',
  'macs',
  'loops',
  'ms-per-loop',
  'warmup',
  'mode',
  'target',
  'window',
  'port',
  'scaling-switches',
  'stall-ms',
  'rounds',
]);

export class OptionError extends Error {}

function int(name: string, raw: string, min: number, max: number): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new OptionError(`--${name}: expected an integer in ${min}..${max}, got '${raw}'`);
  }
  return v;
}

export function parseOptions(args: readonly string[]): FlowSetupOptions {
  const raw = new Map<string, string>();
  const flags = new Set<string>();
  const ignored: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      ignored.push(a);
      continue;
    }
    const name = m[1]!;
    if (FLAGS.has(name) && m[2] === undefined) flags.add(name);
    else if (VALUED.has(name)) {
      const value = m[2] ?? args[++i];
      if (value === undefined) throw new OptionError(`--${name} needs a value`);
      raw.set(name, value);
    } else ignored.push(a);
  }
  const quick = flags.has('quick');
  const get = (name: string, dflt: number, min: number, max: number) => {
    const v = raw.get(name);
    return v === undefined ? dflt : int(name, v, min, max);
  };
  const mode = raw.get('mode') ?? 'both';
  const modes: Mode[] | undefined =
    mode === 'both'
      ? ['throughput', 'latency']
      : mode === 'throughput' || mode === 'latency'
        ? [mode]
        : undefined;
  if (!modes) throw new OptionError(`--mode: expected throughput, latency or both, got '${mode}'`);
  return Object.freeze({
    switches: get('switches', 16, 1, 20_000),
    macs: get('macs', quick ? 100 : 1000, 1, MAX_MACS),
    loops: get('loops', quick ? 2 : 10, 1, 100_000),
    msPerLoop: get('ms-per-loop', quick ? 250 : 1000, 10, 3_600_000),
    warmup: get('warmup', 1, 0, 1000),
    modes,
    targets: parseTargets(raw.get('target')),
    window: get('window', 128, 1, 100_000),
    port: get('port', 0, 0, 65_000),
    quick,
    rounds: get('rounds', 1, 1, 100),
    compare: !flags.has('no-compare'),
    scaling: flags.has('scaling'),
    scalingSwitches: parseList(
      raw.get('scaling-switches') ?? (quick ? '1,16' : '1,16,64,256,1000'),
    ),
    memory: flags.has('memory'),
    cpuProf: flags.has('cpu-prof'),
    stallMs: get('stall-ms', 500, 10, 600_000),
    help: flags.has('help'),
    ignored,
  });
}

function parseTargets(v: string | undefined): TargetName[] | undefined {
  if (v === undefined || v === 'all') return undefined;
  const out: TargetName[] = [];
  for (const t of v.split(',')) {
    if (t === 'all') return undefined;
    if (!(TARGET_NAMES as readonly string[]).includes(t)) {
      throw new OptionError(
        `--target: unknown '${t}'; choose from ${TARGET_NAMES.join(', ')}, all`,
      );
    }
    if (!out.includes(t as TargetName)) out.push(t as TargetName);
  }
  return out;
}

function parseList(v: string): number[] {
  return v.split(',').map((x) => int('scaling-switches', x, 1, 20_000));
}
