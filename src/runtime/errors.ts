/**
 * Errors the runtime hands to apps: OpenFlowError for an OFPT_ERROR the switch sent
 * (a rejected request, or routed to the apps' error handler for fire-and-forget
 * sends), and the reasons a pending request can fail without one (timeout, disconnect).
 */
import {
  decodeMessage,
  type ErrorMsg,
  ErrorType,
  errorName,
  errorTypeName,
  type Message,
} from '../codec/index.js';

/** An OFPT_ERROR from the switch, with the spec names and, when it decodes, the request. */
export class OpenFlowError extends Error {
  /** Spec name of the code, e.g. `OFPBMC_BAD_PREREQ` (or `type T code C` when unknown). */
  readonly errorName: string;
  readonly errType: number;
  readonly code: number;
  /** xid of the message that caused it (the error's own xid). */
  readonly xid: number;
  /** What the switch sent back: usually the start of the offending message. */
  readonly data: Uint8Array;
  /** The offending message, when `data` holds all of it and it decodes. */
  readonly request: Message | undefined;

  constructor(msg: ErrorMsg) {
    const name =
      errorName({ type: msg.errType, code: msg.code, experimenter: msg.experimenter }) ??
      unknownName(msg);
    const data = Uint8Array.from(msg.data);
    const request = decodeOffending(data);
    const what = request ? ` in reply to ${request.type}` : '';
    const text = msg.errType === ErrorType.HELLO_FAILED ? `: ${latin1(data)}` : '';
    super(`switch answered ${name}${what} (xid ${msg.xid})${text}`);
    this.name = 'OpenFlowError';
    this.errorName = name;
    this.errType = msg.errType;
    this.code = msg.code;
    this.xid = msg.xid;
    this.data = data;
    this.request = request;
  }
}

function unknownName(msg: ErrorMsg): string {
  const type = errorTypeName(msg.errType) ?? `type ${msg.errType}`;
  const exp =
    msg.experimenter !== undefined ? ` experimenter 0x${msg.experimenter.toString(16)}` : '';
  return `${type}${exp} code ${msg.code}`;
}

function decodeOffending(data: Uint8Array): Message | undefined {
  if (data.length < 8) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const r = decodeMessage(buf);
  return r.ok ? r.value : undefined;
}

function latin1(data: Uint8Array): string {
  return Buffer.from(data).toString('latin1').replace(/\0+$/, '');
}

/** A request got no reply within its timeout. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly requestType: string,
    readonly xid: number,
    readonly timeoutMs: number,
  ) {
    super(`no reply to ${requestType} (xid ${xid}) within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** A multipart reply grew past the limit before its last part: the request fails. */
export class ReplyTooLargeError extends Error {
  constructor(
    readonly requestType: string,
    readonly xid: number,
    readonly limit: number,
  ) {
    super(`reply to ${requestType} (xid ${xid}) passed ${limit} bytes before its last part`);
    this.name = 'ReplyTooLargeError';
  }
}

/** The connection went away (closed, replaced, shut down) before a reply came. */
export class ConnectionClosedError extends Error {
  constructor(readonly reason: string) {
    super(`connection closed: ${reason}`);
    this.name = 'ConnectionClosedError';
  }
}
