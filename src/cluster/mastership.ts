/**
 * Mastership per switch over etcd: the RoleProvider the runtime consults (runtime
 * role.ts). For each switch that is up here it:
 *
 * 1. puts `attached/DPID/NODE` on the session lease (this controller can serve it);
 * 2. works out the preferred master: the live member ranked first for the dpid by
 *    rendezvous hashing (rendezvous.ts). Only the preferred member claims a switch with
 *    no master, and only once it is attached; if the preferred member is not attached,
 *    the best attached member claims after ORPHAN_MS per rank (an orphan takeover), and
 *    hands over when the preferred member attaches;
 * 3. claims with one transaction: create `masters/DPID` on the lease if it does not exist.
 *    The key's create revision is the generation_id: etcd's revision only grows, so a
 *    later master always has a larger one, and the switch refuses an older master's
 *    ROLE_REQUEST with OFPRRFC_STALE;
 * 4. sends ROLE_REQUEST MASTER with that generation; the runtime then starts the apps
 *    (reconcile adopts the flows by cookie). Others send SLAVE with the master's
 *    generation and keep the connection;
 * 5. hands over when a better-ranked member is attached (a member joined or came back):
 *    stops acting as master (SLAVE), then deletes its key, and the preferred member
 *    claims. A member's keys vanish with its lease when it dies, so the others see the
 *    switch without a master within the lease TTL and the preferred one claims it.
 *
 * When etcd cannot be reached, nothing changes: masters stay masters (the switch's
 * generation fence holds if someone else is elected meanwhile), nobody claims. When this
 * controller's lease is lost, or its event loop stalled longer than the TTL (SIGSTOP,
 * a long pause), it re-asserts each mastership with its generation: a switch that has a
 * newer master answers OFPRRFC_STALE and this controller steps down.
 */

import type { Etcd3 } from 'etcd3';
import { OpenFlowError } from '../runtime/errors.js';
import type { Logger } from '../runtime/log.js';
import type { RoleProvider, RoleSwitch } from '../runtime/role.js';
import { revisionOf } from './etcd-client.js';
import { attachedKey, masterKey } from './keys.js';
import { ranking } from './rendezvous.js';
import type { Session } from './session.js';
import type { ClusterView, ViewChange } from './view.js';

/** OFPET_ROLE_REQUEST_FAILED / OFPRRFC_STALE. */
const OFPRRFC_STALE = { type: 11, code: 0 };

interface Local {
  readonly sw: RoleSwitch;
  readonly dpid: string;
  /** The lease our attached key is on (undefined: not put yet). */
  attachedLease: string | undefined;
  /** An evaluation is running; `again` asks for one more after it. */
  busy: boolean;
  again: boolean;
  /** The generation of the last SLAVE request the switch accepted. */
  slaveGeneration: bigint | undefined;
  /** Claims are held off until then (the switch refused our generation as stale). */
  holdUntil: number;
  orphanTimer: NodeJS.Timeout | undefined;
}

export interface MastershipOptions {
  readonly nodeId: string;
  readonly ttlSeconds: number;
  /** Wait per rank before an attached member takes a switch whose preferred one is absent. */
  readonly orphanMs?: number;
}

export class Mastership implements RoleProvider {
  private readonly local = new Map<string, Local>();
  private readonly me: string;
  private readonly orphanMs: number;
  private stopped = false;
  private readonly stallTimer: NodeJS.Timeout;
  private lastTick = performance.now();

  constructor(
    private readonly client: Etcd3,
    private readonly session: Session,
    private readonly view: ClusterView,
    private readonly opts: MastershipOptions,
    private readonly log: Logger,
  ) {
    this.me = opts.nodeId;
    this.orphanMs = opts.orphanMs ?? opts.ttlSeconds * 1000;
    // A tick every 250 ms: a gap longer than the TTL means the process was stopped or
    // stalled, and another controller may have been elected meanwhile.
    this.stallTimer = setInterval(() => {
      const now = performance.now();
      const gap = now - this.lastTick;
      this.lastTick = now;
      if (gap > this.opts.ttlSeconds * 1000) {
        this.log.warn({ stalledMs: Math.round(gap) }, 'event loop stalled longer than the lease');
        this.reassertAll('stalled longer than the lease');
      }
    }, 250);
    this.stallTimer.unref();
  }

  /** The session has a (new) lease: move our keys to it and look at every switch again. */
  leaseGranted(replaced: boolean): void {
    if (replaced) this.reassertAll('cluster lease was replaced');
    this.evaluateAll();
  }

  /** The session lost its lease: our masterships may be taken; check with the switches. */
  leaseLost(): void {
    this.reassertAll('cluster lease lost');
  }

  viewChanged(c: ViewChange): void {
    if (c.kind === 'members' || c.kind === 'reloaded') return this.evaluateAll();
    const l = this.local.get(c.dpid);
    if (l) this.evaluate(l);
    // The switch may be up only at other members: nothing to do here.
  }

