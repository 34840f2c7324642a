/**
 * Compares an expected shape (built from the codec's decoded objects) with a fixture's
 * JSON, and lists every difference with its path. A shape is plain JSON plus:
 * - `Check`: a leaf that accepts the fixture's value when its predicate holds;
 * - a one-key object whose key ends in `*` (`{'NXAction*': {...}}`): the fixture's class
 *   name must start with the prefix, and only the keys the shape names are compared
 *   (content the codec keeps as raw bytes, such as Nicira actions).
 * Everywhere else, a key the fixture has and the shape lacks is a difference, unless
 * the caller lists it as ignored (`Class.key`), with its reason, in `ignored`.
 */
import type { Json } from './json-bigint.js';

export class Check {
  constructor(
    readonly desc: string,
    readonly test: (theirs: Json | undefined) => boolean,
  ) {}
}

export type Shape =
  | null
  | boolean
  | number
  | bigint
  | string
  | Check
  | readonly Shape[]
  | { readonly [k: string]: Shape };

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Check);

const show = (x: unknown): string =>
  JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 160) ?? String(x);

export function compareShape(
  ours: Shape,
  theirs: Json | undefined,
  ignored: ReadonlyMap<string, string> = new Map(),
): string[] {
  const diffs: string[] = [];
  walk(ours, theirs, '$', '', false);
  return diffs;

  function walk(o: Shape, t: Json | undefined, path: string, cls: string, loose: boolean): void {
    if (o instanceof Check) {
      if (!o.test(t)) diffs.push(`${path}: fixture ${show(t)} fails check "${o.desc}"`);
      return;
    }
    if (Array.isArray(o)) {
      if (!Array.isArray(t)) {
        diffs.push(`${path}: expected a list, fixture has ${show(t)}`);
        return;
      }
      if (o.length !== t.length) diffs.push(`${path}: ${o.length} items, fixture has ${t.length}`);
      for (let i = 0; i < Math.min(o.length, t.length); i++) {
        walk(o[i]!, t[i], `${path}[${i}]`, cls, loose);
      }
      return;
    }
    if (isObject(o)) {
      if (!isObject(t)) {
        diffs.push(`${path}: expected an object, fixture has ${show(t)}`);
        return;
      }
      const keys = Object.keys(o);
      const only = keys.length === 1 ? keys[0]! : undefined;
      const tk = Object.keys(t);
      if (only && /^[A-Z]/.test(only) && tk.length === 1) {
        // A class wrapper: {ClassName: {...}}.
        const theirCls = tk[0]!;
        if (only.endsWith('*')) {
          if (!theirCls.startsWith(only.slice(0, -1))) {
            diffs.push(`${path}: class ${theirCls}, expected ${only}`);
            return;
          }
          walk(o[only] as Shape, t[theirCls], `${path}.${theirCls}`, theirCls, true);
          return;
        }
        if (theirCls !== only) {
          diffs.push(`${path}: class ${theirCls}, expected ${only}`);
          return;
        }
        walk(o[only] as Shape, t[theirCls], `${path}.${only}`, only, false);
        return;
      }
      for (const k of keys) {
        const ov = o[k] as Shape;
        if (!(k in t)) {
          // A Check may accept absence (it is then told `undefined`).
          if (ov instanceof Check && ov.test(undefined)) continue;
          diffs.push(`${path}.${k}: missing in fixture`);
          continue;
        }
        walk(ov, t[k] as Json, `${path}.${k}`, cls, false);
      }
      if (!loose) {
        for (const k of tk) {
          if (k in o || ignored.has(`${cls}.${k}`)) continue;
          diffs.push(`${path}.${k}: fixture has ${show(t[k])}, adapter does not map it`);
        }
      }
      return;
    }
    if (!same(o, t)) diffs.push(`${path}: ours ${show(o)}, fixture ${show(t)}`);
  }
}

function same(o: Shape, t: Json | undefined): boolean {
  const numeric = (x: unknown) => typeof x === 'number' || typeof x === 'bigint';
  if (numeric(o) && numeric(t))
    return BigInt(o as number | bigint) === BigInt(t as number | bigint);
  return o === t;
}
