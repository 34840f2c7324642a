/**
 * OVSDB datum notation (RFC 7047 section 5.1): atoms are strings, numbers, booleans or
 * `["uuid", "..."]` / `["named-uuid", "..."]`; a set is `["set", [atoms]]` or, with
 * exactly one element, the bare atom; a map is `["map", [[key, value], ...]]`. The
 * decoders check the shape and throw DatumError, which the row decoder (rows.ts)
 * catches: wire input never throws past it. The encoders build what `transact` sends.
 */

export type Atom = string | number | boolean | Uuid;

/** A row reference: a real uuid, or a named-uuid inside one transaction. */
export interface Uuid {
  readonly uuid: string;
  readonly named?: boolean;
}

export class DatumError extends Error {}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isTagged(v: unknown, tag: string): v is [string, unknown] {
  return Array.isArray(v) && v.length === 2 && v[0] === tag;
}

export function decodeAtom(v: unknown): Atom {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (isTagged(v, 'uuid') && typeof v[1] === 'string' && UUID_TEXT.test(v[1])) {
    return { uuid: v[1] };
  }
  if (isTagged(v, 'named-uuid') && typeof v[1] === 'string') return { uuid: v[1], named: true };
  throw new DatumError(`expected an atom (string, number, boolean or uuid), got ${describe(v)}`);
}

/** A set, in either form: `["set", [...]]` or one bare atom. */
export function decodeSet(v: unknown): Atom[] {
  if (isTagged(v, 'set')) {
    if (!Array.isArray(v[1])) throw new DatumError(`expected ["set", [...]], got ${describe(v)}`);
    return v[1].map(decodeAtom);
  }
  return [decodeAtom(v)];
}

/** A map `["map", [[k, v], ...]]`. */
export function decodeMap(v: unknown): Map<Atom, Atom> {
  if (!isTagged(v, 'map') || !Array.isArray(v[1])) {
    throw new DatumError(`expected ["map", [[key, value], ...]], got ${describe(v)}`);
  }
  const out = new Map<Atom, Atom>();
  for (const pair of v[1]) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new DatumError(`expected a [key, value] pair in a map, got ${describe(pair)}`);
    }
    out.set(decodeAtom(pair[0]), decodeAtom(pair[1]));
  }
  return out;
}

function typeName(a: Atom): string {
  return typeof a === 'object' ? 'uuid' : typeof a;
}

export function asString(a: Atom): string {
  if (typeof a !== 'string') throw new DatumError(`expected a string, got a ${typeName(a)}`);
  return a;
}

export function asInteger(a: Atom): number {
  if (typeof a !== 'number' || !Number.isInteger(a)) {
    throw new DatumError(`expected an integer, got ${describe(a)}`);
  }
  return a;
}

export function asBoolean(a: Atom): boolean {
  if (typeof a !== 'boolean') throw new DatumError(`expected a boolean, got a ${typeName(a)}`);
  return a;
}

export function asUuid(a: Atom): string {
  if (typeof a !== 'object') throw new DatumError(`expected a uuid, got a ${typeName(a)}`);
  return a.uuid;
}

/** A column of type {min 0, max 1}: the set's one element, or undefined when empty. */
export function optional<T>(v: unknown, as: (a: Atom) => T): T | undefined {
  const set = decodeSet(v);
  if (set.length > 1) throw new DatumError(`expected at most one value, got ${set.length}`);
  return set.length === 1 ? as(set[0]!) : undefined;
}

/** A map of string to string (external_ids, options, other_config). */
export function stringMap(v: unknown): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const [k, val] of decodeMap(v)) out.set(asString(k), asString(val));
  return out;
}

// Encoders, for transact.

type Wire = string | number | boolean | readonly unknown[];

function atomWire(a: Atom): Wire {
  return typeof a === 'object' ? [a.named ? 'named-uuid' : 'uuid', a.uuid] : a;
}

export function encodeSet(atoms: readonly Atom[]): Wire {
  return ['set', atoms.map(atomWire)];
}

export function encodeMap(entries: Iterable<readonly [Atom, Atom]>): Wire {
  return ['map', [...entries].map(([k, v]) => [atomWire(k), atomWire(v)])];
}

export function encodeUuid(uuid: string): Wire {
  return ['uuid', uuid];
}

export function encodeNamedUuid(name: string): Wire {
  return ['named-uuid', name];
}
