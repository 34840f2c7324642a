/**
 * What the fuzzer sends: byte streams built from valid messages, mutated messages
 * (version, type, length, body bytes), random headers and bodies, raw noise, and floods
 * of multipart messages, with xids that collide with the controller's own (1..5 are
 * the handshake's), cut into random chunks. `frameStream` splits a stream exactly as the
 * controller's framer will, and completes a trailing partial message so the stream ends
 * on a message boundary.
 */
import fc from 'fast-check';
import { encodeMessage, Framer, FramingError, type Message } from '../../../src/codec/index.js';
import { message } from '../../codec/arbitraries.js';

export const OFPT_MULTIPART_REQUEST = 18;
export const OFPT_MULTIPART_REPLY = 19;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
/** Small xids collide with the controller's handshake requests; the rest are random. */
const xid = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 0xffffffff) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);

/** The header (8 bytes) and body as one buffer, with the length field set. */
export function rawMessage(version: number, type: number, x: number, body: Uint8Array): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b[0] = version;
  b[1] = type;
  b.writeUInt16BE(Math.min(b.length, 0xffff), 2);
  b.writeUInt32BE(x >>> 0, 4);
  Buffer.from(body).copy(b, 8);
  return b;
}

function encodeWithXid(m: Message, x: number): Buffer {
  try {
    return encodeMessage({ ...m, xid: x } as Message);
  } catch {
    // An arbitrary too big for 65535 bytes: an echo request stands in for it.
    return rawMessage(4, 2, x, new Uint8Array(0));
  }
}

const valid = fc.tuple(message, xid).map(([m, x]) => encodeWithXid(m, x));

type Mutation = (b: Buffer) => Buffer;
const setLength = (b: Buffer): Buffer => {
  b.writeUInt16BE(b.length, 2);
  return b;
};
/** Sets byte `at` of the header to `v`. */
const setByte = (at: number, v: number) => (b: Buffer) => {
  b[at] = v;
  return b;
};
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  u8.map((v) => setByte(0, v)),
  u8.map((t) => setByte(1, t)),
  fc.nat(64).map((k) => (b: Buffer) => setLength(b.subarray(0, Math.max(8, b.length - k)))),
  fc
    .uint8Array({ minLength: 1, maxLength: 24 })
    .map((junk) => (b: Buffer) => setLength(Buffer.concat([b, junk]))),
  fc.tuple(fc.nat(), u8).map(([at, v]) => (b: Buffer) => {
    if (b.length > 8) b[8 + (at % (b.length - 8))] = v;
    return b;
  }),
  fc.oneof(u16, fc.nat(7)).map((n) => (b: Buffer) => {
    b.writeUInt16BE(n, 2);
    return b;
  }),
);

const mutated = fc
  .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([b, ms]) => ms.reduce((acc, m) => m(Buffer.from(acc)), b));

/** A header with any version and type, a correct length, and random bytes after it. */
const randomHeader = fc
  .tuple(fc.oneof(fc.constant(4), u8), u8, xid, fc.uint8Array({ maxLength: 64 }))
  .map(([v, t, x, body]) => rawMessage(v, t, x, body));

/** Bytes with no structure at all. */
const noise = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((a) => Buffer.from(a));

/** Many multipart messages in a row: replies with REPLY_MORE for one xid, or requests. */
const flood = fc
  .tuple(
    fc.constantFrom(OFPT_MULTIPART_REPLY, OFPT_MULTIPART_REQUEST),
    fc.oneof(fc.constantFrom(1, 13, 0xffff), u16),
    xid,
    fc.integer({ min: 20, max: 300 }),
  )
  .map(([type, kind, x, n]) => {
    const body = Buffer.alloc(8);
    body.writeUInt16BE(kind, 0);
    body.writeUInt16BE(1, 2);
    return Buffer.concat(Array.from({ length: n }, () => rawMessage(4, type, x, body)));
  });

const chunkOfBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: valid },
  { weight: 5, arbitrary: mutated },
  { weight: 3, arbitrary: randomHeader },
  { weight: 1, arbitrary: noise },
  { weight: 1, arbitrary: flood },
);

/** How the fuzzing connection starts: silent, HELLO only, or a finished handshake. */
export type StartMode = 'none' | 'hello' | 'ready';

export interface FuzzCase {
  readonly start: StartMode;
  readonly stream: Buffer;
  /** Offsets at which the stream is cut into separate writes. */
  readonly cuts: readonly number[];
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    start: fc.constantFrom<StartMode>('none', 'hello', 'ready'),
    parts: fc.array(chunkOfBytes, { minLength: 1, maxLength: 12 }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
  })
  .map(({ start, parts, cuts }) => {
    const stream = Buffer.concat(parts);
    const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
    return { start, stream, cuts: at };
  });

/** The stream cut at `cuts`. */
export function chunks(c: FuzzCase, stream = c.stream): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const at of [...c.cuts, stream.length]) {
    if (at > from) out.push(stream.subarray(from, at));
    from = Math.max(from, at);
  }
  return out;
}

export interface Framed {
  /** Whole messages, in order, as the controller's framer delivers them. */
  readonly frames: Buffer[];
  /** The header the framer refuses (length < 8), when it does. */
  readonly framingError: Buffer | undefined;
  /** Bytes appended to finish a trailing partial message (empty when none). */
  readonly padding: Buffer;
}

/** Frames `stream` like the controller does; a trailing partial message is completed. */
export function frameStream(stream: Buffer): Framed {
  const frames: Buffer[] = [];
  let used = 0;
  try {
    new Framer().push(stream, (buf, start, end) => {
      frames.push(Buffer.from(buf.subarray(start, end)));
      used = end;
    });
  } catch (e) {
    if (!(e instanceof FramingError)) throw e;
    return { frames, framingError: e.header, padding: Buffer.alloc(0) };
  }
  const rest = stream.subarray(used);
  if (rest.length === 0) return { frames, framingError: undefined, padding: Buffer.alloc(0) };
  const head = Buffer.alloc(4);
  rest.copy(head, 0, 0, Math.min(4, rest.length));
  if (rest.length < 2) head[1] = 2;
  if (rest.length < 4 && head.readUInt16BE(2) < 8) head[3] = 8;
  const len = head.readUInt16BE(2);
  const whole = Buffer.alloc(len);
  head.copy(whole);
  rest.copy(whole);
  frames.push(whole);
  return { frames, framingError: undefined, padding: whole.subarray(rest.length) };
}