  switchUp(sw: RoleSwitch): void {
    const l: Local = {
      sw,
      dpid: sw.dpidHex,
      attachedLease: undefined,
      busy: false,
      again: false,
      slaveGeneration: undefined,
      holdUntil: 0,
      orphanTimer: undefined,
    };
    const old = this.local.get(l.dpid);
    if (old) clearTimeout(old.orphanTimer);
    this.local.set(l.dpid, l);
    this.evaluate(l);
  }

  switchDown(sw: RoleSwitch): void {
    const l = this.local.get(sw.dpidHex);
    if (!l || l.sw !== sw) return;
    this.local.delete(l.dpid);
    clearTimeout(l.orphanTimer);
    if (this.stopped) return;
    // Not attached any more; a mastership we hold goes, so another member takes over now.
    const leaseId = this.session.leaseId;
    if (leaseId === undefined) return;
    void this.client
      .delete()
      .key(attachedKey(l.dpid, this.me))
      .exec()
      .catch(() => undefined);
    const m = this.view.masters.get(l.dpid);
    if (m?.node === this.me) void this.release(l.dpid, m.generation);
  }

  refused(sw: RoleSwitch): void {
    const l = this.local.get(sw.dpidHex);
    if (l && l.sw === sw) this.evaluate(l);
  }

  /** The preferred master of `dpid`: the live member ranked first. */
  preferred(dpid: string): string | undefined {
    return ranking(this.liveMembers(), dpid)[0];
  }

