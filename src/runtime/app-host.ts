/**
 * The app host: creates the apps at start, gives each one a Datapath handle per switch,
 * and delivers events to them in load order. The host owns the handles (the connection
 * knows nothing of apps); each handle talks to its switch through a port over the
 * connection (connection-port.ts), never to the connection itself. A handler that throws or rejects is
 * logged (rate-limited per app and event) with the app, the event and the dpid, and
 * nothing else happens: the connection and the other apps carry on. See app.ts for the
 * ordering guarantees an app can rely on.
 */
import type { FlowRemoved, Message, PacketIn, PortStatus } from '../codec/index.js';
import type { OvsdbView } from '../ovsdb/index.js';
import type { AppContext, AppDefinition, AppHandlers, HandlerResult } from './app.js';
import type { AppNorthbound } from './app-api.js';
import type { Connection } from './connection.js';
import { ConnectionPort } from './connection-port.js';
import { DatapathHandle } from './datapath.js';
import type { OpenFlowError } from './errors.js';
import type { IntentStore } from './intent-store.js';
import type { Logger } from './log.js';
import type { ControllerRole } from './role.js';
import { WarnLimiter } from './warn-limit.js';

/** An app to run: its definition and its validated configuration. */
export interface AppInstance {
  readonly def: AppDefinition<unknown>;
  readonly config: unknown;
}

interface RunningApp {
  readonly index: number;
  readonly def: AppDefinition<unknown>;
  readonly handlers: AppHandlers;
  readonly log: Logger;
  readonly datapaths: Map<bigint, DatapathHandle>;
  /** Failures logged per event: a flood in one handler does not hide another's. */
  readonly failures: WarnLimiter;
}

type EventName = keyof AppHandlers;

/** What the host gives apps beyond their config, and how it reports handler times. */
export interface AppHostOptions {
  readonly ovsdb?: OvsdbView | undefined;
  readonly intent?: IntentStore | undefined;
  /**
   * Called with the seconds an app's handler ran (its synchronous part): every event
   * but packet-in, and one packet-in in PACKET_IN_SAMPLE, so the hot path reads no clock
   * for the others.
   */
  readonly observe?: ((app: string, event: string, seconds: number) => void) | undefined;
}

/** One packet-in in this many is timed for the handler-latency metric. */
export const PACKET_IN_SAMPLE = 64;

const NO_HANDLES: readonly DatapathHandle[] = [];

export class AppHost {
  private readonly apps: readonly RunningApp[];
  /** Per switch connection that came up: one handle per app, in app order. */
  private readonly handlesByConnection = new Map<Connection, readonly DatapathHandle[]>();

  /** Runs every app's create() in order; throws (naming the app) if one fails. */
  private readonly observe: AppHostOptions['observe'];
  private packetIns = 0;

  constructor(instances: readonly AppInstance[], logger: Logger, opts: AppHostOptions = {}) {
    this.observe = opts.observe;
    const { ovsdb, intent } = opts;
    this.apps = instances.map((inst, index) => {
      const name = inst.def.name;
      const log = logger.child({ app: name });
      const datapaths = new Map<bigint, DatapathHandle>();
      const config =
        typeof inst.config === 'object' && inst.config ? Object.freeze(inst.config) : inst.config;
      const ctx: AppContext<unknown> = Object.freeze({
        name,
        config,
        log,
        datapaths: () => datapaths,
        ovsdb,
        intent,
      });
      let handlers: AppHandlers;
      try {
        handlers = inst.def.create(ctx);
      } catch (e) {
        throw new Error(`app ${name} failed to start: ${(e as Error).message}`, { cause: e });
      }
      return {
        index,
        def: inst.def,
        handlers,
        log,
        datapaths,
        failures: new WarnLimiter(5_000, 5),
      };
    });
  }

  get names(): readonly string[] {
    return this.apps.map((a) => a.def.name);
  }

  /** What each app offers the northbound API, in load order (apps offering nothing left out). */
  northbound(): { readonly app: string; readonly northbound: AppNorthbound }[] {
    const out: { app: string; northbound: AppNorthbound }[] = [];
    for (const a of this.apps) {
      if (a.handlers.northbound) out.push({ app: a.def.name, northbound: a.handlers.northbound });
    }
    return out;
  }

  /** The apps' handles for connection `c`, in app order (none before it came up). */
  handles(c: Connection): readonly DatapathHandle[] {
    return this.handlesByConnection.get(c) ?? NO_HANDLES;
  }

  /**
   * A switch finished its handshake (or, in a cluster, this controller became its
   * master: `role` says which): per app, in order, reconcile (when the app has a cookie
   * and a reconcile handler), then switchUp, each awaited. Stops early when the switch
   * goes down or stops being ours meanwhile. Never rejects.
   */
  async switchUp(c: Connection, role: ControllerRole = 'equal'): Promise<void> {
    const port = new ConnectionPort(c);
    const handles = this.apps.map((a) => {
      const h = new DatapathHandle(port, a.index, a.def.name, a.def.cookie);
      h.role = role;
      return h;
    });
    this.handlesByConnection.set(c, handles);
    const current = () => c.state === 'ready' && this.handlesByConnection.get(c) === handles;
    for (const app of this.apps) {
      if (!current()) return;
      const h = handles[app.index]!;
      app.datapaths.set(c.dpid!, h);
      const { reconcile } = app.handlers;
      if (reconcile && app.def.cookie) {
        try {
          const { value, mask } = app.def.cookie;
          const flows = await h.flowStats({ cookie: value, cookieMask: mask });
          if (!current()) return;
          await reconcile.call(app.handlers, h, flows);
        } catch (e) {
          this.failed(app, h, 'reconcile', e);
        }
      }
      if (!current()) return;
      h.active = true;
      try {
        await app.handlers.switchUp?.(h);
      } catch (e) {
        this.failed(app, h, 'switchUp', e);
      }
    }
  }

