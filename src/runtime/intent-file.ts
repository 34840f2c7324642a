/**
 * The file-backed IntentStore for one controller: every entry in one JSON file
 * (`{ "version": 1, "entries": { key: value } }`), read once at open, rewritten whole on
 * each change (written to FILE.tmp, fsynced, renamed over FILE, so a crash leaves the
 * old or the new file, never half of one). Writes are serialized; watchers are told
 * after the file is durable. Intent is small (networks and port bindings), so whole-file
 * writes are cheap. A missing file is an empty store, created on the first write.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from './config.js';
import {
  checkIntentKey,
  type IntentChange,
  type IntentEntry,
  type IntentStore,
} from './intent-store.js';

interface Watcher {
  readonly prefix: string;
  readonly fn: (c: IntentChange) => void;
}

export class FileIntentStore implements IntentStore {
  private watchers: Watcher[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly entries: Map<string, unknown>,
  ) {}

  /** Reads `file` (absent: empty); a file that is not a store is a ConfigError. */
  static async open(file: string): Promise<FileIntentStore> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConfigError(file, `cannot read the intent store: ${(e as Error).message}`);
      }
    }
    const entries = new Map<string, unknown>();
    if (text !== undefined) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw new ConfigError(file, `intent store is not valid JSON: ${(e as Error).message}`);
      }
      const obj = raw as { version?: unknown; entries?: unknown };
      if (typeof raw !== 'object' || raw === null || obj.version !== 1) {
        throw new ConfigError(
          file,
          'not an intent store (expected {"version": 1, "entries": {...}})',
        );
      }
      if (typeof obj.entries !== 'object' || obj.entries === null) {
        throw new ConfigError(`${file}: entries`, 'expected an object of key: value');
      }
      for (const k of Object.keys(obj.entries).sort()) {
        entries.set(k, (obj.entries as Record<string, unknown>)[k]);
      }
    }
    return new FileIntentStore(file, entries);
  }

  async get(key: string): Promise<unknown> {
    return structuredClone(this.entries.get(key));
  }

  async list(prefix: string): Promise<IntentEntry[]> {
    const out: IntentEntry[] = [];
    for (const [key, value] of this.entries) {
      if (key.startsWith(prefix)) out.push({ key, value: structuredClone(value) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  put(key: string, value: unknown): Promise<void> {
    checkIntentKey(key);
    const copy = JSON.parse(JSON.stringify(value)) as unknown;
    return this.change(() => {
      const had = this.entries.has(key);
      const before = this.entries.get(key);
      this.entries.set(key, copy);
      const undo = () => (had ? this.entries.set(key, before) : this.entries.delete(key));
      return { change: { op: 'put', key, value: copy }, undo };
    });
  }

  delete(key: string): Promise<boolean> {
    let existed = false;
    return this.change(() => {
      const before = this.entries.get(key);
      existed = this.entries.delete(key);
      if (!existed) return undefined;
      return { change: { op: 'delete', key }, undo: () => this.entries.set(key, before) };
    }).then(() => existed);
  }

  watch(prefix: string, fn: (c: IntentChange) => void): () => void {
    const w = { prefix, fn };
    this.watchers = [...this.watchers, w];
    return () => {
      this.watchers = this.watchers.filter((x) => x !== w);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchers = [];
    await this.chain;
  }

  /**
   * Runs one mutation after the previous one is durable and writes the file; a failed
   * write undoes the mutation (memory stays what the file holds). Then tells watchers.
   */
  private change(
    mutate: () => { change: IntentChange; undo: () => unknown } | undefined,
  ): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.closed) throw new Error(`intent store ${this.file} is closed`);
      const m = mutate();
      if (!m) return;
      try {
        await this.write();
      } catch (e) {
        m.undo();
        throw new Error(`cannot write the intent store ${this.file}: ${(e as Error).message}`);
      }
      const c = m.change;
      for (const w of this.watchers) {
        if (c.key.startsWith(w.prefix)) w.fn(c);
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    const body = `${JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }, null, 2)}\n`;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}
