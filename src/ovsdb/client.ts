/**
 * A client of one Open_vSwitch database: it monitors the Open_vSwitch, Bridge, Port and
 * Interface tables into a Replica, tells listeners which tables changed, and runs
 * transactions. Two ways in:
 *
 * - dial(address): connects to `unix:PATH` or `tcp:HOST:PORT` and reconnects with
 *   exponential backoff (minMs doubling up to maxMs, reset once a monitor is running)
 *   after any loss; the replica keeps the last known state while disconnected and is
 *   replaced whole by the next initial dump.
 * - adopt(socket): a connection a server opened to us (manager direction, see
 *   listener.ts); no reconnect, the server dials again.
 *
 * Bad input from the server (malformed JSON, JSON-RPC or table-updates) closes the
 * connection with one log line; rows that do not decode are logged and left out.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { formatOvsdbAddress, type OvsdbAddress } from './address.js';
import { RpcError } from './json-rpc.js';
import { Replica } from './replica.js';
import { TABLE_SPECS, TABLES, type TableName } from './rows.js';
import { RpcSession, SessionClosedError } from './session.js';

export const DATABASE = 'Open_vSwitch';

export interface OvsdbClientOptions {
  readonly log: Logger;
  /** Our echo after this much silence (default 5 s; 0: off). */
  readonly probeIntervalMs?: number;
  readonly maxBytes?: number;
  /** Reconnect delays of a dialing client. */
  readonly backoff?: { readonly minMs: number; readonly maxMs: number };
}

export const DEFAULT_BACKOFF = { minMs: 250, maxMs: 8000 } as const;

export type ChangeListener = (changed: ReadonlySet<TableName>) => void;
export type StateListener = (connected: boolean, reason?: string) => void;

/** The monitor-requests of every table we replicate (RFC 7047 4.1.5). */
export function monitorRequests(): Record<string, { columns: readonly string[] }> {
  const out: Record<string, { columns: readonly string[] }> = {};
  for (const t of TABLES) out[t] = { columns: TABLE_SPECS[t].columns };
  return out;
}

/** One operation of a transaction (RFC 7047 5.2): insert, update, mutate, delete, wait... */
export type Operation = Readonly<Record<string, unknown>> & { readonly op: string };

export class TransactError extends Error {}

export class OvsdbClient {
  readonly replica = new Replica();
  private session: RpcSession | undefined;
  private monitoring = false;
  private stopped = false;
  private delay: number;
  private retry: NodeJS.Timeout | undefined;
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly log: Logger;

  private constructor(
    /** `unix:PATH`, `tcp:HOST:PORT`, or the peer of an accepted connection. */
    readonly name: string,
    private readonly address: OvsdbAddress | undefined,
    private readonly opts: OvsdbClientOptions,
  ) {
    this.log = opts.log.child({ ovsdb: name });
    this.delay = (opts.backoff ?? DEFAULT_BACKOFF).minMs;
  }

  /** Connects to a server, and keeps reconnecting until close(). */
  static dial(address: OvsdbAddress, opts: OvsdbClientOptions): OvsdbClient {
    const c = new OvsdbClient(formatOvsdbAddress(address), address, opts);
    c.connect();
    return c;
  }

  /** Serves a connection a server opened to us (manager direction). */
  static adopt(socket: Duplex, peer: string, opts: OvsdbClientOptions): OvsdbClient {
    const c = new OvsdbClient(peer, undefined, opts);
    c.start(socket);
    return c;
  }

  /** True while the monitor is running (the replica is current). */
  get connected(): boolean {
    return this.monitoring;
  }

  /** False once closed, or once an adopted connection has ended. */
  get alive(): boolean {
    return !this.stopped;
  }

  onChange(l: ChangeListener): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  onState(l: StateListener): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  /**
   * Runs a transaction on the Open_vSwitch database; resolves with each operation's
   * result, rejects (TransactError) when the server or any operation reports an error.
   */
  async transact(ops: readonly Operation[]): Promise<unknown[]> {
    const s = this.session;
    if (!s || !this.monitoring) throw new TransactError(`${this.name}: not connected`);
    let result: unknown;
    try {
      result = await s.request('transact', [DATABASE, ...ops]);
    } catch (e) {
      if (e instanceof RpcError || e instanceof SessionClosedError) {
        throw new TransactError(`${this.name}: ${e.message}`);
      }
      throw e;
    }
    if (!Array.isArray(result)) throw new TransactError(`${this.name}: transact: not an array`);
    result.forEach((r, i) => {
      const err = (r as { error?: unknown } | null)?.error;
      if (typeof err === 'string') {
        const details = (r as { details?: unknown }).details;
        throw new TransactError(
          `${this.name}: operation ${i} (${ops[i]?.op ?? 'commit'}): ${err}${typeof details === 'string' ? `: ${details}` : ''}`,
        );
      }
    });
    return result;
  }

