/**
 * The one JSON error shape of the API ({ statusCode, error, message }) and the error
 * handler that gives every failure that shape: schema validation and malformed JSON
 * (400), body too large (413), apps' RequestErrors (their status), a switch that does
 * not answer (502/504), anything else 500 (logged once, the message kept generic).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConnectionClosedError,
  type Logger,
  RequestError,
  RequestTimeoutError,
} from '../runtime/internal.js';
import { TextError } from '../text/values.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(statusCode: number, message: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string) {
  return reply.code(statusCode).type('application/json').send(errorBody(statusCode, message));
}

export function errorHandler(log: Logger) {
  return (e: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let status: number;
    let message = e.message;
    if (e instanceof HttpError) status = e.statusCode;
    else if (e instanceof RequestError) status = e.status;
    else if (e instanceof TextError) status = 400;
    else if (e instanceof RequestTimeoutError) status = 504;
    else if (e instanceof ConnectionClosedError) {
      status = 502;
      message = `the switch disconnected before answering: ${e.message}`;
    } else if (e.validation) {
      status = 400;
    } else if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      status = e.statusCode;
    } else {
      status = 500;
      log.error({ err: e, url: req.url, method: req.method }, 'API request failed');
      message = 'internal error (logged by the controller)';
    }
    return sendError(reply, status, message);
  };
}
