/**
 * The xid allocator and the table of requests waiting for a reply. A request is a
 * promise that resolves with its reply (multipart parts merged), rejects with an
 * OpenFlowError when the switch answers OFPT_ERROR with its xid, with a
 * RequestTimeoutError when nothing comes in time (each REPLY_MORE part restarts the
 * clock), and with ConnectionClosedError when the connection goes away.
 */
import type { Message, MessageOf, MessageType, MultipartReplyBody } from '../codec/index.js';
import { OpenFlowError, ReplyTooLargeError, RequestTimeoutError } from './errors.js';
import { mergeMultipart, OFPMPF_REPLY_MORE } from './multipart.js';

/** Every request type a switch answers, and the type of the answer. */
export const REPLY_TYPE = {
  echo_request: 'echo_reply',
  features_request: 'features_reply',
  get_config_request: 'get_config_reply',
  multipart_request: 'multipart_reply',
  barrier_request: 'barrier_reply',
  queue_get_config_request: 'queue_get_config_reply',
  role_request: 'role_reply',
  get_async_request: 'get_async_reply',
} as const satisfies Partial<Record<MessageType, MessageType>>;

export type RequestType = keyof typeof REPLY_TYPE;
export type ReplyOf<T extends RequestType> = MessageOf<(typeof REPLY_TYPE)[T]>;

export function isRequestType(t: MessageType): t is RequestType {
  return t in REPLY_TYPE;
}

interface Pending {
  readonly requestType: RequestType;
  readonly replyType: MessageType;
  readonly resolve: (m: Message) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
  parts: MultipartReplyBody[] | undefined;
  /** Wire bytes of the parts so far. */
  bytes: number;
}

/** Default cap on one multipart reply: a switch that never sends the last part is cut off. */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024;

export class PendingRequests {
  private next = 1;
  private readonly table = new Map<number, Pending>();

  constructor(private readonly maxReplyBytes = MAX_REPLY_BYTES) {}

  /** Requests still waiting. */
  get size(): number {
    return this.table.size;
  }

  /** A fresh xid: never 0 (switches use it for async messages), never one still pending. */
  nextXid(): number {
    for (;;) {
      const xid = this.next;
      this.next = xid === 0xffffffff ? 1 : xid + 1;
      if (!this.table.has(xid)) return xid;
    }
  }

  has(xid: number): boolean {
    return this.table.has(xid);
  }

  /** Registers a request already assigned `xid`; call before sending it. */
  add<T extends RequestType>(xid: number, requestType: T, timeoutMs: number): Promise<ReplyOf<T>> {
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.table.delete(xid);
        reject(new RequestTimeoutError(requestType, xid, timeoutMs));
      }, timeoutMs);
      this.table.set(xid, {
        requestType,
        replyType: REPLY_TYPE[requestType],
        resolve: resolve as (m: Message) => void,
        reject,
        timer,
        parts: undefined,
        bytes: 0,
      });
    });
  }

  /**
   * Offers a message from the switch. Returns true when it answered a pending request
   * (a reply of the expected type, or an OFPT_ERROR with the request's xid). `wireBytes`
   * (the message's length) counts toward the cap on a multipart reply's parts.
   */
  settle(m: Message, wireBytes = 0): boolean {
    const p = this.table.get(m.xid);
    if (!p) return false;
    if (m.type === 'error') {
      this.finish(m.xid, p);
      p.reject(new OpenFlowError(m));
      return true;
    }
    if (m.type !== p.replyType) return false;
    if (m.type === 'multipart_reply') {
      if (p.parts === undefined) p.parts = [];
      p.parts.push(m.body);
      p.bytes += wireBytes;
      if (p.bytes > this.maxReplyBytes) {
        this.finish(m.xid, p);
        p.reject(new ReplyTooLargeError(p.requestType, m.xid, this.maxReplyBytes));
        return true;
      }
      if (m.flags & OFPMPF_REPLY_MORE) {
        p.timer.refresh();
        return true;
      }
      this.finish(m.xid, p);
      p.resolve({ ...m, flags: 0, body: mergeMultipart(p.parts) });
      return true;
    }
    this.finish(m.xid, p);
    p.resolve(m);
    return true;
  }

  /** Rejects every pending request with `err` and clears their timers. */
  rejectAll(err: Error): void {
    const all = [...this.table.values()];
    for (const p of all) clearTimeout(p.timer);
    this.table.clear();
    for (const p of all) p.reject(err);
  }

  private finish(xid: number, p: Pending): void {
    clearTimeout(p.timer);
    this.table.delete(xid);
  }
}
