/**
 * Properties of the codec over generated messages:
 * - decode(encode(m)) equals m, for every message type, every multipart body, and
 *   (through those) every action, instruction, OXM field, meter band, bucket, queue
 *   property and table-feature property;
 * - decodeMessage never throws and does work linear in its input (so never hangs), on
 *   random bytes and on valid messages with flipped bytes, cut or extended tails, and
 *   rewritten 16-bit fields (where the length fields live).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  MULTIPART_KINDS,
  type MultipartKind,
  type Result,
} from '../../src/codec/index.js';
import {
  MESSAGE_TYPES,
  MESSAGES,
  message,
  REPLY_BODIES,
  REQUEST_BODIES,
  u16,
  u32,
} from './arbitraries.js';
import { boundedBuffer } from './support/bounded-buffer.js';
import { normalize } from './support/normalize.js';

function roundTrip(m: Message): void {
  const bytes = encodeMessage(m);
  const r = decodeMessage(bytes);
  if (!r.ok) throw new Error(`${m.type}: ${r.error.message}`);
  expect(normalize(r.value)).toStrictEqual(normalize(m));
  // And the decoded object encodes to the same bytes.
  expect(encodeMessage(r.value).equals(bytes)).toBe(true);
}

const ALL_KINDS: MultipartKind[] = [...MULTIPART_KINDS, 'experimenter'];

describe('decode(encode(m)) = m', () => {
  it.each(MESSAGE_TYPES)('%s', (type) => {
    fc.assert(fc.property(MESSAGES[type] as fc.Arbitrary<Message>, roundTrip), { numRuns: 150 });
  });

  it.each(ALL_KINDS)('multipart request body %s', (kind) => {
    const arb = fc.record({
      type: fc.constant('multipart_request' as const),
      xid: u32,
      flags: u16,
      body: REQUEST_BODIES[kind],
    });
    fc.assert(fc.property(arb, roundTrip), { numRuns: 60 });
  });

  it.each(ALL_KINDS)('multipart reply body %s', (kind) => {
    const arb = fc.record({
      type: fc.constant('multipart_reply' as const),
      xid: u32,
      flags: u16,
      body: REPLY_BODIES[kind],
    });
    fc.assert(fc.property(arb, roundTrip), { numRuns: 60 });
  });

  it('buffers from encodeMessage stay intact however many messages follow', () => {
    // Enough bytes to fill several of encodeMessage's 256 KB slabs.
    const msgs = fc.sample(MESSAGES.multipart_reply as fc.Arbitrary<Message>, {
      numRuns: 4000,
      seed: 7,
    });
    const kept = msgs.map((m) => ({
      bytes: encodeMessage(m),
      copy: Buffer.from(encodeMessage(m)),
    }));
    expect(kept.reduce((n, k) => n + 2 * k.bytes.length, 0)).toBeGreaterThan(4 * 256 * 1024);
    for (const k of kept) expect(k.bytes.equals(k.copy)).toBe(true);
  });

  it('many messages back to back in one Writer decode one by one', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (msgs) => {
        const all = Buffer.concat(msgs.map(encodeMessage));
        let pos = 0;
        for (const m of msgs) {
          const len = all.readUInt16BE(pos + 2);
          const r = decodeMessage(all, pos, pos + len);
          if (!r.ok) throw new Error(r.error.message);
          expect(normalize(r.value)).toStrictEqual(normalize(m));
          pos += len;
        }
        expect(pos).toBe(all.length);
      }),
      { numRuns: 100 },
    );
  });
});

/** Decodes without throwing, within a read budget linear in the input; returns the result. */
function decodeSafely(bytes: Uint8Array): Result<Message> {
  const b = boundedBuffer(bytes, 4 * bytes.length + 100);
  let r: Result<Message> | undefined;
  expect(() => {
    r = decodeMessage(b.buf);
  }).not.toThrow();
  expect(b.overran(), `more than ${4 * bytes.length + 100} reads`).toBe(false);
  // An error must come from a deliberate check, not from the boundary's catch-all
  // (which would mean a Buffer RangeError or a TypeError escaped a decoder).
  if (!r!.ok) expect(r!.error.message).not.toMatch(/^malformed message:/);
  return r!;
}

/** A valid header (version 4, a real type, the true length) over random body bytes. */
const headerAndNoise = fc
  .record({
    type: fc.integer({ min: 0, max: 31 }),
    xid: u32,
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ type, xid, body }) => {
    const b = Buffer.alloc(8 + body.length);
    b.writeUInt8(4, 0);
    b.writeUInt8(type, 1);
    b.writeUInt16BE(b.length, 2);
    b.writeUInt32BE(xid, 4);
    b.set(body, 8);
    return b;
  });

type Mutation = (b: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Flip one bit anywhere.
  fc
    .record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) })
    .map(({ at, bit }) => (b: Buffer) => {
      const c = Buffer.from(b);
      c[at % c.length]! ^= 1 << bit;
      return c;
    }),
  // Cut the tail, keeping the header's length or fixing it.
  fc.record({ keep: fc.nat(), fix: fc.boolean() }).map(({ keep, fix }) => (b: Buffer) => {
    const c = Buffer.from(b.subarray(0, Math.max(8, keep % (b.length + 1))));
    if (fix) c.writeUInt16BE(c.length, 2);
    return c;
  }),
  // Extend with random bytes, keeping the header's length or fixing it.
  fc
    .record({ tail: fc.uint8Array({ minLength: 1, maxLength: 40 }), fix: fc.boolean() })
    .map(({ tail, fix }) => (b: Buffer) => {
      const c = Buffer.concat([b, tail]);
      if (fix && c.length <= 0xffff) c.writeUInt16BE(c.length, 2);
      return c;
    }),
  // Rewrite an aligned 16-bit field (message, match, action, instruction... lengths).
  fc
    .record({ at: fc.nat(), value: fc.oneof(u16, fc.integer({ min: 0, max: 16 })) })
    .map(({ at, value }) => (b: Buffer) => {
      const c = Buffer.from(b);
      const pos = (2 * (at % Math.floor(c.length / 2))) % (c.length - 1);
      c.writeUInt16BE(value, pos);
      return c;
    }),
);

describe('decodeMessage on malformed input', () => {
  it('random bytes: a value or an error, never a throw or a runaway', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => void decodeSafely(b)),
      {
        numRuns: 5000,
      },
    );
  });

  it('a valid header over random bytes: the same', () => {
    fc.assert(
      fc.property(headerAndNoise, (b) => void decodeSafely(b)),
      { numRuns: 10000 },
    );
  });

  it('valid messages, mutated one to three times: the same', () => {
    fc.assert(
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 3 }), (m, muts) => {
        let b = encodeMessage(m);
        for (const mut of muts) b = mut(b);
        decodeSafely(b);
      }),
      { numRuns: 10000 },
    );
  });

  it('whatever decodes from a mutated message encodes again, and decodes to itself', () => {
    fc.assert(
      fc.property(message, mutation, (m, mut) => {
        const r = decodeSafely(mut(encodeMessage(m)));
        if (!r.ok) return;
        const again = decodeMessage(encodeMessage(r.value));
        if (!again.ok) throw new Error(again.error.message);
        expect(normalize(again.value)).toStrictEqual(normalize(r.value));
      }),
      { numRuns: 5000 },
    );
  });
});
