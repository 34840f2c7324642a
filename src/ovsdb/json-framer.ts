/**
 * Incremental framing of an OVSDB (RFC 7047) stream: JSON values back to back, with or
 * without whitespace between them (ovsdb-server sends none). The framer scans bytes for
 * the end of each top-level object or array (tracking nesting, strings and escapes;
 * every structural character is ASCII, so UTF-8 needs no decoding to scan) and parses
 * each complete value once. Anything but whitespace between values, a value that does
 * not parse, or a value growing past `maxBytes` is a framing error: the stream cannot be
 * resynchronised, so the caller closes the connection. push() never throws.
 */

export interface JsonFramerOptions {
  /** Largest accepted value in bytes (a monitor's initial dump is the big one). */
  readonly maxBytes?: number;
}

export type FramerResult =
  | { readonly ok: true; readonly values: readonly unknown[] }
  | { readonly ok: false; readonly values: readonly unknown[]; readonly error: string };

/** 64 MiB: a database of some 100 000 ports still fits. */
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function describeByte(b: number): string {
  return b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16)}`;
}

export class JsonFramer {
  private readonly max: number;
  /** Chunks (or their tails) of the value being scanned. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private failure: string | undefined;

  constructor(opts: JsonFramerOptions = {}) {
    this.max = opts.maxBytes ?? DEFAULT_MAX_JSON_BYTES;
  }

  /** Bytes held for a value not yet complete. */
  get buffered(): number {
    return this.partBytes;
  }

  /** Every value completed by `chunk`; after an error, only that error. */
  push(chunk: Uint8Array): FramerResult {
    if (this.failure !== undefined) return { ok: false, values: [], error: this.failure };
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const values: unknown[] = [];
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (this.depth === 0) {
        if (isSpace(b)) continue;
        if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
          return this.fail(values, `expected a JSON object or array, got ${describeByte(b)}`);
        }
        start = i;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          const size = this.partBytes + (i + 1 - start);
          if (size > this.max) return this.fail(values, this.tooBig(size));
          const text = this.take(buf.subarray(start, i + 1));
          try {
            values.push(JSON.parse(text));
          } catch (e) {
            return this.fail(values, `invalid JSON: ${(e as Error).message}`);
          }
          start = -1;
        }
      }
    }
    if (this.depth > 0 && start >= 0) {
      const tail = buf.subarray(start);
      if (this.partBytes + tail.length > this.max) {
        return this.fail(values, this.tooBig(this.partBytes + tail.length));
      }
      // Copy: the caller may reuse the chunk's memory.
      this.parts.push(Buffer.from(tail));
      this.partBytes += tail.length;
    }
    return { ok: true, values };
  }

  private tooBig(size: number): string {
    return `a JSON value of more than ${this.max} bytes (at least ${size})`;
  }

  /** The held parts plus `last`, as text; resets the held parts. */
  private take(last: Buffer): string {
    if (this.parts.length === 0) return last.toString('utf8');
    const all = Buffer.concat([...this.parts, last]);
    this.parts = [];
    this.partBytes = 0;
    return all.toString('utf8');
  }

  private fail(values: unknown[], error: string): FramerResult {
    this.failure = error;
    this.parts = [];
    this.partBytes = 0;
    return { ok: false, values, error };
  }
}
