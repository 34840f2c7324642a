/**
 * JSON-RPC 1.0 messages as OVSDB uses them (RFC 7047 section 4): a request has a
 * method, params (an array) and an id; a notification is a request whose id is null; a
 * response has the id of its request, a result and an error (one of them null;
 * ovsdb-server leaves `result` out when it answers an unknown method). classify() turns
 * a parsed JSON value into one of these or says what is wrong with it, never throws.
 */

export type JsonRpcId = string | number;

export interface RpcRequest {
  readonly kind: 'request';
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface RpcNotification {
  readonly kind: 'notification';
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface RpcResponse {
  readonly kind: 'response';
  readonly id: JsonRpcId;
  readonly result: unknown;
  /** null when the request succeeded. */
  readonly error: unknown;
}

export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

export type Classified =
  | { readonly ok: true; readonly message: RpcMessage }
  | { readonly ok: false; readonly error: string };

function isId(v: unknown): v is JsonRpcId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

function bad(error: string): Classified {
  return { ok: false, error };
}

/** What a parsed JSON value is as a JSON-RPC message. */
export function classify(v: unknown): Classified {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return bad('a JSON-RPC message must be a JSON object');
  }
  const o = v as Record<string, unknown>;
  if ('method' in o) {
    if (typeof o.method !== 'string') return bad('"method" must be a string');
    if (!Array.isArray(o.params)) return bad(`"params" of "${o.method}" must be an array`);
    if (o.id === null || o.id === undefined) {
      return { ok: true, message: { kind: 'notification', method: o.method, params: o.params } };
    }
    if (!isId(o.id)) return bad(`"id" of "${o.method}" must be a string, a number or null`);
    return {
      ok: true,
      message: { kind: 'request', id: o.id, method: o.method, params: o.params },
    };
  }
  if (!isId(o.id)) return bad('a response needs the "id" of its request');
  if (!('result' in o) && !('error' in o)) return bad('a response needs "result" or "error"');
  const error = o.error ?? null;
  return {
    ok: true,
    message: { kind: 'response', id: o.id, result: o.result ?? null, error },
  };
}

/** The text of an error answer (`"unknown method"` or `{error, details}`). */
export function describeRpcError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { error?: unknown; details?: unknown };
    if (typeof e.error === 'string') {
      return typeof e.details === 'string' ? `${e.error}: ${e.details}` : e.error;
    }
  }
  return JSON.stringify(error);
}

/** An error answer to a request. */
export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly error: unknown,
  ) {
    super(`${method} failed: ${describeRpcError(error)}`);
  }
}
