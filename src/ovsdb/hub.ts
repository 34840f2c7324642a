/**
 * Every Open_vSwitch database the controller knows: the ones it dials (`--ovsdb`,
 * repeatable) and the ones that dial it (`--ovsdb-listen`, for hosts that run
 * `ovs-vsctl set-manager tcp:CONTROLLER:6640`). Apps read them through OvsdbView: the
 * databases, the bridge behind a datapath (joined by datapath_id; a fake bridge belongs
 * to its parent), and a change callback. A server that dials again replaces its old
 * connection (same Open_vSwitch row uuid).
 */
import net from 'node:net';
import type { Logger } from 'pino';
import { formatOvsdbAddress, type OvsdbAddress } from './address.js';
import { type Operation, OvsdbClient, type OvsdbClientOptions } from './client.js';
import type { Replica } from './replica.js';
import type { TableName } from './rows.js';
import { type BridgeView, bridgeByDatapathId, systemIdOf } from './topology.js';

/** One database as an app sees it. */
export interface OvsdbDatabase {
  /** The dialed address, or `manager tcp:PEER:PORT` for a server that dialed us. */
  readonly name: string;
  /** The monitor is running; otherwise the replica holds the last known state. */
  readonly connected: boolean;
  readonly replica: Replica;
  /** external_ids:system-id (or hostname) of the Open_vSwitch row, once known. */
  readonly systemId: string | undefined;
  transact(ops: readonly Operation[]): Promise<unknown[]>;
}

export type DatabaseChange = (db: OvsdbDatabase, tables: ReadonlySet<TableName>) => void;

/** What an app holds: read-only access to every database, and their changes. */
export interface OvsdbView {
  databases(): readonly OvsdbDatabase[];
  /** The bridge whose datapath_id is `dpid`, in a connected database first. */
  bridgeForDatapath(dpid: bigint): { db: OvsdbDatabase; bridge: BridgeView } | undefined;
  /** Called after every change of any database (and when one connects or is lost). */
  onChange(listener: DatabaseChange): () => void;
}

export interface OvsdbHubOptions {
  readonly dial: readonly OvsdbAddress[];
  /** tcp: address to accept servers on (manager direction). */
  readonly listen?: OvsdbAddress | undefined;
  readonly log: Logger;
  readonly client?: Omit<OvsdbClientOptions, 'log'>;
}

class Database implements OvsdbDatabase {
  constructor(readonly client: OvsdbClient) {}
  get name() {
    return this.client.name;
  }
  get connected() {
    return this.client.connected;
  }
  get replica() {
    return this.client.replica;
  }
  get systemId() {
    return systemIdOf(this.client.replica);
  }
  transact(ops: readonly Operation[]) {
    return this.client.transact(ops);
  }
}

const ALL_TABLES: ReadonlySet<TableName> = new Set(['Open_vSwitch', 'Bridge', 'Port', 'Interface']);

export class OvsdbHub implements OvsdbView {
  private readonly dbs: Database[] = [];
  private readonly listeners = new Set<DatabaseChange>();
  private server: net.Server | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: OvsdbHubOptions) {
    this.log = opts.log;
  }

  /** The bound listen address (real port when 0 was asked for). */
  get listenAddress(): OvsdbAddress | undefined {
    const a = this.server?.address();
    if (!a || typeof a === 'string') return undefined;
    return { kind: 'tcp', host: a.address, port: a.port };
  }

  /** Starts dialing and, if asked, listening (rejects when the address cannot be bound). */
  async start(): Promise<void> {
    for (const a of this.opts.dial) this.add(OvsdbClient.dial(a, this.clientOptions()));
    const l = this.opts.listen;
    if (l && l.kind === 'tcp') {
      const server = net.createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(l.port, l.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (e) => this.log.error({ err: e.message }, 'OVSDB listener error'));
      this.server = server;
      this.log.info(
        { listen: formatOvsdbAddress(this.listenAddress!) },
        'accepting OVSDB servers (set-manager)',
      );
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const d of this.dbs) d.client.close();
    this.dbs.length = 0;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  databases(): readonly OvsdbDatabase[] {
    return [...this.dbs];
  }

  bridgeForDatapath(dpid: bigint): { db: OvsdbDatabase; bridge: BridgeView } | undefined {
    const ordered = [...this.dbs].sort((a, b) => Number(b.connected) - Number(a.connected));
    for (const db of ordered) {
      const bridge = bridgeByDatapathId(db.replica, dpid);
      if (bridge) return { db, bridge };
    }
    return undefined;
  }

  onChange(listener: DatabaseChange): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private clientOptions(): OvsdbClientOptions {
    return { ...this.opts.client, log: this.log };
  }

  private accept(socket: net.Socket): void {
    const peer = `manager tcp:${socket.remoteAddress}:${socket.remotePort}`;
    this.log.info({ peer }, 'OVSDB server connected (manager direction)');
    this.add(OvsdbClient.adopt(socket, peer, this.clientOptions()));
  }

  private add(client: OvsdbClient): void {
    const db = new Database(client);
    this.dbs.push(db);
    client.onChange((tables) => {
      if (tables.has('Open_vSwitch')) this.replaceOlder(db);
      this.emit(db, tables);
    });
    client.onState((connected) => {
      if (!connected && !client.alive) {
        // An adopted connection ended: keep its last state until the server dials
        // again (replaceOlder), so the switches' flows stay while it is away.
        this.log.info({ ovsdb: client.name }, 'OVSDB manager connection ended');
      }
      this.emit(db, ALL_TABLES);
    });
  }

  /** A server that dialed again: forget its earlier, ended connection. */
  private replaceOlder(db: Database): void {
    const me = [...db.replica.all('Open_vSwitch')][0]?.uuid;
    if (me === undefined) return;
    for (let i = this.dbs.length - 1; i >= 0; i--) {
      const other = this.dbs[i]!;
      if (other === db || other.client.alive) continue;
      if ([...other.replica.all('Open_vSwitch')][0]?.uuid === me) this.dbs.splice(i, 1);
    }
  }

  private emit(db: Database, tables: ReadonlySet<TableName>): void {
    for (const l of this.listeners) {
      try {
        l(db, tables);
      } catch (e) {
        this.log.error({ err: e }, 'OVSDB change listener threw');
      }
    }
  }
}
