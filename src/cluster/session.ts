/**
 * A controller's session in the cluster: one etcd lease with a short TTL, kept alive by
 * etcd3 (a keepalive every TTL/3), and the member key on it. Every key this controller
 * owns (membership, attached switches, masterships) lives on the lease, so when the
 * process dies etcd deletes them all within the TTL and the others take over.
 *
 * A lost lease (etcd said it expired, or etcd3 gave up after 2 TTLs without an answer)
 * is replaced: a new lease is granted as soon as etcd answers, the member key is put
 * on it, and `onLease` tells the owner, who moves its keys over. While etcd cannot be
 * reached nothing is decided here: the owner keeps what it has.
 */
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../runtime/index.js';
import { memberKey } from './keys.js';

export interface SessionOptions {
  readonly nodeId: string;
  /** Lease TTL in whole seconds (etcd's minimum is about 2 with default timings). */
  readonly ttlSeconds: number;
  /** What the member key says about this controller (JSON). */
  readonly info: Readonly<Record<string, unknown>>;
}

export class Session {
  /** The current lease's id; undefined while there is none (starting, or re-granting). */
  leaseId: string | undefined;
  /** False while keepalives fail. */
  healthy = false;
  private lease: Lease | undefined;
  private stopped = false;
  private regranting = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly opts: SessionOptions,
    private readonly log: Logger,
    /** Called with each new lease once the member key is on it. */
    private readonly onLease: (leaseId: string, replaced: boolean) => void,
    /** Called when a lease is lost (before a new one is asked for). */
    private readonly onLost: () => void,
  ) {}

  /**
   * Grants the first lease and registers. When etcd cannot be reached yet it keeps
   * trying in the background (warning every 5 s) and resolves at once: switches are
   * served as SLAVE meanwhile, and nobody is their master.
   */
  async start(): Promise<void> {
    try {
      await this.grant(false);
    } catch (e) {
      this.log.warn(
        { err: (e as Error).message },
        'etcd cannot be reached: no switch gets a master from this controller until it can',
      );
      this.regrant();
    }
  }

  private async grant(replaced: boolean): Promise<void> {
    const lease = this.client.lease(this.opts.ttlSeconds, { autoKeepAlive: true });
    this.lease = lease;
    lease.on('lost', (err) => {
      // A grant that failed also "loses" its lease: regrant() is already retrying.
      if (this.stopped || this.lease !== lease || this.leaseId === undefined) return;
      this.leaseId = undefined;
      this.healthy = false;
      this.log.warn({ err: err.message }, 'cluster lease lost: registering again');
      this.onLost();
      this.regrant();
    });
    lease.on('keepaliveFailed', (err: unknown) => {
      // (etcd3 types the argument as a response; it is the error.)
      const message = err instanceof Error ? err.message : String(err);
      if (this.healthy) this.log.warn({ err: message }, 'etcd keepalive failed; keeping roles');
      this.healthy = false;
    });
    lease.on('keepaliveSucceeded', () => {
      if (!this.healthy && this.leaseId !== undefined) this.log.info('etcd keepalive restored');
      this.healthy = true;
    });
    const id = await lease.grant();
    await lease.put(memberKey(this.opts.nodeId)).value(JSON.stringify(this.opts.info)).exec();
    if (this.stopped) {
      await lease.revoke().catch(() => undefined);
      return;
    }
    this.leaseId = id;
    this.healthy = true;
    this.log.info({ lease: id, ttl: this.opts.ttlSeconds }, 'cluster member registered');
    this.onLease(id, replaced);
  }

  /** Keeps asking for a new lease until one is granted (every 250 ms). */
  private regrant(): void {
    if (this.regranting || this.stopped) return;
    this.regranting = true;
    let failures = 0;
    const attempt = () => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.lease?.release();
      this.grant(true).then(
        () => {
          this.regranting = false;
        },
        (e: Error) => {
          if (++failures % 20 === 0) {
            this.log.warn({ err: e.message }, 'etcd still cannot be reached; keeping roles');
          }
          this.retryTimer = setTimeout(attempt, 250);
        },
      );
    };
    attempt();
  }

  /** Revokes the lease (every key on it goes at once) and stops renewing. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const lease = this.lease;
    this.leaseId = undefined;
    if (lease) await lease.revoke().catch(() => lease.release());
  }
}
