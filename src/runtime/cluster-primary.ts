/**
 * The first process of a controller run with `workers` > 1 (node:cluster): it forks the
 * worker processes, which run the same command line and serve the switches, and
 * supervises them; it serves no switch itself.
 *
 * Sharing out: every worker listens on the same addresses; Node's cluster module keeps
 * the listening sockets in this process, accepts, and hands each new connection to the
 * workers in turn (round robin). A switch's connection, its state and the apps' state
 * for it therefore live in exactly one worker, and apps see the same API as with one
 * process. What crosses processes is small: a worker reports its addresses once it
 * listens, and the dpid of each switch that finishes its handshake, which is passed on
 * to the other workers so that a switch reconnecting to another worker replaces its old
 * connection there as it would within one process (see cluster-worker.ts).
 *
 * Life: start() resolves with the addresses when every worker listens and rejects if
 * one exits first; a worker that dies later is logged and replaced after a second;
 * reload() passes SIGHUP on (each worker re-reads the configuration as it would alone);
 * stop() asks every worker to stop (a worker already stopping, say on the terminal's
 * SIGINT, just goes on) and waits for them to exit, killing stragglers.
 */
import cluster, { type Worker } from 'node:cluster';
import type { ListenAddress } from './listener.js';
import type { Logger } from './log.js';

/** Messages between the processes (structured-clone safe). */
export type ClusterMessage =
  | { readonly kind: 'listening'; readonly addresses: readonly ListenAddress[] }
  | { readonly kind: 'switch-up'; readonly dpid: string; readonly worker?: number }
  | { readonly kind: 'stop' };

/** Set in a worker's environment: its number, 1..N. */
export const WORKER_ENV = 'OFCTL_TS_WORKER';

const RESPAWN_MS = 1000;
const STOP_GRACE_MS = 5000;

export class ClusterPrimary {
  private readonly workers = new Map<number, Worker>();
  /** Workers that said they listen (and so take the 'stop' message). */
  private readonly listening = new Set<Worker>();
  private stopping = false;
  private readonly respawns = new Set<NodeJS.Timeout>();

  constructor(
    private readonly count: number,
    private readonly log: Logger,
  ) {}

  /** Forks the workers; resolves with the addresses they listen on. */
  async start(): Promise<readonly ListenAddress[]> {
    const ready: Promise<readonly ListenAddress[]>[] = [];
    for (let n = 1; n <= this.count; n++) ready.push(this.fork(n));
    try {
      const all = await Promise.all(ready);
      this.log.info({ workers: this.count }, `${this.count} worker processes serving switches`);
      return all[0]!;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Passes a configuration reload on to every worker. */
  reload(): void {
    for (const w of this.workers.values()) w.process.kill('SIGHUP');
  }

  /** Asks every worker to stop; resolves when all have exited (SIGKILL after a grace time). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.respawns) clearTimeout(t);
    this.respawns.clear();
    await Promise.all(
      [...this.workers.values()].map((w) => {
        if (w.isDead()) return undefined;
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
        // A worker still starting has no one to take the message yet: its command line's
        // SIGTERM handler stops it as soon as it is up.
        if (this.listening.has(w) && w.isConnected())
          w.send({ kind: 'stop' } satisfies ClusterMessage);
        else w.process.kill('SIGTERM');
        return exited.finally(() => clearTimeout(kill));
      }),
    );
  }

  private fork(n: number): Promise<readonly ListenAddress[]> {
    const w = cluster.fork({ [WORKER_ENV]: String(n) });
    this.workers.set(n, w);
    return new Promise((resolve, reject) => {
      w.on('message', (m: ClusterMessage) => {
        if (m.kind === 'listening' && !this.listening.has(w)) {
          this.listening.add(w);
          resolve(m.addresses);
        } else if (m.kind === 'switch-up') {
          for (const [k, other] of this.workers) {
            if (k !== n && other.isConnected()) other.send({ ...m, worker: n });
          }
        }
      });
      w.once('exit', (code, signal) => {
        if (this.workers.get(n) === w) this.workers.delete(n);
        const how = signal ?? `code ${code}`;
        if (!this.listening.delete(w)) {
          return reject(new Error(`worker ${n} exited (${how}) before listening`));
        }
        if (this.stopping) return;
        this.log.error({ worker: n, code, signal }, `worker ${n} died (${how}); restarting it`);
        const t = setTimeout(() => {
          this.respawns.delete(t);
          if (this.stopping) return;
          this.fork(n).then(
            () => {
              const workerPid = this.workers.get(n)?.process.pid;
              this.log.info({ worker: n, workerPid }, `worker ${n} is back, serving switches`);
            },
            (e: Error) => this.log.error(e.message),
          );
        }, RESPAWN_MS);
        this.respawns.add(t);
      });
    });
  }
}
