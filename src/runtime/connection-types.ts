/**
 * What a switch connection is given (options) and what it reports to its owner, the
 * controller (events), apart from the class itself (connection.ts).
 */
import type { FlowRemoved, Message, PacketIn, PortStatus } from '../codec/index.js';
import type { Connection } from './connection.js';
import type { OpenFlowError } from './errors.js';

export interface ConnectionOptions {
  /** SET_CONFIG miss_send_len: bytes of a table-miss packet sent to us (0xffff = all). */
  readonly missSendLen: number;
  readonly echoIntervalMs: number;
  readonly echoTimeoutMs: number;
  /** Default timeout of a request (and of each handshake step). */
  readonly requestTimeoutMs: number;
  /** The whole handshake must finish within this. */
  readonly handshakeTimeoutMs: number;
  readonly outputSoftLimit: number;
  readonly outputHardLimit: number;
  /** Cap on the bytes of one multipart reply (default pending.ts MAX_REPLY_BYTES). */
  readonly maxReplyBytes?: number | undefined;
}

/** What the connection reports to its owner (the controller). */
export interface ConnectionEvents {
  ready(c: Connection): void;
  closed(c: Connection, reason: string, wasReady: boolean): void;
  packetIn(c: Connection, m: PacketIn): void;
  portStatus(c: Connection, m: PortStatus): void;
  flowRemoved(c: Connection, m: FlowRemoved): void;
  /** An OFPT_ERROR not answering a request; `owner` is the sending app's index or -1. */
  switchError(c: Connection, err: OpenFlowError, owner: number): void;
  /** Any other unsolicited message once ready. */
  message(c: Connection, m: Message): void;
  /** The answer to our keepalive ECHO_REQUEST came back after `ms` milliseconds. */
  echoRtt?(c: Connection, ms: number): void;
}

export type ConnectionState = 'hello' | 'features' | 'ready' | 'closed';
