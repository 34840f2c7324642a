/**
 * What a switch connection is given (options) and its states, apart from the class
 * itself (connection.ts), so that settings can name them without the class.
 */

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

export type ConnectionState = 'hello' | 'features' | 'ready' | 'closed';
