/**
 * What the controller must answer to a stream of frames, from the spec's rules alone
 * (OpenFlow 1.3.5 sections 6.3.1 and 7.5.4): a message that does not decode gets
 * OFPT_ERROR with the codec's (type, code), the message's xid and its first 64 bytes; a
 * controller-to-switch message from a switch gets OFPBRC_BAD_TYPE; before HELLO any
 * other message, or a HELLO without 1.3, gets OFPET_HELLO_FAILED and the connection is
 * closed; a length below 8 gets OFPBRC_BAD_LEN and the connection is closed. Anything
 * else gets no error.
 */
import {
  decodeMessage,
  helloSupports,
  type MessageType,
  OFP_VERSION,
} from '../../../src/codec/index.js';

export interface ExpectedError {
  readonly errType: number;
  readonly code: number;
  /** The offending message's xid, and its first 64 bytes (not checked for HELLO_FAILED). */
  readonly xid: number;
  readonly data: Buffer | undefined;
}

export interface Expectation {
  readonly errors: readonly ExpectedError[];
  /** True when the controller must close the connection after the last error. */
  readonly closes: boolean;
}

/** Messages only a controller sends. */
const CONTROLLER_TO_SWITCH: ReadonlySet<MessageType> = new Set<MessageType>([
  'features_request',
  'get_config_request',
  'set_config',
  'packet_out',
  'flow_mod',
  'group_mod',
  'port_mod',
  'table_mod',
  'meter_mod',
  'multipart_request',
  'barrier_request',
  'queue_get_config_request',
  'role_request',
  'get_async_request',
  'set_async',
]);

const xidOf = (b: Buffer) => (b.length >= 8 ? b.readUInt32BE(4) : 0);
const head64 = (b: Buffer) => b.subarray(0, Math.min(b.length, 64));

/**
 * The errors owed for `frames` (and a framing failure after them), given whether a
 * HELLO offering 1.3 was already exchanged.
 */
export function expectedAnswers(
  frames: readonly Buffer[],
  helloDone: boolean,
  framingError: Buffer | undefined,
): Expectation {
  const errors: ExpectedError[] = [];
  let hello = helloDone;
  for (const f of frames) {
    const r = decodeMessage(f);
    if (!r.ok) {
      errors.push({ errType: r.error.type, code: r.error.code, xid: xidOf(f), data: head64(f) });
      continue;
    }
    const m = r.value;
    if (!hello) {
      if (m.type !== 'hello' || !helloSupports(m, OFP_VERSION)) {
        errors.push({ errType: 0, code: 0, xid: m.xid, data: undefined });
        return { errors, closes: true };
      }
      hello = true;
      continue;
    }
    if (CONTROLLER_TO_SWITCH.has(m.type)) {
      errors.push({ errType: 1, code: 1, xid: m.xid, data: head64(f) });
    }
  }
  if (framingError) {
    errors.push({ errType: 1, code: 6, xid: xidOf(framingError), data: framingError });
    return { errors, closes: true };
  }
  return { errors, closes: false };
}
