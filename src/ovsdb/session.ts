/**
 * One JSON-RPC session over a byte stream (a unix or TCP socket, either direction):
 * requests with ids and their answers, notifications to a handler, the peer's `echo`
 * answered, and an inactivity probe of our own (an `echo` after `probeIntervalMs` of
 * silence; another interval without anything from the peer closes the session, as
 * ovsdb-server does with us). Malformed input (not JSON, not JSON-RPC, an answer to
 * nothing we asked) closes the session with one log line; nothing thrown escapes.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { JsonFramer } from './json-framer.js';
import { classify, type JsonRpcId, RpcError, type RpcMessage } from './json-rpc.js';

export interface SessionOptions {
  readonly log: Logger;
  /** Largest JSON value accepted from the peer. */
  readonly maxBytes?: number;
  /** Send an echo after this much silence from the peer; 0 turns the probe off. */
  readonly probeIntervalMs?: number;
}

export interface SessionHandlers {
  /** A notification (`update`, `locked`, ...) from the peer. */
  notification(method: string, params: readonly unknown[]): void;
  /** The session ended (by us, the peer, or bad input); called once. */
  closed(reason: string): void;
}

interface Pending {
  readonly method: string;
  resolve(result: unknown): void;
  reject(e: Error): void;
}

export class SessionClosedError extends Error {}

export const DEFAULT_PROBE_INTERVAL_MS = 5000;

export class RpcSession {
  private readonly framer: JsonFramer;
  private readonly pending = new Map<JsonRpcId, Pending>();
  private nextId = 1;
  private closedReason: string | undefined;
  private lastHeard = Date.now();
  private probeSent = false;
  private readonly probe: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly stream: Duplex,
    private readonly handlers: SessionHandlers,
    opts: SessionOptions,
  ) {
    this.log = opts.log;
    this.framer = new JsonFramer({ maxBytes: opts.maxBytes });
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (e: Error) => this.close(`socket error: ${e.message}`));
    stream.on('close', () => this.close('connection closed by the peer'));
    stream.on('end', () => this.close('connection closed by the peer'));
    const interval = opts.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    if (interval > 0) {
      this.probe = setInterval(() => this.checkAlive(interval), Math.max(50, interval / 4));
      this.probe.unref();
    }
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a request and resolves with its result (rejects with RpcError on an error). */
  request(method: string, params: readonly unknown[]): Promise<unknown> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new SessionClosedError(`session closed: ${this.closedReason}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      this.write({ id, method, params });
    });
  }

  /** Ends the session; pending requests reject. Idempotent. */
  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    if (this.probe) clearInterval(this.probe);
    for (const p of this.pending.values()) {
      p.reject(new SessionClosedError(`${p.method}: session closed: ${reason}`));
    }
    this.pending.clear();
    this.stream.destroy();
    this.handlers.closed(reason);
  }

  private write(msg: object): void {
    if (this.closedReason !== undefined) return;
    this.stream.write(JSON.stringify(msg));
  }

  private checkAlive(interval: number): void {
    const silent = Date.now() - this.lastHeard;
    if (silent < interval) return;
    if (!this.probeSent) {
      this.probeSent = true;
      this.write({ id: 'echo', method: 'echo', params: [] });
      return;
    }
    if (silent >= 2 * interval) {
      this.log.warn({ silentMs: silent }, 'OVSDB peer did not answer echo; closing');
      this.close(`no answer to echo for ${silent} ms`);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closedReason !== undefined) return;
    this.lastHeard = Date.now();
    this.probeSent = false;
    const r = this.framer.push(chunk);
    for (const v of r.values) {
      this.onValue(v);
      if (this.closedReason !== undefined) return;
    }
    if (!r.ok) this.malformed(r.error);
  }

  private malformed(problem: string): void {
    this.log.warn({ problem }, `malformed OVSDB input, closing the connection: ${problem}`);
    this.close(`malformed input: ${problem}`);
  }

  private onValue(v: unknown): void {
    const c = classify(v);
    if (!c.ok) {
      this.malformed(c.error);
      return;
    }
    this.dispatch(c.message);
  }

  private dispatch(m: RpcMessage): void {
    switch (m.kind) {
      case 'request':
        if (m.method === 'echo') this.write({ id: m.id, result: m.params, error: null });
        else this.write({ id: m.id, result: null, error: 'unknown method' });
        return;
      case 'notification':
        try {
          this.handlers.notification(m.method, m.params);
        } catch (e) {
          this.log.error({ err: e, method: m.method }, 'OVSDB notification handler threw');
        }
        return;
      case 'response': {
        if (m.id === 'echo') return; // the answer to our probe
        const p = this.pending.get(m.id);
        if (!p) {
          this.malformed(`an answer with id ${JSON.stringify(m.id)} to no request of ours`);
          return;
        }
        this.pending.delete(m.id);
        if (m.error !== null) p.reject(new RpcError(p.method, m.error));
        else p.resolve(m.result);
        return;
      }
    }
  }
}
