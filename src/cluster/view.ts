/**
 * This controller's view of the cluster, kept by one prefix watch on etcd: the live
 * members, which members have each switch connected, and each switch's master with its
 * generation (the create revision of its master key). Loaded once (three reads at one
 * revision), then updated by the watch from the next revision on, so no change is
 * missed; a watch that etcd cancels (compacted history) is replaced by a fresh load.
 * `onChange` is told what changed, after the view is updated.
 */
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from '../runtime/index.js';
import { revisionOf } from './etcd-client.js';
import { ATTACHED, MASTERS, MEMBERS, PREFIX, parseKey } from './keys.js';

export interface MasterRecord {
  readonly node: string;
  /** The generation_id of this mastership: the master key's create revision. */
  readonly generation: bigint;
  /** The lease the key is on. */
  readonly lease: string;
}

export type ViewChange =
  | { readonly kind: 'members' }
  | { readonly kind: 'attached'; readonly dpid: string }
  | { readonly kind: 'master'; readonly dpid: string }
  | { readonly kind: 'reloaded' };

export class ClusterView {
  readonly members = new Set<string>();
  readonly attached = new Map<string, Set<string>>();
  readonly masters = new Map<string, MasterRecord>();
  private watcher: Watcher | undefined;
  private stopped = false;

  constructor(
    private readonly client: Etcd3,
    private readonly log: Logger,
    private readonly onChange: (c: ViewChange) => void,
  ) {}

  /** Loads the state and starts watching; retries every 500 ms until etcd answers. */
  async start(): Promise<void> {
    for (;;) {
      try {
        return await this.load();
      } catch (e) {
        if (this.stopped) return;
        this.log.debug({ err: (e as Error).message }, 'cannot read the cluster state yet');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Records a mastership this controller just won, before the watch reports it. */
  noteMaster(dpid: string, rec: MasterRecord): void {
    this.masters.set(dpid, rec);
  }

  private async load(): Promise<void> {
    const first = await this.client.getAll().prefix(MEMBERS).exec();
    const rev = revisionOf(first);
    const [attached, masters] = await Promise.all([
      this.client.getAll().prefix(ATTACHED).revision(rev.toString()).exec(),
      this.client.getAll().prefix(MASTERS).revision(rev.toString()).exec(),
    ]);
    this.members.clear();
    this.attached.clear();
    this.masters.clear();
    for (const kv of [...first.kvs, ...attached.kvs, ...masters.kvs]) this.apply('put', kv);
    if (this.stopped) return;
    const w = await this.client
      .watch()
      .prefix(PREFIX)
      .startRevision((rev + 1n).toString())
      .create();
    if (this.stopped) {
      await w.cancel();
      return;
    }
    this.watcher = w;
    w.on('data', (res) => {
      let changes: ViewChange[] = [];
      for (const ev of res.events) {
        const c = this.apply(ev.type === 'Put' ? 'put' : 'delete', ev.kv);
        if (c) changes.push(c);
      }
      if (changes.some((c) => c.kind === 'members')) changes = [{ kind: 'members' }];
      for (const c of changes) this.onChange(c);
    });
    w.on('error', (err) => {
      this.log.warn({ err: err.message }, 'etcd cancelled the cluster watch: reloading');
      if (this.watcher === w) this.watcher = undefined;
      void w.cancel().catch(() => undefined);
      if (!this.stopped) void this.start().then(() => this.onChange({ kind: 'reloaded' }));
    });
    w.on('disconnected', (err) =>
      this.log.debug({ err: err.message }, 'cluster watch disconnected'),
    );
    this.onChange({ kind: 'reloaded' });
  }

  private apply(op: 'put' | 'delete', kv: IKeyValue): ViewChange | undefined {
    const key = kv.key.toString();
    const k = parseKey(key);
    if (!k) return undefined;
    switch (k.kind) {
      case 'member':
        if (op === 'put') this.members.add(k.node);
        else this.members.delete(k.node);
        return { kind: 'members' };
      case 'attached': {
        let set = this.attached.get(k.dpid);
        if (op === 'put') {
          if (!set) {
            set = new Set();
            this.attached.set(k.dpid, set);
          }
          set.add(k.node);
        } else if (set) {
          set.delete(k.node);
          if (set.size === 0) this.attached.delete(k.dpid);
        }
        return { kind: 'attached', dpid: k.dpid };
      }
      case 'master':
        if (op === 'put') {
          this.masters.set(k.dpid, {
            node: kv.value.toString(),
            generation: BigInt(kv.create_revision),
            lease: String(kv.lease),
          });
        } else {
          this.masters.delete(k.dpid);
        }
        return { kind: 'master', dpid: k.dpid };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.cancel().catch(() => undefined);
  }
}