  /** Roles of the switches up here, for status output and tests. */
  roles(): { dpid: string; role: string; generation: string | undefined }[] {
    return [...this.local.values()].map((l) => ({
      dpid: l.dpid,
      role: l.sw.role,
      generation: l.sw.generationId?.toString(),
    }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.stallTimer);
    for (const l of this.local.values()) clearTimeout(l.orphanTimer);
  }

  private liveMembers(): Set<string> {
    const s = new Set(this.view.members);
    if (this.session.leaseId !== undefined) s.add(this.me);
    else s.delete(this.me);
    return s;
  }

  private evaluateAll(): void {
    for (const l of this.local.values()) this.evaluate(l);
  }

  /** Runs step() for `l`, one at a time per switch; a request meanwhile runs it again. */
  private evaluate(l: Local): void {
    if (this.stopped) return;
    if (l.busy) {
      l.again = true;
      return;
    }
    l.busy = true;
    l.again = false;
    this.step(l)
      .catch((e: Error) => l.sw.log.debug({ err: e.message }, 'mastership step failed'))
      .finally(() => {
        l.busy = false;
        if (l.again && this.local.get(l.dpid) === l) this.evaluate(l);
      });
  }

  private async step(l: Local): Promise<void> {
    const { sw } = l;
    if (!sw.connected) return;
    const leaseId = this.session.leaseId;
    // Without a lease (etcd unreachable, or registering again) nothing changes.
    if (leaseId === undefined) return;
    if (l.attachedLease !== leaseId) {
      await this.client.put(attachedKey(l.dpid, this.me)).value('').lease(leaseId).exec();
      l.attachedLease = leaseId;
    }
    const m = this.view.masters.get(l.dpid);
    if (m === undefined) return this.noMaster(l, leaseId);
    clearTimeout(l.orphanTimer);
    l.orphanTimer = undefined;
    if (m.node !== this.me) return this.follow(l, m.generation);
    if (m.lease !== leaseId) {
      // Our key from a lease that was replaced: move it to the new lease. Its create
      // revision, and so the generation, stays; if it is gone meanwhile the txn fails.
      const r = await this.client
        .if(masterKey(l.dpid), 'Create', '==', m.generation.toString())
        .and(masterKey(l.dpid), 'Value', '==', this.me)
        .then(this.client.put(masterKey(l.dpid)).value(this.me).lease(leaseId))
        .commit();
      if (r.succeeded) this.view.noteMaster(l.dpid, { ...m, lease: leaseId });
      return this.evaluateLater(l);
    }
    const want = this.preferred(l.dpid);
    if (want !== undefined && want !== this.me && this.view.attached.get(l.dpid)?.has(want)) {
      return this.handOver(l, m.generation, want);
    }
    if (sw.role !== 'master' || sw.generationId !== m.generation) {
      await this.becomeMaster(l, m.generation);
    }
  }

  /** No master: the preferred member claims; others wait their turn (orphan takeover). */
  private async noMaster(l: Local, leaseId: string): Promise<void> {
    const { sw } = l;
    if (Date.now() < l.holdUntil) return this.evaluateLater(l, l.holdUntil - Date.now());
    const live = this.liveMembers();
    const order = ranking(live, l.dpid);
    // Our key is gone while we act as master (our old lease expired, e.g. after etcd was
    // away): claim again at once, still acting (the switch fences us if another wins);
    // if another member is preferred now, stop writing and let it claim.
    if (order[0] === this.me) return this.claim(l, leaseId);
    if (sw.role === 'master') sw.demote('mastership key gone from etcd');
    // The preferred member is not attached here, or has not claimed: the other attached
    // members wait their turn, then take the switch (and hand it over when it comes).
    const attached = this.view.attached.get(l.dpid) ?? new Set<string>();
    const others = order.filter((n) => n !== order[0] && (n === this.me || attached.has(n)));
    const rank = others.indexOf(this.me);
    if (rank < 0 || l.orphanTimer) return;
    const wait = (rank + 1) * this.orphanMs;
    l.orphanTimer = setTimeout(() => {
      l.orphanTimer = undefined;
      const id = this.session.leaseId;
      if (this.local.get(l.dpid) !== l || id === undefined) return;
      if (!this.view.masters.has(l.dpid)) {
        sw.log.info({ waitedMs: wait }, 'switch without a master: taking it over');
        void this.claim(l, id).catch((e: Error) =>
          sw.log.debug({ err: e.message }, 'orphan claim failed'),
        );
      }
    }, wait);
  }

  private async claim(l: Local, leaseId: string): Promise<void> {
    const key = masterKey(l.dpid);
    const r = await this.client
      .if(key, 'Create', '==', 0)
      .then(this.client.put(key).value(this.me).lease(leaseId))
      .commit();
    if (!r.succeeded) return; // someone else has it; the watch says who (we then follow)
    const generation = revisionOf(r);
    this.view.noteMaster(l.dpid, { node: this.me, generation, lease: leaseId });
    await this.becomeMaster(l, generation);
  }

  private async becomeMaster(l: Local, generation: bigint): Promise<void> {
    const { sw } = l;
    try {
      await sw.requestRole('master', generation);
      l.slaveGeneration = undefined;
      sw.log.info({ generation: generation.toString(), node: this.me }, 'role master');
    } catch (e) {
      if (!isStale(e)) throw e;
      // The switch has seen a newer generation than etcd's: it keeps its master.
      l.holdUntil = Date.now() + 10_000;
      sw.log.error(
        { generation: generation.toString() },
        'switch refused our generation as stale (OFPRRFC_STALE): releasing the mastership; ' +
          'if no controller is master, the etcd data was reset below what the switch has seen ' +
          '(restart ovs-vswitchd or recreate the bridge)',
      );
      await this.release(l.dpid, generation);
    }
  }

  /** Another member is master: make sure we act as SLAVE under its generation. */
  private async follow(l: Local, generation: bigint): Promise<void> {
    const { sw } = l;
    if (sw.role !== 'master' && l.slaveGeneration !== undefined && l.slaveGeneration >= generation)
      return;
    const was = sw.role;
    try {
      await sw.requestRole('slave', generation);
      l.slaveGeneration = generation;
      if (was === 'master') {
        sw.log.info(
          { generation: generation.toString() },
          'role slave: another controller is master',
        );
      }
    } catch (e) {
      if (!isStale(e)) throw e;
      // The switch has a newer master than our view: we are demoted already (the
      // runtime stopped the apps); the watch will bring the newer generation.
      if (sw.role === 'master') sw.demote('switch has a newer master');
      l.slaveGeneration = generation;
    }
  }

  /** A better-ranked member is attached: step down first, then give the key up. */
  private async handOver(l: Local, generation: bigint, to: string): Promise<void> {
    const { sw } = l;
    sw.log.info({ to, generation: generation.toString() }, 'handing mastership over');
    try {
      await sw.requestRole('slave', generation);
      l.slaveGeneration = generation;
    } catch (e) {
      if (!isStale(e)) throw e;
      sw.demote('switch has a newer master');
    }
    await this.release(l.dpid, generation);
  }

  /** Deletes our master key of that generation (not a newer one). */
  private async release(dpid: string, generation: bigint): Promise<void> {
    const key = masterKey(dpid);
    await this.client
      .if(key, 'Create', '==', generation.toString())
      .then(this.client.delete().key(key))
      .commit()
      .catch((e: Error) => this.log.debug({ dpid, err: e.message }, 'release failed'));
  }

  /** Asks each switch we are master of to confirm our generation; stale: step down. */
  private reassertAll(why: string): void {
    for (const l of this.local.values()) {
      const { sw } = l;
      const g = sw.generationId;
      if (sw.role !== 'master' || g === undefined) continue;
      sw.requestRole('master', g).then(
        () => sw.log.info({ generation: g.toString(), why }, 'switch confirmed our mastership'),
        (e: Error) => {
          if (isStale(e)) {
            sw.demote('switch refused our generation as stale');
            sw.log.warn(
              { generation: g.toString(), why },
              'switch refused our generation (OFPRRFC_STALE): another controller is master; stepped down',
            );
            this.evaluate(l);
          } else {
            sw.log.debug({ err: e.message }, 'role re-assertion failed');
          }
        },
      );
    }
  }

  private evaluateLater(l: Local, ms = 0): void {
    setTimeout(() => {
      if (this.local.get(l.dpid) === l) this.evaluate(l);
    }, ms).unref();
  }
}

function isStale(e: unknown): boolean {
  return (
    e instanceof OpenFlowError && e.errType === OFPRRFC_STALE.type && e.code === OFPRRFC_STALE.code
  );
}
