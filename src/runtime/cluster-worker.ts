/**
 * The worker side of a controller run with `workers` > 1 (see cluster-primary.ts): it
 * tells the primary where it listens and which switches finish their handshake here,
 * and hears of switches that came up in another worker, so that the controller can
 * close its own, older connection of the same dpid. When the primary asks it to stop,
 * or goes away (killed), the worker is told to stop: it never serves switches alone.
 */
import cluster from 'node:cluster';
import { type ClusterMessage, WORKER_ENV } from './cluster-primary.js';
import type { ListenAddress } from './listener.js';

export interface WorkerHooks {
  /** Switch `dpid` finished its handshake in worker `worker`. */
  replaced(dpid: bigint, worker: number): void;
  /** The primary asked this worker to stop, or is gone. */
  stop(): void;
}

/** This process's worker number when it is a worker of a multi-process controller. */
export function workerNumber(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const n = Number(process.env[WORKER_ENV]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export class ClusterWorker {
  constructor(private readonly hooks: WorkerHooks) {
    process.on('message', this.onMessage);
    process.once('disconnect', this.onDisconnect);
  }

  listening(addresses: readonly ListenAddress[]): void {
    this.post({ kind: 'listening', addresses });
  }

  switchUp(dpid: bigint): void {
    this.post({ kind: 'switch-up', dpid: dpid.toString(16) });
  }

  /** Leaves the primary (the process can then exit once its work is done). */
  close(): void {
    process.off('message', this.onMessage);
    process.off('disconnect', this.onDisconnect);
    if (process.connected) process.disconnect();
  }

  private post(m: ClusterMessage): void {
    if (process.connected) process.send?.(m);
  }

  private readonly onMessage = (m: ClusterMessage) => {
    if (m?.kind === 'switch-up' && m.worker !== undefined) {
      this.hooks.replaced(BigInt(`0x${m.dpid}`), m.worker);
    } else if (m?.kind === 'stop') {
      this.hooks.stop();
    }
  };

  private readonly onDisconnect = () => this.hooks.stop();
}