  /** Closes the connection and stops reconnecting. */
  close(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.session?.close('closed by the controller');
  }

  private connect(): void {
    if (this.stopped || !this.address) return;
    const a = this.address;
    const socket = a.kind === 'unix' ? net.connect(a.path) : net.connect(a.port, a.host);
    let opened = false;
    socket.once('connect', () => {
      opened = true;
      this.start(socket);
    });
    socket.once('error', (e) => {
      if (opened) return; // the session reports it
      socket.destroy();
      this.log.debug({ err: e.message, retryMs: this.delay }, 'OVSDB connect failed');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || !this.address) return;
    const max = (this.opts.backoff ?? DEFAULT_BACKOFF).maxMs;
    const wait = this.delay;
    this.delay = Math.min(max, this.delay * 2);
    this.retry = setTimeout(() => this.connect(), wait);
    this.retry.unref();
  }

  private start(socket: Duplex): void {
    const session = new RpcSession(
      socket,
      {
        notification: (method, params) => this.onNotification(session, method, params),
        closed: (reason) => this.onClosed(session, reason),
      },
      { log: this.log, probeIntervalMs: this.opts.probeIntervalMs, maxBytes: this.opts.maxBytes },
    );
    this.session = session;
    session.request('monitor', [DATABASE, null, monitorRequests()]).then(
      (initial) => {
        const r = this.replica.reset(initial);
        if (!r.ok) {
          this.malformed(session, `monitor reply: ${r.error}`);
          return;
        }
        this.logRowErrors(r.rowErrors);
        this.monitoring = true;
        this.delay = (this.opts.backoff ?? DEFAULT_BACKOFF).minMs;
        this.log.info(
          { bridges: this.replica.size('Bridge'), ports: this.replica.size('Port') },
          'OVSDB monitor running',
        );
        for (const l of this.stateListeners) l(true);
        this.emitChange(r.changed);
      },
      (e: Error) => {
        if (e instanceof SessionClosedError) return;
        this.log.warn({ err: e.message }, 'OVSDB monitor refused; closing');
        session.close(`monitor refused: ${e.message}`);
      },
    );
  }

  private onNotification(session: RpcSession, method: string, params: readonly unknown[]): void {
    if (method !== 'update') return; // locked, stolen, update2...: not asked for
    if (params.length !== 2) {
      this.malformed(
        session,
        `"update" needs [monitor-id, table-updates], got ${params.length} params`,
      );
      return;
    }
    const r = this.replica.apply(params[1]);
    if (!r.ok) {
      this.malformed(session, `update: ${r.error}`);
      return;
    }
    this.logRowErrors(r.rowErrors);
    if (r.changed.size > 0) this.emitChange(r.changed);
  }

  private malformed(session: RpcSession, problem: string): void {
    this.log.warn({ problem }, `malformed OVSDB input, closing the connection: ${problem}`);
    session.close(`malformed input: ${problem}`);
  }

  private logRowErrors(errors: readonly string[]): void {
    if (errors.length === 0) return;
    this.log.warn({ rows: errors.slice(0, 5), count: errors.length }, 'OVSDB rows left out');
  }

  private emitChange(changed: ReadonlySet<TableName>): void {
    for (const l of this.changeListeners) {
      try {
        l(changed);
      } catch (e) {
        this.log.error({ err: e }, 'OVSDB change listener threw');
      }
    }
  }

  private onClosed(session: RpcSession, reason: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    const was = this.monitoring;
    this.monitoring = false;
    // Malformed input was logged where it was found: one line per event.
    const quiet = this.stopped || !was || reason.startsWith('malformed');
    this.log[quiet ? 'debug' : 'warn']({ reason }, 'OVSDB connection lost');
    if (was) for (const l of this.stateListeners) l(false, reason);
    if (this.address) this.scheduleReconnect();
    else this.stopped = true;
  }
}
