/**
 * Private etcd members for tests and the cluster bench: each member a child process on
 * loopback ports with a temporary data directory, started through a spawner (plain, or
 * inside a network namespace where the switches and controllers run), stopped and
 * restarted by pid, its data directory removed at the end. A member is ready when
 * `etcdctl endpoint health` says so.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type Spawn = (cmd: string, args: readonly string[]) => ChildProcess;
/** Runs a command (in the same place the members run) and resolves with its exit code. */
export type Exec = (cmd: string, args: readonly string[]) => Promise<number>;

export const plainSpawn: Spawn = (cmd, args) =>
  spawn(cmd, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });

export const plainExec: Exec = (cmd, args) =>
  new Promise((resolve) => {
    const c = spawn(cmd, [...args], { stdio: 'ignore' });
    c.once('exit', (code) => resolve(code ?? 1));
    c.once('error', () => resolve(1));
  });

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  child: ChildProcess | undefined;
  stderr: string;
}

export interface EtcdCluster {
  /** Client URLs, one per member. */
  readonly endpoints: readonly string[];
  /** `etcd:URL,URL,...` for --cluster. */
  readonly spec: string;
  /** SIGKILL member `i` (0-based); resolves once it has exited. */
  kill(i: number): Promise<void>;
  /** Starts member `i` again on its data directory; resolves once it is healthy. */
  restart(i: number): Promise<void>;
  /** Starts every stopped member again (a quorum needs them together); resolves once healthy. */
  restartAll(): Promise<void>;
  /** Every member stopped, data removed. */
  stop(): Promise<void>;
}

/**
 * Starts `n` members (1 or 3) on ports from `basePort` (client basePort+2i, peer
 * basePort+2i+1): pick a base that is free where they run (a fresh network namespace
 * has every port free).
 */
export async function startEtcd(opts: {
  readonly members: number;
  readonly basePort: number;
  readonly spawn?: Spawn;
  readonly exec?: Exec;
}): Promise<EtcdCluster> {
  const spawnFn = opts.spawn ?? plainSpawn;
  const execFn = opts.exec ?? plainExec;
  const dir = await mkdtemp(join(tmpdir(), 'ofctl-etcd-'));
  const members: Member[] = Array.from({ length: opts.members }, (_, i) => ({
    name: `m${i}`,
    clientPort: opts.basePort + 2 * i,
    peerPort: opts.basePort + 2 * i + 1,
    child: undefined,
    stderr: '',
  }));
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  const endpoints = members.map((m) => `http://127.0.0.1:${m.clientPort}`);

  const launch = (m: Member, state: 'new' | 'existing') => {
    const c = spawnFn('etcd', [
      '--name',
      m.name,
      '--data-dir',
      join(dir, m.name),
      '--listen-client-urls',
      `http://127.0.0.1:${m.clientPort}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-state',
      state,
      '--initial-cluster-token',
      'ofctl-test',
      // Quick elections on a loaded 2-core machine, but not so quick that they flap.
      '--heartbeat-interval',
      '100',
      '--election-timeout',
      '1000',
      '--log-level',
      'warn',
    ]);
    m.stderr = '';
    c.stderr?.setEncoding('utf8').on('data', (s: string) => {
      m.stderr = (m.stderr + s).slice(-4000);
    });
    m.child = c;
  };

  const healthy = async (m: Member) => {
    for (let i = 0; i < 150; i++) {
      const code = await execFn('etcdctl', [
        '--endpoints',
        `http://127.0.0.1:${m.clientPort}`,
        '--command-timeout=1s',
        'endpoint',
        'health',
      ]);
      if (code === 0) return;
      if (m.child?.exitCode !== null && m.child?.exitCode !== undefined) break;
      await sleep(200);
    }
    throw new Error(`etcd member ${m.name} did not become healthy:\n${m.stderr}`);
  };

  const killMember = async (m: Member) => {
    const c = m.child;
    m.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await gone;
  };

  for (const m of members) launch(m, 'new');
  try {
    await Promise.all(members.map(healthy));
  } catch (e) {
    await Promise.all(members.map(killMember));
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    endpoints,
    spec: `etcd:${endpoints.join(',')}`,
    kill: (i) => killMember(members[i]!),
    async restart(i) {
      const m = members[i]!;
      await killMember(m);
      launch(m, 'existing');
      await healthy(m);
    },
    async restartAll() {
      for (const m of members) if (!m.child) launch(m, 'existing');
      await Promise.all(members.map(healthy));
    },
    async stop() {
      await Promise.all(members.map(killMember));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
