/**
 * The controller: listeners, the connections they accept, the datapath registry, the
 * flow model per datapath and the app host, wired together. start() binds every listen
 * address (or none, on failure); stop() closes listeners and connections, sends
 * switchDown and stop to the apps, and resolves when nothing is left open.
 *
 * With `workers` > 1 the command line's process becomes the primary of a node:cluster
 * group (cluster-primary.ts): start() forks the workers, which run the same command line
 * and are controllers of their own sharing the listening sockets (cluster-worker.ts),
 * and the primary serves no switch. Only the command-line entry may ask for workers: a
 * fork runs process.argv[1] again. Each app runs once per worker and sees that worker's
 * switches only: fine for apps that keep their state per switch, as the built-in ones
 * do, not for one that correlates several switches.
 *
 * With a `roleProvider` (a cluster: role.ts, src/cluster) the apps run on a switch only
 * while this controller is its master: each switch that comes up is handed to the
 * provider as a SwitchRole, which sends the role requests and starts or stops the apps.
 * A switch answering a write with OFPBRC_IS_SLAVE (another controller took over) stops
 * them at once.
 */
import type net from 'node:net';
import type { FlowRemoved, PortStatus } from '../codec/index.js';
import type { OvsdbView } from '../ovsdb/index.js';
import type { Datapath } from './app.js';
import { AppHost, type AppInstance } from './app-host.js';
import { ClusterPrimary } from './cluster-primary.js';
import { ClusterWorker, workerNumber } from './cluster-worker.js';
import { Connection, type ConnectionEvents, type ConnectionOptions } from './connection.js';
import { type DialAddress, Dialer } from './dialer.js';
import { EventBus, type FlowRemovedReason, type PortStatusReason } from './events.js';
import { exposureWarning } from './exposure.js';
import type { FlowModelFactory } from './flow-model.js';
import { API_OWNER, FlowWrites } from './flow-writes.js';
import type { IntentStore } from './intent-store.js';
import {
  closeServer,
  formatListenAddress,
  type ListenAddress,
  type Listener,
  listen,
} from './listener.js';
import type { Logger } from './log.js';
import { portView, portViews } from './port-view.js';
import { DatapathRegistry } from './registry.js';
import type { ControllerRole, RoleProvider } from './role.js';
import { SwitchRole } from './switch-role.js';
import type { TlsCredentials } from './tls.js';

export interface ControllerOptions extends ConnectionOptions {
  readonly listen: readonly ListenAddress[];
  /** Switches that listen (OVS `ptcp:`), dialed and redialed (dialer.ts). */
  readonly connect?: readonly DialAddress[] | undefined;
  /** Makes the flow model of each datapath; none when absent. */
  readonly flowModel?: FlowModelFactory | undefined;
  /** Certificate, key and CA for ssl: listen addresses (see tls.ts). */
  readonly tls?: TlsCredentials | undefined;
  /** Processes serving switches: 1 (default) is this one; more are forked (see above). */
  readonly workers?: number | undefined;
  /** Decides this controller's role per switch (a cluster); none: EQUAL, apps always run. */
  readonly roleProvider?: RoleProvider | undefined;
  /** The OVSDB databases apps may read (AppContext.ovsdb); started and stopped by the caller. */
  readonly ovsdb?: OvsdbView | undefined;
  /** Where apps read and watch the orchestrator's intent (see intent-store.ts). */
  readonly intent?: IntentStore | undefined;
  /** Told how long each app handler ran (see AppHostOptions.observe). */
  readonly observeHandler?: ((app: string, event: string, seconds: number) => void) | undefined;
}

/** OFPET_BAD_REQUEST / OFPBRC_IS_SLAVE: a write from a controller that is not master. */
const OFPBRC_IS_SLAVE = { type: 1, code: 10 };

const PORT_REASONS: readonly PortStatusReason[] = ['add', 'delete', 'modify'];
const REMOVED_REASONS: readonly FlowRemovedReason[] = [
  'idle_timeout',
  'hard_timeout',
  'delete',
  'group_delete',
  'meter_delete',
];

/** How often a flow model drops flows whose timeouts ran out. */
const MODEL_EXPIRY_MS = 1000;

export class Controller {
  /** Datapaths that finished the handshake, by dpid. */
  readonly registry = new DatapathRegistry();
  /** Every open connection, handshaking ones included. */
  readonly connections = new Set<Connection>();
  /** What happens, for the API's stream, the metrics and the web view (see events.ts). */
  readonly bus: EventBus;
  /** FLOW_MODs the API sends, and the switch's errors about them. */
  readonly flowWrites = new FlowWrites();
  private listeners: Listener[] = [];
  private dialers: Dialer[] = [];
  private readonly host: AppHost;
  private readonly events: ConnectionEvents;
  private stopping: Promise<void> | undefined;
  private readonly log: Logger;
  /** Set in the primary of a multi-process controller, and its workers' addresses. */
  private primary: ClusterPrimary | undefined;
  private workerAddresses: readonly ListenAddress[] | undefined;
  /** Set in a worker of a multi-process controller. */
  private worker: ClusterWorker | undefined;

