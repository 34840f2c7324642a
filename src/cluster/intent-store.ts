/**
 * The etcd-backed IntentStore (runtime intent-store.ts) a cluster shares: every entry a
 * key under `ofctl-ts/intent/` holding its JSON value, so any controller's API can change
 * networks and port bindings and every controller (each master applies them to its
 * switches) sees the change through a watch. Writes resolve once etcd has committed them
 * (a quorum of members). A watch sees every later change in order, its own writes
 * included; it resumes where it left off when etcd comes back.
 */
import type { Etcd3, Watcher } from 'etcd3';
import {
  checkIntentKey,
  type IntentChange,
  type IntentEntry,
  type IntentStore,
} from '../runtime/intent-store.js';
import type { Logger } from '../runtime/log.js';
import { INTENT } from './keys.js';

export class EtcdIntentStore implements IntentStore {
  private readonly watchers = new Set<Watcher>();
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly log: Logger,
  ) {}

  async get(key: string): Promise<unknown> {
    const text = await this.client.get(INTENT + key).string();
    return text === null ? undefined : parse(text, key);
  }

  async list(prefix: string): Promise<IntentEntry[]> {
    const all = await this.client
      .getAll()
      .prefix(INTENT + prefix)
      .sort('Key', 'Ascend')
      .strings();
    return Object.keys(all)
      .map((k) => {
        const key = k.slice(INTENT.length);
        return { key, value: parse(all[k]!, key) };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(key: string, value: unknown): Promise<void> {
    checkIntentKey(key);
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`intent ${key}: the value is not JSON`);
    await this.client
      .put(INTENT + key)
      .value(text)
      .exec();
  }

  async delete(key: string): Promise<boolean> {
    checkIntentKey(key);
    const r = await this.client
      .delete()
      .key(INTENT + key)
      .exec();
    return Number(r.deleted) > 0;
  }

  watch(prefix: string, fn: (change: IntentChange) => void): () => void {
    let watcher: Watcher | undefined;
    let stopped = false;
    this.client
      .watch()
      .prefix(INTENT + prefix)
      .create()
      .then(
        (w) => {
          if (stopped || this.closed) {
            void w.cancel().catch(() => undefined);
            return;
          }
          watcher = w;
          this.watchers.add(w);
          w.on('put', (kv) => {
            const key = kv.key.toString().slice(INTENT.length);
            fn({ op: 'put', key, value: parse(kv.value.toString(), key) });
          });
          w.on('delete', (kv) => fn({ op: 'delete', key: kv.key.toString().slice(INTENT.length) }));
          w.on('error', (e) => this.log.warn({ err: e.message, prefix }, 'intent watch failed'));
        },
        (e: Error) => this.log.warn({ err: e.message, prefix }, 'cannot watch the intent store'),
      );
    return () => {
      stopped = true;
      if (watcher) {
        this.watchers.delete(watcher);
        void watcher.cancel().catch(() => undefined);
      }
    };
  }

  /** Stops the watches; the etcd client belongs to the cluster and is closed with it. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.watchers].map((w) => w.cancel().catch(() => undefined)));
    this.watchers.clear();
  }
}

function parse(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`intent ${key} in etcd is not JSON: fix or delete it (etcdctl del)`);
  }
}
