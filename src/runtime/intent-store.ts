/**
 * The orchestrator's intent (networks, port bindings: what a cloud asks for at run
 * time) has one home: an IntentStore. Keys are slash-separated paths under an app's
 * prefix (`vnet/networks/blue`), values are JSON. Apps read intent from the store and
 * watch it, never caring where it came from: the API writes it, a file keeps it for one
 * controller (intent-file.ts), etcd for a cluster (src/cluster).
 *
 * Small and asynchronous on purpose, so that a networked store fits: get, list, put,
 * delete, and watch by key prefix. A watcher sees every change made after it
 * subscribed, in order, including its own process's writes.
 */

export interface IntentEntry {
  readonly key: string;
  readonly value: unknown;
}

export type IntentChange =
  | { readonly op: 'put'; readonly key: string; readonly value: unknown }
  | { readonly op: 'delete'; readonly key: string };

export interface IntentStore {
  /** The value under `key`, or undefined. */
  get(key: string): Promise<unknown>;
  /** Every entry whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<IntentEntry[]>;
  /** Stores `value` (JSON) under `key`; resolves once it is durable. */
  put(key: string, value: unknown): Promise<void>;
  /** Removes `key`; resolves with whether it existed, once durable. */
  delete(key: string): Promise<boolean>;
  /** Calls `fn` for each later change under `prefix`; returns the function that stops it. */
  watch(prefix: string, fn: (change: IntentChange) => void): () => void;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._:@-]*(\/[A-Za-z0-9._:@-]+)*$/;

/** Throws a TypeError unless `key` is a store key (path segments of safe characters). */
export function checkIntentKey(key: string): string {
  if (key.length > 512 || !KEY.test(key)) {
    throw new TypeError(
      `intent key "${key}" must be slash-separated segments of letters, digits and . _ : @ -`,
    );
  }
  return key;
}