  /** Creates the apps (their create() runs here; a failure throws). */
  constructor(
    private readonly opts: ControllerOptions,
    apps: readonly AppInstance[],
    log: Logger,
  ) {
    const n = (opts.workers ?? 1) > 1 ? workerNumber() : undefined;
    this.log = n === undefined ? log : log.child({ worker: n });
    this.bus = new EventBus(this.log);
    this.host = new AppHost(apps, this.log, {
      ovsdb: opts.ovsdb,
      intent: opts.intent,
      observe: opts.observeHandler,
    });
    const host = this.host;
    const bus = this.bus;
    this.events = {
      ready: (c) => this.onReady(c),
      closed: (c, reason, wasReady) => this.onClosed(c, reason, wasReady),
      packetIn: (c, m) => host.packetIn(c, m),
      portStatus: (c, m) => {
        host.portStatus(c, m);
        if (bus.size > 0) bus.emit(portStatusEvent(c, m));
      },
      flowRemoved: (c, m) => {
        host.flowRemoved(c, m);
        if (bus.size > 0) bus.emit(flowRemovedEvent(c, m));
      },
      switchError: (c, err, owner) => {
        if (owner === API_OWNER) return this.flowWrites.error(c, err);
        const role = this.roles.get(c);
        if (role && err.errType === OFPBRC_IS_SLAVE.type && err.code === OFPBRC_IS_SLAVE.code) {
          // Another controller became master: stop writing now, then let the provider look.
          if (role.role === 'master') {
            role.demote('the switch refused a write with OFPBRC_IS_SLAVE');
            this.opts.roleProvider?.refused?.(role);
          }
          return;
        }
        host.switchError(c, err, owner);
      },
      message: (c, m) => host.message(c, m),
      echoRtt: (c, ms) => {
        if (bus.size > 0) {
          bus.emit({ type: 'echo_rtt', at: Date.now(), dpid: c.dpidHex, seconds: ms / 1000 });
        }
      },
    };
    this.unwatchIntent = opts.intent?.watch('', (change) =>
      bus.emit({ type: 'intent_changed', at: Date.now(), op: change.op, key: change.key }),
    );
  }

  private readonly unwatchIntent: (() => void) | undefined;

  /** What each app offers the northbound API (see app-api.ts). */
  northbound() {
    return this.host.northbound();
  }

  get appNames(): readonly string[] {
    return this.host.names;
  }

  /**
   * This controller's role for the switch `dpid` (undefined: not connected): 'equal'
   * without a role provider, else 'master' or 'slave'.
   */
  roleOf(dpid: bigint): ControllerRole | undefined {
    const c = this.registry.get(dpid);
    if (!c) return undefined;
    return this.roles.get(c)?.role ?? 'equal';
  }

  /** The apps' handles for connection `c`, in app order (none before it is up). */
  appHandles(c: Connection): readonly Datapath[] {
    return this.host.handles(c);
  }

  /**
   * Hands each app its new validated configuration section (see AppHandlers.reload); a
   * primary also passes the reload on to its workers, which re-read the configuration.
   */
  reload(configs: ReadonlyMap<string, unknown>): Promise<string[]> {
    this.primary?.reload();
    return this.host.reload(configs);
  }

  /** The bound addresses (real ports when 0 was asked for). */
  get addresses(): readonly ListenAddress[] {
    return this.workerAddresses ?? this.listeners.map((l) => l.address);
  }

  /** Binds every listen address; on any failure closes the ones already bound and throws. */
  async start(): Promise<readonly ListenAddress[]> {
    const workers = this.opts.workers ?? 1;
    if (workers > 1 && this.opts.roleProvider) {
      throw new Error(
        'a cluster member runs in one process: --workers cannot be used with --cluster',
      );
    }
    if (workers > 1 && workerNumber() === undefined) {
      this.primary = new ClusterPrimary(workers, this.log);
      this.workerAddresses = await this.primary.start();
      return this.addresses;
    }
    for (const a of this.opts.listen) {
      try {
        this.listeners.push(await listen(a, this.accept, this.opts.tls, this.log));
        const warning = exposureWarning(a);
        if (warning) this.log.warn({ listen: formatListenAddress(a) }, warning);
      } catch (e) {
        await Promise.all(this.listeners.map((l) => closeServer(l.server)));
        this.listeners = [];
        throw e;
      }
    }
    for (const a of this.opts.connect ?? []) {
      const d = new Dialer(a, this.accept, this.log, this.opts.tls);
      this.dialers.push(d);
      d.start();
    }
    if (workers > 1) {
      this.worker = new ClusterWorker({
        replaced: (dpid, n) =>
          this.registry.get(dpid)?.close(`replaced by a new connection in worker ${n}`),
        // The command line's own way to stop (its SIGTERM handler), so that it exits as
        // after any signal; a worker already stopping goes on as it was.
        stop: () => {
          if (!this.stopping) process.kill(process.pid, 'SIGTERM');
        },
      });
      this.worker.listening(this.addresses);
    }
    return this.addresses;
  }

