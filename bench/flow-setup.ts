/**
 * `npm run bench flow-setup [-- options]`: a cbench-style flow-setup benchmark.
 *
 * Emulated OpenFlow 1.3 switches (bench/flow-setup/switch.ts, run in a worker thread)
 * send unbuffered PACKET_INs whose source MAC cycles over M addresses per switch and
 * whose destination each switch has taught the controller first; a learning switch
 * answers each with a FLOW_MOD and a PACKET_OUT. As in cbench, a response is a FLOW_MOD
 * received; PACKET_OUTs are counted and shown beside them. Throughput mode keeps a
 * window of packet-ins in flight per switch; latency mode keeps exactly one and times
 * it. Each controller under test is a child process: the trivial responder (the
 * generator's ceiling), ofctl-ts with l2-learning, ovs-testcontroller and os-ken.
 * Options: see USAGE in bench/flow-setup/options.ts (`--help`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compare } from './flow-setup/compare.js';
import { memory } from './flow-setup/memory.js';
import { type FlowSetupOptions, OptionError, parseOptions, USAGE } from './flow-setup/options.js';
import { killAllNow } from './flow-setup/processes.js';
import { printProfiles } from './flow-setup/profile.js';
import { fmtInt, machineLine } from './flow-setup/report.js';
import { scaling } from './flow-setup/scaling.js';
import { Session } from './flow-setup/session.js';
import { TARGET_NAMES, TARGETS } from './flow-setup/targets.js';

export async function run(args: string[]): Promise<void> {
  let opts: FlowSetupOptions;
  try {
    opts = parseOptions(args);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    console.error(`flow-setup: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  for (const a of opts.ignored) console.log(`flow-setup: ignoring argument '${a}'`);
  printHeader(opts);

  const specs = (opts.targets ?? TARGET_NAMES).map((n) => TARGETS[n]);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ofctl-flow-setup-'));
  const profileDir = opts.cpuProf ? path.join(workDir, 'cpu-prof') : undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    killAllNow();
    console.error(`\nflow-setup: ${sig}: controllers stopped`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('exit', killAllNow);
  try {
    const session = new Session(opts, workDir);
    if (opts.compare) await compare(session, specs, profileDir);
    if (opts.scaling) await scaling(session, specs);
    if (opts.memory) await memory(session, specs);
    if (profileDir) printProfiles(profileDir, process.cwd());
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killAllNow);
    killAllNow();
    if (profileDir) console.log(`\nprofiles and controller logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

function printHeader(o: FlowSetupOptions): void {
  console.log('flow-setup: cbench-style OpenFlow 1.3 flow-setup benchmark');
  console.log(machineLine());
  console.log(
    `load: ${o.switches} switches x ${fmtInt(o.macs)} source MACs, ${o.loops} loops of ` +
      `${o.msPerLoop} ms after ${o.warmup} warm-up loop(s) (reported, not counted); ` +
      `modes: ${o.modes.join(', ')}`,
  );
  console.log(
    'responses = FLOW_MODs received (as cbench counts them); PACKET_OUTs are counted beside them.\n' +
      'The generator runs in a worker thread of this process; each controller is a child process.',
  );
}
