/** ofp_table_features and its properties (OpenFlow 1.3.5 section 7.3.5.5). */
import { badRequestLen, fail, OFPERR } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/**
 * An instruction or action ID. The spec's ID is 4 bytes (type, len); Open vSwitch and
 * OpenFlow 1.3.0 peers send 8 (with 4 pad bytes), and experimenter IDs carry the
 * experimenter number: whatever follows the 4-byte header is kept in `extra`.
 */
export interface TypeId {
  readonly type: number;
  readonly extra?: Uint8Array | undefined;
}

/** An OXM ID: the 32-bit OXM header, plus the experimenter for class 0xffff. */
export interface OxmId {
  readonly header: number;
  readonly experimenter?: number | undefined;
}

export type TableFeatureProp =
  | { readonly type: 'instructions' | 'instructions_miss'; readonly ids: readonly TypeId[] }
  | { readonly type: 'next_tables' | 'next_tables_miss'; readonly tableIds: readonly number[] }
  | {
      readonly type:
        | 'write_actions'
        | 'write_actions_miss'
        | 'apply_actions'
        | 'apply_actions_miss';
      readonly ids: readonly TypeId[];
    }
  | {
      readonly type:
        | 'match'
        | 'wildcards'
        | 'write_setfield'
        | 'write_setfield_miss'
        | 'apply_setfield'
        | 'apply_setfield_miss';
      readonly oxmIds: readonly OxmId[];
    }
  | {
      readonly type: 'experimenter' | 'experimenter_miss';
      readonly experimenter: number;
      readonly expType: number;
      readonly data: Uint8Array;
    };

const PROP_NAMES = [
  'instructions',
  'instructions_miss',
  'next_tables',
  'next_tables_miss',
  'write_actions',
  'write_actions_miss',
  'apply_actions',
  'apply_actions_miss',
  'match',
  undefined,
  'wildcards',
  undefined,
  'write_setfield',
  'write_setfield_miss',
  'apply_setfield',
  'apply_setfield_miss',
] as const;

const PROP_CODE = new Map<string, number>(
  PROP_NAMES.flatMap((n, i) => (n ? [[n, i] as [string, number]] : [])).concat([
    ['experimenter', 0xfffe],
    ['experimenter_miss', 0xffff],
  ]),
);

export interface TableFeatures {
  readonly tableId: number;
  readonly name: string;
  readonly metadataMatch: bigint;
  readonly metadataWrite: bigint;
  readonly config: number;
  readonly maxEntries: number;
  readonly properties: readonly TableFeatureProp[];
}

const badTf = (what: string): never =>
  fail(OFPERR.OFPTFFC_BAD_LEN, `bad table features length: ${what}`);

function readTypeIds(p: Reader): TypeId[] {
  const ids: TypeId[] = [];
  while (p.remaining > 0) {
    const type = p.u16();
    const len = p.u16();
    if (len < 4) badTf(`id of type ${type} has length ${len}`);
    ids.push(len === 4 ? { type } : { type, extra: p.bytes(len - 4) });
  }
  return ids;
}

function readProp(r: Reader): TableFeatureProp {
  const start = r.pos;
  const code = r.u16();
  const len = r.u16();
  if (len < 4) badTf(`property length ${len}`);
  const p = r.sub(len - 4, 'table feature property', badTf);
  r.pos = Math.min(start + ((len + 7) & ~7), r.end);
  if (code === 0xfffe || code === 0xffff) {
    return {
      type: code === 0xfffe ? 'experimenter' : 'experimenter_miss',
      experimenter: p.u32(),
      expType: p.u32(),
      data: p.rest(),
    };
  }
  const name = PROP_NAMES[code];
  switch (name) {
    case 'instructions':
    case 'instructions_miss':
    case 'write_actions':
    case 'write_actions_miss':
    case 'apply_actions':
    case 'apply_actions_miss':
      return { type: name, ids: readTypeIds(p) };
    case 'next_tables':
    case 'next_tables_miss': {
      const tableIds: number[] = [];
      while (p.remaining > 0) tableIds.push(p.u8());
      return { type: name, tableIds };
    }
    case 'match':
    case 'wildcards':
    case 'write_setfield':
    case 'write_setfield_miss':
    case 'apply_setfield':
    case 'apply_setfield_miss': {
      const oxmIds: OxmId[] = [];
      while (p.remaining > 0) {
        const header = p.u32();
        if (header >>> 16 === 0xffff) oxmIds.push({ header, experimenter: p.u32() });
        else oxmIds.push({ header });
      }
      return { type: name, oxmIds };
    }
    default:
      return fail(OFPERR.OFPTFFC_BAD_TYPE, `unknown table feature property type ${code}`);
  }
}

export function readTableFeatures(r: Reader): TableFeatures[] {
  const out: TableFeatures[] = [];
  while (r.remaining > 0) {
    r.need(64, 'ofp_table_features');
    const len = r.u16();
    if (len < 64) badRequestLen(`table features length ${len}`);
    const t = r.sub(len - 2, 'ofp_table_features', badTf);
    const tableId = t.u8();
    t.skip(5);
    const name = t.str(32);
    const metadataMatch = t.u64();
    const metadataWrite = t.u64();
    const config = t.u32();
    const maxEntries = t.u32();
    const properties: TableFeatureProp[] = [];
    while (t.remaining > 0) properties.push(readProp(t));
    out.push({ tableId, name, metadataMatch, metadataWrite, config, maxEntries, properties });
  }
  return out;
}

function writeProp(w: Writer, p: TableFeatureProp): void {
  const start = w.pos;
  w.u16(PROP_CODE.get(p.type)!);
  w.u16(0);
  switch (p.type) {
    case 'experimenter':
    case 'experimenter_miss':
      w.u32(p.experimenter);
      w.u32(p.expType);
      w.bytes(p.data);
      break;
    case 'next_tables':
    case 'next_tables_miss':
      for (const id of p.tableIds) w.u8(id);
      break;
    case 'match':
    case 'wildcards':
    case 'write_setfield':
    case 'write_setfield_miss':
    case 'apply_setfield':
    case 'apply_setfield_miss':
      for (const id of p.oxmIds) {
        w.u32(id.header);
        if (id.experimenter !== undefined) w.u32(id.experimenter);
      }
      break;
    default:
      for (const id of p.ids) {
        w.u16(id.type);
        w.u16(4 + (id.extra?.length ?? 0));
        if (id.extra) w.bytes(id.extra);
      }
  }
  w.patchU16(start + 2, w.pos - start);
  w.padTo(start, 8);
}

export function writeTableFeatures(w: Writer, list: readonly TableFeatures[]): void {
  for (const t of list) {
    const start = w.pos;
    w.u16(0);
    w.u8(t.tableId);
    w.zeros(5);
    w.str(t.name, 32);
    w.u64(t.metadataMatch);
    w.u64(t.metadataWrite);
    w.u32(t.config);
    w.u32(t.maxEntries);
    for (const p of t.properties) writeProp(w, p);
    w.patchU16(start, w.pos - start);
  }
}
