/**
 * Configuration errors and checks shared by the controller's config file, its command
 * line and the apps' sections of the file: a ConfigError says where the bad value is
 * (file and key path, or the option) and what was expected. Structure is checked
 * against a TypeBox schema (config-schema.ts); reading files, JSON or YAML, is
 * config-file.ts.
 */

/** A configuration value that is missing, of the wrong type or out of range. */
export class ConfigError extends Error {
  constructor(
    /** Where: `FILE: key.sub` or `--option`. */
    readonly where: string,
    /** What is wrong and what was expected. */
    readonly problem: string,
    /** The whole message, when it is not `where: problem`. */
    message = `${where}: ${problem}`,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `where` for a key inside the object found at `where` (`file: a` + `b` = `file: a.b`). */
export function keyPath(where: string, key: string): string {
  const name = /^[\w-]+$/.test(key) ? key : JSON.stringify(key);
  return where.endsWith(':') ? `${where} ${name}` : `${where}.${name}`;
}

/** `where` for item `i` of the list found at `where`. */
export function itemPath(where: string, i: number): string {
  return `${where.endsWith(':') ? where.slice(0, -1) : where}[${i}]`;
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** An integer in [min, max] (a command-line value, say). */
export function checkInt(v: unknown, where: string, range: IntRange): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    throw new ConfigError(
      where,
      `expected an integer from ${range.min} to ${range.max}, got ${describe(v)}`,
    );
  }
  return v;
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

/** An OS error as words: `no such file`, `permission denied`, ... */
export function osErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
