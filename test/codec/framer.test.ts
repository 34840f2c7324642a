/**
 * The Framer over a stream of many different messages (the golden os-ken and OVS
 * vectors, back to back): however the stream is split, the same messages come out, and
 * only the incomplete message is ever held. Bad lengths fail at once, without
 * allocating for the length they announce.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeMessage, Framer, FramingError } from '../../src/codec/index.js';

const DIR = fileURLToPath(new URL('../fixtures/vectors/', import.meta.url));

/** Every golden message that decodes: 30+ types, 8 to ~2000 bytes each. */
const MESSAGES: Buffer[] = [
  ...readdirSync(`${DIR}os-ken-of13`)
    .filter((f) => f.endsWith('.packet'))
    .sort()
    .map((f) => readFileSync(`${DIR}os-ken-of13/${f}`)),
  ...readFileSync(`${DIR}ovs-ofp-print-of13.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => Buffer.from((JSON.parse(l) as { hex: string }).hex, 'hex')),
].filter((b) => decodeMessage(b).ok);
const STREAM = Buffer.concat(MESSAGES);

interface Run {
  frames: Buffer[];
  /** After each push: bytes held, and the length of the message they belong to. */
  held: { buffered: number; of: number }[];
}

/** Feeds `chunks` to a fresh framer, copying frames out and recording what it holds. */
function feed(chunks: Buffer[], framer = new Framer()): Run {
  const run: Run = { frames: [], held: [] };
  let consumed = 0;
  let pushed = 0;
  for (const c of chunks) {
    framer.push(c, (buf, start, end) => {
      run.frames.push(Buffer.from(buf.subarray(start, end)));
      consumed += end - start;
    });
    pushed += c.length;
    const of = consumed < STREAM.length ? STREAM.readUInt16BE(consumed + 2) : 0;
    run.held.push({ buffered: framer.buffered, of });
    expect(framer.buffered).toBe(pushed - consumed);
  }
  return run;
}

function expectWhole(run: Run): void {
  expect(run.frames.length).toBe(MESSAGES.length);
  run.frames.forEach((f, i) => {
    expect(f.equals(MESSAGES[i]!)).toBe(true);
  });
  // Never more than the one incomplete message (and never a whole one) is held.
  for (const h of run.held) if (h.buffered > 0) expect(h.buffered).toBeLessThan(h.of);
}

describe('Framer', () => {
  it('has a varied stream to work on', () => {
    expect(MESSAGES.length).toBeGreaterThan(140);
    expect(new Set(MESSAGES.map((m) => m[1])).size).toBeGreaterThan(25);
  });

  it('yields the same messages from one chunk', () => {
    expectWhole(feed([STREAM]));
  });

  it('yields the same messages when the stream is split in two at every byte offset', () => {
    for (let k = 1; k < STREAM.length; k++) {
      const run = feed([STREAM.subarray(0, k), STREAM.subarray(k)]);
      expect(run.frames.length).toBe(MESSAGES.length);
      if (!run.frames.every((f, i) => f.equals(MESSAGES[i]!))) {
        throw new Error(`split at ${k} changed the messages`);
      }
      const h = run.held[0]!;
      if (h.buffered > 0) expect(h.buffered).toBeLessThan(h.of);
    }
  });

  it('yields the same messages fed one byte at a time', () => {
    const bytes = Array.from({ length: STREAM.length }, (_, i) => STREAM.subarray(i, i + 1));
    expectWhole(feed(bytes));
  });

  it('yields the same messages under random multi-splits', () => {
    const cuts = fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 60 });
    fc.assert(
      fc.property(cuts, (cs) => {
        const points = [0, ...cs.sort((a, b) => a - b), STREAM.length];
        const chunks = points.slice(1).map((p, i) => STREAM.subarray(points[i]!, p));
        expectWhole(feed(chunks));
      }),
      { numRuns: 200 },
    );
  });

  it('a chunk that ends inside a header waits for the rest', () => {
    const run = feed([STREAM.subarray(0, 3)]);
    expect(run.frames).toEqual([]);
    expect(run.held[0]!.buffered).toBe(3);
  });
});

describe('Framer on bad lengths', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Records the size of every Buffer the framer allocates or copies. */
  function spyAllocations(): number[] {
    const sizes: number[] = [];
    const wrap = <K extends 'alloc' | 'allocUnsafe' | 'concat' | 'from'>(name: K) => {
      const original = Buffer[name] as (...a: unknown[]) => Buffer;
      vi.spyOn(Buffer, name).mockImplementation(((...args: unknown[]) => {
        const b = original.apply(Buffer, args);
        sizes.push(b.length);
        return b;
      }) as never);
    };
    wrap('alloc');
    wrap('allocUnsafe');
    wrap('concat');
    wrap('from');
    return sizes;
  }

  const header = (len: number) => Buffer.from([4, 0, len >> 8, len & 0xff, 0, 0, 0, 1]);

  it.each([0, 1, 7])('length %i (below the header) is a FramingError', (len) => {
    const framer = new Framer();
    expect(() => framer.push(header(len), () => {})).toThrow(FramingError);
    expect(framer.buffered).toBe(0);
  });

  it('a length above the maximum fails as soon as its two bytes arrive, allocating nothing for it', () => {
    const framer = new Framer({ maxMessageLength: 1024 });
    const frames: number[] = [];
    framer.push(Buffer.from([4, 0]), () => frames.push(1));
    expect(framer.buffered).toBe(2);
    const sizes = spyAllocations();
    let err: unknown;
    try {
      framer.push(Buffer.from([0xff, 0xf0]), () => frames.push(1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FramingError);
    expect((err as FramingError).message).toContain('65520');
    expect((err as FramingError).header.equals(Buffer.from([4, 0, 0xff, 0xf0]))).toBe(true);
    expect(frames).toEqual([]);
    expect(framer.buffered).toBe(0);
    expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(8);
  });

  it('a bad length after good messages: the good ones come out first', () => {
    const framer = new Framer({ maxMessageLength: 4096 });
    const frames: Buffer[] = [];
    const good = MESSAGES.slice(0, 3);
    const stream = Buffer.concat([...good, header(5000), Buffer.alloc(100)]);
    expect(() =>
      framer.push(stream, (b, s, e) => frames.push(Buffer.from(b.subarray(s, e)))),
    ).toThrow(/above the maximum 4096/);
    expect(frames.length).toBe(3);
    for (const [i, f] of frames.entries()) expect(f.equals(good[i]!)).toBe(true);
  });

  it('rejects all input after a framing error', () => {
    const framer = new Framer();
    expect(() => framer.push(header(3), () => {})).toThrow(FramingError);
    expect(() => framer.push(MESSAGES[0]!, () => {})).toThrow(/already failed/);
  });

  it('accepts a message of exactly the maximum length', () => {
    const framer = new Framer({ maxMessageLength: 24 });
    const echo = Buffer.concat([header(24), Buffer.alloc(16, 7)]);
    echo[1] = 2; // ECHO_REQUEST
    const frames: number[] = [];
    framer.push(echo, (_b, s, e) => frames.push(e - s));
    expect(frames).toEqual([24]);
    expect(() => framer.push(header(25), () => {})).toThrow(FramingError);
  });
});
