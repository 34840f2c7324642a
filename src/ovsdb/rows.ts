/**
 * Typed rows of the Open_vSwitch database tables the controller monitors, the columns
 * it asks for, and the decoding of a row as the server sends it (column name to datum,
 * RFC 7047 section 5.1) into a typed, frozen object. A column whose value has the wrong
 * shape makes the whole row an error value, never an exception.
 */
import {
  asBoolean,
  asInteger,
  asString,
  asUuid,
  DatumError,
  decodeSet,
  optional,
  stringMap,
} from './datum.js';

export interface OpenVswitchRow {
  readonly uuid: string;
  readonly bridges: readonly string[];
  /** `system-id` and `hostname` live here. */
  readonly externalIds: ReadonlyMap<string, string>;
  readonly ovsVersion: string | undefined;
}

export interface BridgeRow {
  readonly uuid: string;
  readonly name: string;
  readonly ports: readonly string[];
  /** 16 hex digits once ovs-vswitchd has created the datapath; undefined before. */
  readonly datapathId: string | undefined;
  readonly datapathType: string;
  readonly failMode: string | undefined;
  readonly externalIds: ReadonlyMap<string, string>;
}

export interface PortRow {
  readonly uuid: string;
  readonly name: string;
  readonly interfaces: readonly string[];
  /** Access VLAN; undefined for a trunk or an untagged port. */
  readonly tag: number | undefined;
  /** VLANs of a trunk; empty means all. */
  readonly trunks: readonly number[];
  /** True for the Port that stands for a fake bridge (`add-br vlan2 br-eth1 2`). */
  readonly fakeBridge: boolean;
  readonly externalIds: ReadonlyMap<string, string>;
}

export interface InterfaceRow {
  readonly uuid: string;
  readonly name: string;
  /** "" (system: a NIC, tap or veth), internal, gre, vxlan, geneve, patch, ... */
  readonly type: string;
  /** remote_ip, key, ... */
  readonly options: ReadonlyMap<string, string>;
  /** OpenFlow port number once assigned (-1 when it failed). */
  readonly ofport: number | undefined;
  /** iface-id, attached-mac, iface-status, vm-uuid as a cloud writes them. */
  readonly externalIds: ReadonlyMap<string, string>;
}

export interface Rows {
  readonly Open_vSwitch: OpenVswitchRow;
  readonly Bridge: BridgeRow;
  readonly Port: PortRow;
  readonly Interface: InterfaceRow;
}

export type TableName = keyof Rows;

export const TABLES: readonly TableName[] = ['Open_vSwitch', 'Bridge', 'Port', 'Interface'];

type Raw = Readonly<Record<string, unknown>>;

interface TableSpec<T> {
  readonly columns: readonly string[];
  decode(uuid: string, raw: Raw): T;
}

function col(raw: Raw, name: string): unknown {
  if (!(name in raw)) throw new DatumError(`column "${name}" is missing`);
  return raw[name];
}

function uuids(v: unknown): string[] {
  return decodeSet(v).map(asUuid);
}

function within(name: string, f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (e instanceof DatumError) throw new DatumError(`column "${name}": ${e.message}`);
    throw e;
  }
}

/** Reads each column with its decoder, naming the column in any error. */
function columns<T extends object>(raw: Raw, spec: { [K in keyof T]: (v: unknown) => T[K] }) {
  const out: Record<string, unknown> = {};
  for (const [key, decode] of Object.entries(spec) as [string, (v: unknown) => unknown][]) {
    const wire = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[key] = within(wire, () => decode(col(raw, wire)));
  }
  return out as T;
}

export const TABLE_SPECS: { readonly [K in TableName]: TableSpec<Rows[K]> } = {
  Open_vSwitch: {
    columns: ['bridges', 'external_ids', 'ovs_version'],
    decode: (uuid, raw) => ({
      uuid,
      ...columns<Omit<OpenVswitchRow, 'uuid'>>(raw, {
        bridges: uuids,
        externalIds: stringMap,
        ovsVersion: (v) => optional(v, asString),
      }),
    }),
  },
  Bridge: {
    columns: ['name', 'ports', 'datapath_id', 'datapath_type', 'fail_mode', 'external_ids'],
    decode: (uuid, raw) => ({
      uuid,
      ...columns<Omit<BridgeRow, 'uuid'>>(raw, {
        name: (v) => asString(decodeSet(v)[0] ?? ''),
        ports: uuids,
        datapathId: (v) => optional(v, asString),
        datapathType: (v) => asString(decodeSet(v)[0] ?? ''),
        failMode: (v) => optional(v, asString),
        externalIds: stringMap,
      }),
    }),
  },
  Port: {
    columns: ['name', 'interfaces', 'tag', 'trunks', 'fake_bridge', 'external_ids'],
    decode: (uuid, raw) => ({
      uuid,
      ...columns<Omit<PortRow, 'uuid'>>(raw, {
        name: (v) => asString(decodeSet(v)[0] ?? ''),
        interfaces: uuids,
        tag: (v) => optional(v, asInteger),
        trunks: (v) => decodeSet(v).map(asInteger),
        fakeBridge: (v) => asBoolean(decodeSet(v)[0] ?? false),
        externalIds: stringMap,
      }),
    }),
  },
  Interface: {
    columns: ['name', 'type', 'options', 'ofport', 'external_ids'],
    decode: (uuid, raw) => ({
      uuid,
      ...columns<Omit<InterfaceRow, 'uuid'>>(raw, {
        name: (v) => asString(decodeSet(v)[0] ?? ''),
        type: (v) => asString(decodeSet(v)[0] ?? ''),
        options: stringMap,
        ofport: (v) => optional(v, asInteger),
        externalIds: stringMap,
      }),
    }),
  },
};

export type RowResult<T> =
  | { readonly ok: true; readonly row: T }
  | { readonly ok: false; readonly error: string };

/** Decodes a row of `table` (all monitored columns present); never throws. */
export function decodeRow<K extends TableName>(
  table: K,
  uuid: string,
  raw: Raw,
): RowResult<Rows[K]> {
  try {
    return { ok: true, row: Object.freeze(TABLE_SPECS[table].decode(uuid, raw)) as Rows[K] };
  } catch (e) {
    if (e instanceof DatumError) return { ok: false, error: `${table} ${uuid}: ${e.message}` };
    throw e;
  }
}
