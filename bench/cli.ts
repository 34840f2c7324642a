/**
 * `npm run bench cli [-- N]`: ofctl-ts beside ovs-ofctl on one private Open vSwitch (a
 * namespace of its own, from test/harness) holding N random flows (default 100 000:
 * three tables, tcp matches on in_port, nw_src, nw_dst/24 and tp_dst). Every command
 * runs once per tool, same bridge state, same run, output to a file; the table gives
 * wall-clock seconds and the ratio ofctl-ts / ovs-ofctl, and says whether the two
 * outputs are the same (durations masked, unsorted dumps compared as sets of lines).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestbed, type OvsInstance } from '../test/harness/index.js';
import { benchFlows, changedFlows } from './cli-flows.js';

/** The bundled executable, as installed (npm run build makes it). */
const MAIN = join(import.meta.dirname, '..', 'cli', 'ofctl-ts.js');

interface Timed {
  readonly seconds: number;
  readonly code: number;
  readonly out: string;
}

/** Runs a command with stdout to a file; returns its wall time, exit code and output. */
function timed(cmd: string, args: readonly string[], env: Record<string, string>): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-out-'));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      closeSync(fd);
      const out = readFileSync(file, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      const noise = stderr.replace(/^.*\|(INFO|WARN|DBG)\|.*\n/gm, '');
      if (noise.trim() !== '' && code !== 0 && code !== 2) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${noise.slice(0, 500)}`));
        return;
      }
      resolve({ seconds, code: code ?? -1, out });
    });
  });
}

const mask = (s: string) => s.replace(/duration=[0-9.]+s/g, 'duration=X');
const asSet = (s: string) => mask(s).split('\n').sort().join('\n');

interface Row {
  readonly what: string;
  readonly theirs: Timed;
  readonly ours: Timed;
  readonly same: boolean | undefined;
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  const tb = createTestbed();
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const rows: Row[] = [];
  try {
    const ovs: OvsInstance = await tb.startOvs();
    for (const br of ['brA', 'brB', 'brS']) {
      await ovs.addBridge(br, { failMode: 'secure' });
      for (const p of [1, 2, 3, 4]) {
        const name = `${br}p${p}`;
        await ovs.vsctl(
          'add-port',
          br,
          name,
          '--',
          'set',
          'Interface',
          name,
          'type=internal',
          `ofport_request=${p}`,
        );
      }
    }
    const env = ovs.env;
    const ofctl = (...a: string[]) => timed('ovs-ofctl', ['-O', 'OpenFlow13', ...a], env);
    const ours = (...a: string[]) => timed(process.execPath, [MAIN, ...a], env);
    const both = async (what: string, a: string[], compare: 'exact' | 'set' | 'none') => {
      const theirs = await ofctl(...a);
      const us = await ours(...a);
      const same =
        compare === 'none'
          ? undefined
          : compare === 'set'
            ? asSet(us.out) === asSet(theirs.out) && us.code === theirs.code
            : mask(us.out) === mask(theirs.out) && us.code === theirs.code;
      rows.push({ what, theirs, ours: us, same });
      console.error(
        `  ${what}: ovs-ofctl ${theirs.seconds.toFixed(2)} s, ofctl-ts ${us.seconds.toFixed(2)} s`,
      );
    };

    const flows = benchFlows(n, 19);
    const file1 = join(dir, 'flows1');
    const file2 = join(dir, 'flows2');
    writeFileSync(file1, `${flows.join('\n')}\n`);
    writeFileSync(file2, `${changedFlows(flows, 20).join('\n')}\n`);
    await ovs.ofctl('add-flow', 'brS', 'priority=1,in_port=1,actions=output:2');
    console.error(`bench cli: ${n} flows, OVS in namespace ${ovs.netns}`);

    // add-flows: each tool fills an empty bridge from the same file.
    const addTheirs = await ofctl('add-flows', 'brA', file1);
    const addOurs = await ours('add-flows', 'brB', file1);
    const [dumpA, dumpB] = [
      await ofctl('--no-stats', '--sort', 'dump-flows', 'brA'),
      await ofctl('--no-stats', '--sort', 'dump-flows', 'brB'),
    ];
    rows.push({
      what: `add-flows (${n} lines)`,
      theirs: addTheirs,
      ours: addOurs,
      same: dumpA.out === dumpB.out && addTheirs.code === addOurs.code,
    });
    console.error(
      `  add-flows: ovs-ofctl ${addTheirs.seconds.toFixed(2)} s, ofctl-ts ${addOurs.seconds.toFixed(2)} s`,
    );

    await both('dump-flows', ['dump-flows', 'brA'], 'set');
    await both('dump-flows --rsort', ['--rsort', 'dump-flows', 'brA'], 'exact');
    await both(
      'dump-flows --no-stats --sort=nw_src',
      ['--no-stats', '--sort=nw_src', 'dump-flows', 'brA'],
      'exact',
    );
    await both('diff-flows brA brB', ['diff-flows', 'brA', 'brB'], 'set');
    await both('diff-flows brA FILE2', ['diff-flows', 'brA', file2], 'set');

    // replace-flows: both bridges hold file1; each tool moves one of them to file2.
    const repTheirs = await ofctl('replace-flows', 'brA', file2);
    const repOurs = await ours('replace-flows', 'brB', file2);
    const [repA, repB] = [
      await ofctl('--no-stats', '--sort', 'dump-flows', 'brA'),
      await ofctl('--no-stats', '--sort', 'dump-flows', 'brB'),
    ];
    rows.push({
      what: 'replace-flows (10% changed)',
      theirs: repTheirs,
      ours: repOurs,
      same: repA.out === repB.out && repTheirs.code === repOurs.code,
    });
    console.error(
      `  replace-flows: ovs-ofctl ${repTheirs.seconds.toFixed(2)} s, ofctl-ts ${repOurs.seconds.toFixed(2)} s`,
    );

    await both('dump-flows, 1 flow (start-up)', ['dump-flows', 'brS'], 'set');
    await both('--help (start-up)', ['--help'], 'none');
  } finally {
    await tb.teardown();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nofctl-ts beside ovs-ofctl, ${n} flows, one run (seconds, wall clock)\n`);
  console.log('| command | ovs-ofctl | ofctl-ts | ratio | same output |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.ours.seconds / r.theirs.seconds;
    const same = r.same === undefined ? '-' : r.same ? 'yes' : 'NO';
    console.log(
      `| \`${r.what}\` | ${r.theirs.seconds.toFixed(3)} | ${r.ours.seconds.toFixed(3)} | ${ratio.toFixed(2)}x | ${same} |`,
    );
  }
}
