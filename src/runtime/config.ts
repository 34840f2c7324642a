/**
 * Configuration checking shared by the controller's config file and the apps' sections
 * of it: typed readers that default, validate once and say where the bad value is
 * (file and key) and what was expected. Apps use the same helpers in validateConfig.
 */

/** A configuration value that is missing, of the wrong type or out of range. */
export class ConfigError extends Error {
  constructor(
    /** Where: `FILE: key.sub` or `--option`. */
    readonly where: string,
    /** What is wrong and what was expected. */
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type ConfigObject = Readonly<Record<string, unknown>>;

/** `where` for a key inside the object found at `where` (`file: a` + `b` = `file: a.b`). */
export function keyPath(where: string, key: string): string {
  return where.endsWith(':') ? `${where} ${key}` : `${where}.${key}`;
}

/** The value as a plain object; undefined/absent becomes {}. */
export function asObject(raw: unknown, where: string): ConfigObject {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(where, `expected an object, got ${describe(raw)}`);
  }
  return raw as ConfigObject;
}

/** Rejects keys not in `allowed` (a typo is an error, not a silent default). */
export function checkKeys(obj: ConfigObject, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(
        keyPath(where, k),
        `unknown key; expected one of: ${allowed.join(', ')}`,
      );
    }
  }
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** An integer in [min, max], or `fallback` when the key is absent. */
export function readInt(
  obj: ConfigObject,
  key: string,
  where: string,
  range: IntRange,
  fallback: number,
): number {
  const v = obj[key];
  if (v === undefined) return fallback;
  return checkInt(v, keyPath(where, key), range);
}

export function checkInt(v: unknown, where: string, range: IntRange): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    throw new ConfigError(
      where,
      `expected an integer from ${range.min} to ${range.max}, got ${describe(v)}`,
    );
  }
  return v;
}

/** A number (seconds, say) in [min, max], or `fallback` when absent. */
export function readNumber(
  obj: ConfigObject,
  key: string,
  where: string,
  range: IntRange,
  fallback: number,
): number {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max) {
    throw new ConfigError(
      keyPath(where, key),
      `expected a number from ${range.min} to ${range.max}, got ${describe(v)}`,
    );
  }
  return v;
}

export function readBool(obj: ConfigObject, key: string, where: string, fallback: boolean) {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') {
    throw new ConfigError(keyPath(where, key), `expected true or false, got ${describe(v)}`);
  }
  return v;
}

export function readString(
  obj: ConfigObject,
  key: string,
  where: string,
  fallback: string,
): string {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') {
    throw new ConfigError(keyPath(where, key), `expected a non-empty string, got ${describe(v)}`);
  }
  return v;
}

/** A list of non-empty strings (a single string is accepted as a list of one). */
export function readStrings(
  obj: ConfigObject,
  key: string,
  where: string,
): readonly string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw new ConfigError(keyPath(where, key), `expected a list of strings, got ${describe(v)}`);
  }
  return list as string[];
}

/** A short description of a bad value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return String(v);
}
