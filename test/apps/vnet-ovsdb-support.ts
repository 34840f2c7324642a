/**
 * A fake Open_vSwitch database for the vnet OVSDB-mode tests: a real Replica fed with
 * table-updates shaped like ovsdb-server's (wrapped sets and maps, bare single values),
 * behind the OvsdbView an app gets. `bridge`, `port`, `retag`, `remove` are the
 * ovs-vsctl commands the tests type.
 */
import {
  type BridgeView,
  bridgeByDatapathId,
  type DatabaseChange,
  type OvsdbDatabase,
  type OvsdbView,
  Replica,
  type TableName,
} from '../../src/ovsdb/index.js';

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;

const set = (xs: readonly unknown[]) => (xs.length === 1 ? xs[0] : ['set', xs]);
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const ref = (u: string) => ['uuid', u];

export interface PortSpec {
  readonly tag?: number;
  readonly trunks?: readonly number[];
  readonly type?: string;
  readonly options?: Record<string, string>;
  readonly ifaceExternalIds?: Record<string, string>;
  readonly fakeBridge?: boolean;
}

interface PortRecord {
  readonly port: string;
  readonly iface: string;
  bridge: string;
  spec: PortSpec;
}

export class FakeOvsdb implements OvsdbView, OvsdbDatabase {
  readonly name = 'unix:/fake/db.sock';
  readonly replica = new Replica();
  connected = true;
  readonly systemId = 'host1';
  private readonly listeners = new Set<DatabaseChange>();
  private readonly bridges = new Map<string, { uuid: string; dpid?: string; ports: string[] }>();
  private readonly ports = new Map<string, PortRecord>();

  databases(): readonly OvsdbDatabase[] {
    return [this];
  }

  bridgeForDatapath(dpid: bigint): { db: OvsdbDatabase; bridge: BridgeView } | undefined {
    const bridge = bridgeByDatapathId(this.replica, dpid);
    return bridge ? { db: this, bridge } : undefined;
  }

  onChange(l: DatabaseChange): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  transact(): Promise<unknown[]> {
    return Promise.reject(new Error('not used'));
  }

  /** add-br NAME, with its datapath ID once "ovs-vswitchd" made it (undefined: not yet). */
  bridge(name: string, dpid?: bigint): void {
    const b = this.bridges.get(name) ?? { uuid: uuid(), ports: [] };
    if (dpid !== undefined) b.dpid = dpid.toString(16).padStart(16, '0');
    this.bridges.set(name, b);
    if (!this.ports.has(name)) this.port(name, name, { type: 'internal' }, false);
    this.pushBridge(name);
  }

  /** add-port BRIDGE NAME [tag=..] -- set interface NAME ... (fake bridge: the parent). */
  port(bridge: string, name: string, spec: PortSpec = {}, push = true): void {
    const existing = this.ports.get(name);
    const rec: PortRecord = existing ?? { port: uuid(), iface: uuid(), bridge, spec };
    rec.spec = spec;
    if (existing && existing.bridge !== bridge) this.detach(existing);
    rec.bridge = bridge;
    this.ports.set(name, rec);
    const b = this.bridges.get(bridge)!;
    if (!b.ports.includes(rec.port)) b.ports.push(rec.port);
    this.update({
      Interface: {
        [rec.iface]: {
          new: {
            name,
            type: spec.type ?? '',
            options: map(spec.options ?? {}),
            ofport: ['set', []],
            external_ids: map(spec.ifaceExternalIds ?? {}),
          },
        },
      },
      Port: {
        [rec.port]: {
          new: {
            name,
            interfaces: ref(rec.iface),
            tag: set(spec.tag === undefined ? [] : [spec.tag]),
            trunks: set(spec.trunks ?? []),
            fake_bridge: spec.fakeBridge ?? false,
            external_ids: map({}),
          },
        },
      },
      ...(push ? this.bridgeUpdate(bridge) : {}),
    });
  }

  /** add-br FAKE PARENT TAG. */
  fakeBridge(parent: string, name: string, tag: number): void {
    this.port(parent, name, { tag, type: 'internal', fakeBridge: true });
  }

  /** set port NAME tag=N (undefined: clear). */
  retag(name: string, tag: number | undefined): void {
    const rec = this.ports.get(name)!;
    this.port(rec.bridge, name, { ...rec.spec, tag });
  }

  /** del-port NAME. */
  remove(name: string): void {
    const rec = this.ports.get(name)!;
    this.ports.delete(name);
    this.detach(rec);
    this.update({
      Interface: { [rec.iface]: {} },
      Port: { [rec.port]: {} },
      ...this.bridgeUpdate(rec.bridge),
    });
  }

  /** Emit a change without content (as a reconnect with nothing new does). */
  touch(): void {
    this.emit(new Set(['Bridge']));
  }

  private detach(rec: PortRecord): void {
    const b = this.bridges.get(rec.bridge)!;
    b.ports = b.ports.filter((p) => p !== rec.port);
  }

  private pushBridge(name: string): void {
    this.update(this.bridgeUpdate(name));
  }

  private bridgeUpdate(name: string) {
    const b = this.bridges.get(name)!;
    return {
      Bridge: {
        [b.uuid]: {
          new: {
            name,
            ports: set(b.ports.map(ref)),
            datapath_id: set(b.dpid ? [b.dpid] : []),
            datapath_type: 'netdev',
            fail_mode: 'secure',
            external_ids: map({}),
          },
        },
      },
    };
  }

  private update(u: Record<string, unknown>): void {
    const r = this.replica.apply(u);
    if (!r.ok || r.rowErrors.length > 0) {
      throw new Error(`fake OVSDB produced a bad update: ${JSON.stringify(r)}`);
    }
    this.emit(r.changed);
  }

  private emit(tables: ReadonlySet<TableName>): void {
    for (const l of this.listeners) l(this, tables);
  }
}
