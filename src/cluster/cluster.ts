/**
 * A controller's membership of an etcd cluster, put together: the etcd client, the
 * session (lease and member key), the view of the cluster (one prefix watch) and the
 * mastership logic, presented to the runtime as its RoleProvider. stop() gives every
 * mastership up at once (the lease is revoked, so the others take over without waiting
 * for it to expire).
 */
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../runtime/log.js';
import type { RoleProvider, RoleSwitch } from '../runtime/role.js';
import { connectEtcd } from './etcd-client.js';
import { EtcdIntentStore } from './intent-store.js';
import { Mastership } from './mastership.js';
import { Session } from './session.js';
import type { ClusterSpec } from './spec.js';
import { ClusterView } from './view.js';

/** The lease TTL: a dead master's switches are taken over within about this long. */
export const DEFAULT_TTL_SECONDS = 2;
/** How long start() waits for etcd before the controller serves switches without it. */
const START_WAIT_MS = 5000;

export interface ClusterOptions extends ClusterSpec {
  readonly ttlSeconds?: number;
  readonly orphanMs?: number;
  /** What the member key says (listen addresses, apps). */
  readonly info?: Readonly<Record<string, unknown>>;
}

export class EtcdCluster implements RoleProvider {
  readonly client: Etcd3;
  readonly mastership: Mastership;
  private readonly session: Session;
  private readonly view: ClusterView;
  private readonly log: Logger;

  constructor(
    readonly opts: ClusterOptions,
    log: Logger,
  ) {
    this.log = log.child({ node: opts.nodeId });
    const ttlSeconds = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.client = connectEtcd(opts.endpoints);
    this.session = new Session(
      this.client,
      {
        nodeId: opts.nodeId,
        ttlSeconds,
        info: {
          node: opts.nodeId,
          pid: process.pid,
          since: new Date().toISOString(),
          ...opts.info,
        },
      },
      this.log,
      (_id, replaced) => this.mastership.leaseGranted(replaced),
      () => this.mastership.leaseLost(),
    );
    this.view = new ClusterView(this.client, this.log, (c) => this.mastership.viewChanged(c));
    this.mastership = new Mastership(
      this.client,
      this.session,
      this.view,
      { nodeId: opts.nodeId, ttlSeconds, orphanMs: opts.orphanMs },
      this.log,
    );
  }

  /**
   * Reads the cluster state and registers. Waits up to 5 s for etcd; after that the
   * controller starts anyway (switches are served as SLAVE until etcd answers).
   */
  async start(): Promise<void> {
    const ready = Promise.all([this.view.start(), this.session.start()]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), START_WAIT_MS);
    });
    const r = await Promise.race([ready, late]);
    clearTimeout(timer);
    if (r === 'late') {
      this.log.warn(
        { endpoints: this.opts.endpoints },
        'etcd has not answered within 5 s: serving switches as SLAVE until it does',
      );
    }
  }

  /** The shared intent store, in this cluster's etcd (closing it leaves the client open). */
  intentStore(): EtcdIntentStore {
    return new EtcdIntentStore(this.client, this.log);
  }

  switchUp(sw: RoleSwitch): void {
    this.mastership.switchUp(sw);
  }

  switchDown(sw: RoleSwitch): void {
    this.mastership.switchDown(sw);
  }

  refused(sw: RoleSwitch): void {
    this.mastership.refused(sw);
  }

  async stop(): Promise<void> {
    await this.mastership.stop();
    await this.view.stop();
    await this.session.stop();
    this.client.close();
    this.log.info('left the cluster');
  }
}
