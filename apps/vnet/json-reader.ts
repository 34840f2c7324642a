/**
 * Reading untyped JSON with a key path: every accessor either returns a typed value or
 * throws the runtime's ConfigError naming the file, the key path
 * (`vnet.json: datapaths.host1.ports.gre0`) and what was expected, so a bad config fails
 * at load with a message a person can act on.
 */
import { ConfigError, describe, keyPath } from '../../src/runtime/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON value at a place in a file: `where` is `FILE:` or `FILE: key.path`. */
export class JsonNode {
  constructor(
    readonly where: string,
    readonly value: unknown,
  ) {}

  /** Throw a ConfigError at this node. */
  fail(problem: string): never {
    throw new ConfigError(this.where, problem);
  }

  private expected(what: string): never {
    return this.fail(`expected ${what}, got ${describe(this.value)}`);
  }

  private child(key: string | number, value: unknown): JsonNode {
    if (typeof key === 'number') return new JsonNode(`${this.where}[${key}]`, value);
    const name = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
    return new JsonNode(keyPath(this.where, name), value);
  }

  isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  /** The entries of an object, in file order. */
  entries(): [string, JsonNode][] {
    if (!this.isObject()) this.expected('an object');
    return Object.entries(this.value as Record<string, Json>).map(([k, v]) => [
      k,
      this.child(k, v),
    ]);
  }

  /** Fail on any key outside `allowed` (catches typos such as "vlna"). */
  onlyKeys(allowed: readonly string[]): this {
    for (const [key, node] of this.entries()) {
      if (!allowed.includes(key)) {
        node.fail(`unknown key; expected one of ${allowed.map((k) => `"${k}"`).join(', ')}`);
      }
    }
    return this;
  }

  /** The member `key`, which may be absent (then its value is undefined). */
  get(key: string): JsonNode {
    if (!this.isObject()) this.expected('an object');
    const obj = this.value as Record<string, Json>;
    return this.child(key, Object.hasOwn(obj, key) ? obj[key] : undefined);
  }

  get present(): boolean {
    return this.value !== undefined;
  }

  /** Fail unless the member exists. */
  required(): this {
    if (!this.present) this.fail('missing; this key is required');
    return this;
  }

  items(): JsonNode[] {
    this.required();
    if (!Array.isArray(this.value)) this.expected('an array');
    return (this.value as Json[]).map((v, i) => this.child(i, v));
  }

  string(): string {
    this.required();
    if (typeof this.value !== 'string' || this.value === '') this.expected('a non-empty string');
    return this.value as string;
  }

  /** One of the listed strings. */
  oneOf<T extends string>(choices: readonly T[]): T {
    const s = this.string();
    if (!(choices as readonly string[]).includes(s)) {
      this.fail(`expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got "${s}"`);
    }
    return s as T;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    this.required();
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.expected(`an integer from ${min} to ${max}`);
    }
    return v as number;
  }
}

/** Parse JSON text; a syntax error becomes a ConfigError naming the file and line. */
export function parseJson(text: string, file: string): JsonNode {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new ConfigError(file, `not valid JSON${line ? ` (line ${line})` : ''}: ${msg}`);
  }
  return new JsonNode(`${file}:`, value);
}
