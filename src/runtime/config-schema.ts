/**
 * Checking configuration against a TypeBox schema (JSON Schema: the same schemas serve
 * the HTTP API's request bodies and its OpenAPI document, which is why TypeBox was
 * chosen), with errors as good as hand-written checks: the first problem, at its key
 * path, saying what was expected and what was found, and for an unknown key the keys
 * that are valid there.
 *
 * TypeBox's own errors give the place of the first problem (its instancePath) and its
 * kind (the keyword); this module finds the schema at that place and words the message
 * from it. A schema may carry `expected: 'words'` to say what it wants in the user's
 * terms (a datapath ID, say). A union of objects told apart by a constant property (a
 * port's `mode`) is reported against the branch the value's constant picks.
 */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError, describe, itemPath, keyPath } from './config.js';

/** The JSON-Schema fields this module reads (a TypeBox schema is plain JSON Schema). */
interface Schema {
  readonly type?: string;
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly patternProperties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  /** What the value should be, in the user's words (`a datapath ID (...)`). */
  readonly expected?: string;
}

/**
 * `raw` checked against `schema`, with the schema's defaults filled in (`raw` itself is
 * not changed); throws ConfigError naming `where` plus the key path of the first problem.
 */
export function checkConfig<S extends TSchema>(schema: S, raw: unknown, where: string): Static<S> {
  const value = Value.Default(schema, structuredClone(raw));
  if (!Value.Check(schema, value)) throw configError(schema, value, where);
  return value as Static<S>;
}

/** The ConfigError for the first problem of `value` (which fails `schema`), at `where`. */
export function configError(schema: TSchema, value: unknown, where: string): ConfigError {
  const first = firstError(schema, value);
  if (first === undefined) return new ConfigError(root(where), 'not valid');
  const tokens = first.instancePath.split('/').slice(1).map(unescapePointer);
  let at = where;
  let s: Schema = schema as Schema;
  let v = value;
  for (let i = 0; ; i++) {
    // A union on the way is settled here, by the value, whatever TypeBox made of it.
    if (s.anyOf) return unionError(s, v, at);
    if (i === tokens.length) return explain(first, s, v, at);
    const t = tokens[i]!;
    const child = childSchema(s, t);
    if (child === undefined) return explain(first, s, v, at);
    s = child;
    at = Array.isArray(v) ? itemPath(at, Number(t)) : keyPath(at, t);
    v = (v as Record<string, unknown>)[t];
  }
}

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** TypeBox's first error, less the `false` schema of an unknown key (the next error names it). */
function firstError(schema: TSchema, value: unknown): SchemaError | undefined {
  const errors = Value.Errors(schema, value) as readonly SchemaError[];
  return errors.find(
    (e) => !(e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')),
  );
}

function explain(e: SchemaError, s: Schema, v: unknown, at: string): ConfigError {
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params.additionalProperties as string[])[0]!;
      const valid = Object.keys(s.properties ?? {});
      return new ConfigError(keyPath(at, key), `unknown key; expected one of: ${valid.join(', ')}`);
    }
    case 'required': {
      const key = (e.params.requiredProperties as string[])[0]!;
      return new ConfigError(keyPath(at, key), 'missing; this key is required');
    }
    default:
      return new ConfigError(root(at), `expected ${expectedOf(s)}, got ${describe(v)}`);
  }
}

/** A value that fails a union: reported against the branch it was meant for, if any. */
function unionError(s: Schema, v: unknown, at: string): ConfigError {
  const branch = pickBranch(s, v);
  if (branch.schema !== undefined) return configError(branch.schema as TSchema, v, at);
  if (branch.key !== undefined) {
    const consts = (s.anyOf ?? []).map((b) => b.properties?.[branch.key!]?.const);
    const got = (v as Record<string, unknown>)[branch.key];
    return new ConfigError(
      keyPath(at, branch.key),
      `expected one of ${consts.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(got)}`,
    );
  }
  return new ConfigError(root(at), `expected ${expectedOf(s)}, got ${describe(v)}`);
}

/**
 * The branch of a union that `v` is meant for: the only one of its JSON type, or among
 * objects the one whose constant properties it has. Else the constant property that
 * tells the objects apart (`key`), or nothing.
 */
function pickBranch(s: Schema, v: unknown): { schema?: Schema; key?: string } {
  const branches = s.anyOf ?? [];
  if (branches.every((b) => b.const !== undefined)) return {};
  const typed = branches.filter((b) => b.const === undefined && hasType(b, v));
  if (typed.length === 1) return { schema: typed[0]! };
  if (typed.length === 0 || !hasType({ type: 'object' }, v)) return {};
  const obj = v as Record<string, unknown>;
  const match = typed.find((b) =>
    Object.entries(b.properties ?? {}).every(
      ([k, p]) => p.const === undefined || obj[k] === p.const,
    ),
  );
  if (match) return { schema: match };
  const key = Object.entries(typed[0]!.properties ?? {}).find(
    ([, p]) => p.const !== undefined,
  )?.[0];
  return key === undefined ? {} : { key };
}

/** The schema that `token` (a key or an index) is checked against under `s`. */
function childSchema(s: Schema, token: string): Schema | undefined {
  if (s.type === 'array') return s.items;
  const prop = s.properties?.[token];
  if (prop) return prop;
  for (const [pattern, p] of Object.entries(s.patternProperties ?? {})) {
    if (new RegExp(pattern).test(token)) return p;
  }
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

/** What a schema wants, in words. */
export function expectedOf(s: Schema): string {
  if (s.expected) return s.expected;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) {
    if (s.anyOf.every((b) => b.const !== undefined)) {
      return `one of ${s.anyOf.map((b) => JSON.stringify(b.const)).join(', ')}`;
    }
    return [...new Set(s.anyOf.map(expectedOf))].join(' or ');
  }
  switch (s.type) {
    case 'integer':
      return `an integer${range(s)}`;
    case 'number':
      return `a number${range(s)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return (s.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
    case 'array':
      return `a list${(s.minItems ?? 0) > 0 ? ' (not empty)' : ''}${s.items ? ` of ${plural(s.items)}` : ''}`;
    case 'object':
      return 'an object';
    default:
      return 'another value';
  }
}

function range(s: Schema): string {
  if (s.minimum !== undefined && s.maximum !== undefined) {
    return ` from ${s.minimum} to ${s.maximum}`;
  }
  if (s.minimum !== undefined) return ` of at least ${s.minimum}`;
  if (s.maximum !== undefined) return ` of at most ${s.maximum}`;
  return '';
}

function plural(s: Schema): string {
  if (s.expected) return s.expected;
  switch (s.type) {
    case 'string':
      return (s.minLength ?? 0) > 0 ? 'non-empty strings' : 'strings';
    case 'integer':
      return 'integers';
    case 'number':
      return 'numbers';
    case 'object':
      return 'objects';
    default:
      return 'values';
  }
}

/** True when `v` is of the JSON type the schema names. */
function hasType(s: Schema, v: unknown): boolean {
  switch (s.type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
    case 'number':
      return typeof v === 'number';
    case 'null':
      return v === null;
    default:
      return typeof v === s.type;
  }
}

/** `FILE:` alone names the file: `FILE`. */
function root(where: string): string {
  return where.endsWith(':') ? where.slice(0, -1) : where;
}

function unescapePointer(t: string): string {
  return t.replaceAll('~1', '/').replaceAll('~0', '~');
}