  /**
   * The switch is gone, or this controller stopped being its master: its handles stop
   * writing, and switchDown goes to every app that saw switchUp, in order.
   */
  switchDown(c: Connection, reason: string): void {
    const handles = this.handles(c);
    this.handlesByConnection.delete(c);
    for (const app of this.apps) {
      const h = handles[app.index];
      if (!h) continue;
      h.writable = false;
      if (app.datapaths.get(c.dpid!) === h) app.datapaths.delete(c.dpid!);
      if (!h.active) continue;
      h.active = false;
      this.call(app, h, 'switchDown', () => app.handlers.switchDown?.(h, reason));
    }
  }

  /** The hot path: no allocation here unless a handler returns a promise. */
  packetIn(c: Connection, m: PacketIn): void {
    if (this.observe !== undefined && ++this.packetIns % PACKET_IN_SAMPLE === 0) {
      return this.timedPacketIn(c, m);
    }
    const hs = this.handlesByConnection.get(c) ?? NO_HANDLES;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!;
      const app = this.apps[i]!;
      const handlers = app.handlers;
      if (handlers.packetIn === undefined || !h.active) continue;
      try {
        const r = handlers.packetIn(h, m) as Promise<void> | undefined;
        if (r !== undefined) r.then(undefined, (e) => this.failed(app, h, 'packetIn', e));
      } catch (e) {
        this.failed(app, h, 'packetIn', e);
      }
    }
  }

  /** packetIn() with each handler's time reported to `observe`. */
  private timedPacketIn(c: Connection, m: PacketIn): void {
    const hs = this.handlesByConnection.get(c) ?? NO_HANDLES;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!;
      const app = this.apps[i]!;
      if (app.handlers.packetIn === undefined || !h.active) continue;
      this.call(app, h, 'packetIn', () => app.handlers.packetIn?.(h, m));
    }
  }

  portStatus(c: Connection, m: PortStatus): void {
    this.each(c, 'portStatus', (hd, h) => hd.portStatus?.(h, m));
  }

  flowRemoved(c: Connection, m: FlowRemoved): void {
    this.each(c, 'flowRemoved', (hd, h) => hd.flowRemoved?.(h, m));
  }

  message(c: Connection, m: Message): void {
    this.each(c, 'message', (hd, h) => hd.message?.(h, m));
  }

  /**
   * An OFPT_ERROR about a fire-and-forget send: to the app that sent it, or to every
   * app with an error handler when the sender is unknown. Logged when nobody takes it.
   */
  switchError(c: Connection, err: OpenFlowError, owner: number): void {
    const sender = this.apps[owner];
    const h = sender ? this.handles(c)[owner] : undefined;
    if (sender && h) {
      if (sender.handlers.error && h.active) {
        this.call(sender, h, 'error', () => sender.handlers.error?.(h, err));
      } else {
        h.log.warn({ errorName: err.errorName }, err.message);
      }
      return;
    }
    let taken = false;
    this.each(c, 'error', (hd, handle) => {
      if (!hd.error) return;
      taken = true;
      return hd.error(handle, err);
    });
    if (!taken) c.log.warn({ errorName: err.errorName }, err.message);
  }

  /**
   * A configuration reload: each app that has a reload handler gets its new validated
   * section, in order, awaited. Returns the names of the apps that reloaded.
   */
  async reload(configs: ReadonlyMap<string, unknown>): Promise<string[]> {
    const done: string[] = [];
    for (const app of this.apps) {
      if (!app.handlers.reload || !configs.has(app.def.name)) continue;
      try {
        await app.handlers.reload(configs.get(app.def.name));
        done.push(app.def.name);
      } catch (e) {
        this.failed(app, undefined, 'reload', e);
      }
    }
    return done;
  }

  /** Controller shutdown, after every switchDown: each app's stop(), in order. */
  async stop(): Promise<void> {
    for (const app of this.apps) {
      try {
        await app.handlers.stop?.();
      } catch (e) {
        this.failed(app, undefined, 'stop', e);
      }
    }
  }

  private each(
    c: Connection,
    event: EventName,
    fn: (handlers: AppHandlers, h: DatapathHandle) => HandlerResult | undefined,
  ): void {
    const handles = this.handles(c);
    for (const app of this.apps) {
      const h = handles[app.index];
      if (!h?.active || app.handlers[event] === undefined) continue;
      this.call(app, h, event, () => fn(app.handlers, h));
    }
  }

  private call(
    app: RunningApp,
    h: DatapathHandle,
    event: EventName,
    fn: () => HandlerResult,
  ): void {
    const t0 = this.observe !== undefined ? performance.now() : 0;
    try {
      const r = fn() as Promise<void> | undefined;
      if (r !== undefined) r.then(undefined, (e) => this.failed(app, h, event, e));
    } catch (e) {
      this.failed(app, h, event, e);
    }
    if (this.observe !== undefined) {
      this.observe(app.def.name, event, (performance.now() - t0) / 1000);
    }
  }

  private failed(app: RunningApp, h: DatapathHandle | undefined, event: string, e: unknown): void {
    const dropped = app.failures.take(event);
    if (dropped === undefined) return;
    const log = h?.log ?? app.log;
    const also = dropped > 0 ? ` (${dropped} more failures suppressed)` : '';
    log.error({ err: e, event }, `app ${app.def.name}: ${event} handler failed${also}`);
  }
}
