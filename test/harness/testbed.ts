/**
 * One object per test file that creates testbed resources and remembers them, so a
 * single `afterAll(() => tb.teardown())` removes everything even when a test failed:
 * deferred callbacks (LIFO), child processes, relays, then OVS instances (which take
 * their hosts' namespaces with them). The process-exit safety net covers a runner that
 * dies before afterAll. The first OVS start in a process also sweeps namespaces and
 * temp dirs left by dead runs.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { ensureOvsInstalled } from './ensure-ovs.js';
import { addHost, type Host, type HostOptions, removeHost } from './hosts.js';
import { sweepStaleNamespaces } from './netns.js';
import { OvsInstance } from './ovs-instance.js';
import { type Relay, startRelay } from './relay.js';
import { spawnInNetns, stopChild } from './spawn.js';

export interface Testbed {
  /** Start a private OVS instance (own run dir, own network namespace). */
  startOvs(): Promise<OvsInstance>;
  /** Add a host namespace plugged into `bridge` of `ovs`. */
  addHost(ovs: OvsInstance, bridge: string, opts: HostOptions): Promise<Host>;
  /** Unplug and delete a host (it is otherwise removed with its OVS instance). */
  removeHost(host: Host): Promise<void>;
  /** Spawn a process inside `netns` (e.g. ovs.netns: the switch reaches it at 127.0.0.1). */
  spawnInNetns(
    netns: string,
    cmd: string,
    args?: readonly string[],
    opts?: SpawnOptions,
  ): ChildProcess;
  /** Unix-socket relay so `ovs` reaches a root-namespace TCP controller (see relay.ts). */
  startRelay(ovs: OvsInstance, port: number, host?: string): Promise<Relay>;
  /** Run `fn` at teardown (LIFO, before everything else is removed). */
  defer(fn: () => unknown): void;
  /** Remove everything; rejects with an AggregateError listing what could not be removed. */
  teardown(): Promise<void>;
  readonly instances: readonly OvsInstance[];
  readonly hosts: readonly Host[];
  readonly children: readonly ChildProcess[];
}

let sweep: Promise<unknown> | undefined;

/** Create a testbed; throws at once (naming the packages) if OVS cannot run here. */
export function createTestbed(): Testbed {
  ensureOvsInstalled();
  let instances: OvsInstance[] = [];
  let hosts: Host[] = [];
  let children: ChildProcess[] = [];
  let relays: Relay[] = [];
  let deferred: (() => unknown)[] = [];

  return {
    get instances() {
      return instances;
    },
    get hosts() {
      return hosts;
    },
    get children() {
      return children;
    },
    async startOvs() {
      sweep ??= sweepStaleNamespaces().catch(() => undefined);
      await sweep;
      const ovs = await OvsInstance.start();
      instances.push(ovs);
      return ovs;
    },
    async addHost(ovs, bridge, opts) {
      const host = await addHost(ovs, bridge, opts);
      hosts.push(host);
      return host;
    },
    async removeHost(host) {
      await removeHost(host);
      hosts = hosts.filter((h) => h !== host);
    },
    spawnInNetns(netns, cmd, args = [], opts = {}) {
      const child = spawnInNetns(netns, cmd, args, opts);
      children.push(child);
      return child;
    },
    async startRelay(ovs, port, host) {
      const relay = await startRelay(ovs, port, host);
      relays.push(relay);
      return relay;
    },
    defer(fn) {
      deferred.push(fn);
    },
    async teardown() {
      const errors: unknown[] = [];
      const attempt = async (fn: () => unknown) => {
        try {
          await fn();
        } catch (e) {
          errors.push(e);
        }
      };
      for (const fn of deferred.reverse()) await attempt(fn);
      await Promise.all(children.map((c) => attempt(() => stopChild(c))));
      await Promise.all(relays.map((r) => attempt(() => r.close())));
      await Promise.all(instances.map((o) => attempt(() => o.stop())));
      deferred = [];
      children = [];
      relays = [];
      instances = [];
      hosts = [];
      if (errors.length > 0) throw new AggregateError(errors, 'testbed teardown incomplete');
    },
  };
}
