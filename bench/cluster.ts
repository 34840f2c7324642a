/**
 * `npm run bench cluster [-- --switches N]`: three controllers (child processes running
 * l2-learning with --cluster) share one etcd and N simulated switches (default 1000),
 * each switch connected to all three and keeping roles as Open vSwitch does
 * (cluster/role-switch.ts). Prints:
 *   - the time until every switch has a master, and the spread of masterships;
 *   - takeover after kill -9 of one controller: how long until each of its switches has
 *     a new master (p50, p99, max), counted from the kill;
 *   - the rejoin of that controller: how long until it has its share back, and how many
 *     role changes that took (a storm would be many more than its share).
 * Timings on a shared 2-core machine are noisy: repeat before trusting a figure.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startEtcd } from './cluster/etcd-server.js';
import { type RoleEvent, RoleSwitch } from './cluster/role-switch.js';
import {
  freePort,
  killAllNow,
  type Spawned,
  spawnLogged,
  stopProcess,
  tail,
  waitListening,
} from './flow-setup/processes.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const NODES = ['c1', 'c2', 'c3'];

function option(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function run(args: string[]): Promise<void> {
  const n = option(args, '--switches', 1000);
  const dir = mkdtempSync(join(tmpdir(), 'ofctl-bench-cluster-'));
  const etcd = await startEtcd({ members: 1, basePort: await freePort() });
  const ports = await Promise.all(NODES.map(() => freePort()));
  const procs: (Spawned | undefined)[] = [];
  const start = async (i: number) => {
    const p = spawnLogged(
      process.execPath,
      [
        MAIN,
        'controller',
        '--listen',
        `tcp:127.0.0.1:${ports[i]}`,
        '--app',
        'l2-learning',
        '--cluster',
        etcd.spec,
        '--node-id',
        NODES[i]!,
        '--log-level',
        'warn',
        '--api',
        'off',
      ],
      join(dir, `${NODES[i]}.log`),
    );
    procs[i] = p;
    await waitListening(p, ports[i]!, 20_000);
  };
  const onExit = () => killAllNow();
  process.once('exit', onExit);
  const switches: RoleSwitch[] = [];
  try {
    await Promise.all(NODES.map((_, i) => start(i)));
    const events: RoleEvent[] = [];
    for (let d = 1; d <= n; d++) switches.push(new RoleSwitch(BigInt(d), (e) => events.push(e)));

    // 1. Every switch connects to the three controllers; until each has a master.
    const t0 = performance.now();
    for (const sw of switches) for (let i = 0; i < NODES.length; i++) sw.connect(i, ports[i]!);
    await until(
      () => switches.every((s) => s.master >= 0),
      60_000,
      'every switch to have a master',
    );
    const allMastered = performance.now() - t0;
    await sleep(2000); // let any late handover settle
    const counts = NODES.map((_, i) => switches.filter((s) => s.master === i).length);
    const fair = n / NODES.length;
    const worst = Math.max(...counts.map((c) => Math.abs(c - fair) / fair));
    const startChanges = events.length;
    console.log(`switches: ${n}, controllers: ${NODES.length} (etcd: 1 member, lease TTL 2 s)`);
    console.log(`every switch has a master after ${allMastered.toFixed(0)} ms`);
    console.log(
      `spread: ${NODES.map((node, i) => `${node} ${counts[i]}`).join(', ')} ` +
        `(largest deviation from an even share: ${(worst * 100).toFixed(1)}%)`,
    );
    console.log(`role changes seen by the switches so far: ${startChanges} (${n} needed)`);

    // 2. kill -9 of c1: takeover of its switches.
    const victims = switches.filter((s) => s.master === 0);
    const tKill = performance.now();
    procs[0]!.child.kill('SIGKILL');
    await procs[0]!.exited;
    await until(
      () => victims.every((s) => s.master > 0),
      60_000,
      "the killed controller's switches to have a new master",
    );
    const takeover = victims
      .map((s) => {
        const e = events.find((x) => x.dpid === s.dpid && x.at > tKill && x.master > 0);
        return (e?.at ?? Number.NaN) - tKill;
      })
      .sort((a, b) => a - b);
    console.log(
      `kill -9 of c1 (master of ${victims.length}): new master after p50 ${pct(takeover, 50).toFixed(0)} ms, ` +
        `p99 ${pct(takeover, 99).toFixed(0)} ms, max ${takeover.at(-1)?.toFixed(0)} ms`,
    );

    // 3. c1 comes back: it takes its share back, with about one role change per switch.
    const before = events.length;
    const tBack = performance.now();
    await start(0);
    for (const sw of switches) sw.connect(0, ports[0]!);
    await until(
      () => switches.filter((s) => s.master === 0).length >= victims.length,
      60_000,
      'c1 to take its share back',
    );
    const back = performance.now() - tBack;
    await sleep(2000);
    const changes = events.length - before;
    const share = switches.filter((s) => s.master === 0).length;
    console.log(
      `c1 restarted: master of ${share} again after ${back.toFixed(0)} ms; ` +
        `${changes} role changes (its share is ${share}: no storm when about equal)`,
    );
    const refused = switches.reduce((a, s) => a + s.writesRefused, 0);
    console.log(`writes refused by switches as from a SLAVE (OFPBRC_IS_SLAVE): ${refused}`);
  } catch (e) {
    for (const node of NODES) console.error(`--- ${node}\n${tail(join(dir, `${node}.log`))}`);
    throw e;
  } finally {
    for (const s of switches) s.close();
    await Promise.all(procs.map((p) => (p ? stopProcess(p) : undefined)));
    await etcd.stop();
    process.off('exit', onExit);
  }
}