  /** Closes everything; idempotent; resolves when listeners and sockets are closed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const d of this.dialers) d.stop();
      // In a cluster: stop writing, then give every mastership up at once (the others
      // take over without waiting for our lease to expire), then close.
      for (const role of this.roles.values()) role.demote('controller shutting down');
      await this.opts.roleProvider?.stop();
      const closing = this.listeners.map((l) => closeServer(l.server));
      for (const c of [...this.connections]) c.close('controller shutting down');
      await Promise.all(closing);
      await this.primary?.stop();
      await this.host.stop();
      this.unwatchIntent?.();
      this.log.info('controller stopped');
      this.worker?.close();
    })();
    return this.stopping;
  }

  /** Per switch connection, with a role provider: its role. */
  private readonly roles = new Map<Connection, SwitchRole>();

  /** Per connection with a flow model: the timer that expires its timed-out flows. */
  private readonly expiryTimers = new Map<Connection, NodeJS.Timeout>();

  private readonly accept = (socket: net.Socket) => {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, this.opts, this.events, this.log);
    this.connections.add(c);
    c.log.debug('connection accepted');
  };

  private onReady(c: Connection): void {
    const old = this.registry.add(c);
    if (old) old.close(`replaced by a new connection from ${c.peer}`);
    const f = c.features!;
    c.model = this.opts.flowModel?.({ dpid: f.datapathId, nTables: f.nTables, ports: c.ports });
    if (c.model?.expire) {
      const model = c.model;
      const timer = setInterval(() => model.expire?.(), MODEL_EXPIRY_MS);
      timer.unref();
      this.expiryTimers.set(c, timer);
    }
    c.log.info({ ports: c.ports.size, tables: f.nTables }, 'switch up');
    this.worker?.switchUp(f.datapathId);
    this.bus.emit({
      type: 'switch_up',
      at: c.connectedAt,
      dpid: c.dpidHex,
      peer: c.peer,
      ports: portViews(c.ports),
      nTables: f.nTables,
    });
    const provider = this.opts.roleProvider;
    if (!provider) {
      void this.host.switchUp(c);
      return;
    }
    const role = new SwitchRole(c, {
      start: (conn) => void this.host.switchUp(conn, 'master'),
      stop: (conn, reason) => this.host.switchDown(conn, reason),
    });
    this.roles.set(c, role);
    provider.switchUp(role);
  }

  private onClosed(c: Connection, reason: string, wasReady: boolean): void {
    this.connections.delete(c);
    clearInterval(this.expiryTimers.get(c));
    this.expiryTimers.delete(c);
    if (!wasReady) {
      c.log.info({ reason }, 'connection closed before the handshake finished');
      return;
    }
    this.registry.remove(c);
    c.log.info({ reason, ...c.stats, writes: c.writes }, 'switch down');
    this.host.switchDown(c, reason);
    const role = this.roles.get(c);
    if (role) {
      this.roles.delete(c);
      this.opts.roleProvider?.switchDown(role);
    }
    this.bus.emit({ type: 'switch_down', at: Date.now(), dpid: c.dpidHex, reason });
  }

  /** For the startup line: `tcp:127.0.0.1:6653, unix:/run/ctl.sock`. */
  describeAddresses(): string {
    return this.addresses.map(formatListenAddress).join(', ');
  }
}

function portStatusEvent(c: Connection, m: PortStatus) {
  return {
    type: 'port_status',
    at: Date.now(),
    dpid: c.dpidHex,
    reason: PORT_REASONS[m.reason] ?? 'modify',
    port: portView(m.port),
  } as const;
}

function flowRemovedEvent(c: Connection, m: FlowRemoved) {
  return {
    type: 'flow_removed',
    at: Date.now(),
    dpid: c.dpidHex,
    reason: REMOVED_REASONS[m.reason] ?? 'unknown',
    tableId: m.tableId,
    priority: m.priority,
    cookie: `0x${m.cookie.toString(16)}`,
    packets: Number(m.packetCount),
    bytes: Number(m.byteCount),
  } as const;
}
