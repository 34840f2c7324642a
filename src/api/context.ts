/** What every route plugin of the API is given. */

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Connection, Controller, Logger, RuntimeView } from '../runtime/internal.js';
import { parseDpid } from '../runtime/internal.js';
import { HttpError } from './http-error.js';
import type { Metrics } from './metrics.js';

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ApiContext {
  readonly controller: Controller;
  readonly view: RuntimeView;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Time the controller started (epoch ms). */
  readonly startedAt: number;
  /** True once the controller is listening for switches. */
  ready(): boolean;
}

/** The connected switch named by a `:dpid` parameter; 400 for a bad dpid, 404 for an unknown one. */
export function switchOf(ctx: ApiContext, dpid: string): Connection {
  const id = parseDpid(dpid);
  if (id === undefined) {
    throw new HttpError(
      400,
      `"${dpid}" is not a datapath ID: expected up to 16 hex digits, e.g. 0x1 or 00:00:00:00:00:00:00:01`,
    );
  }
  const c = ctx.view.connection(id);
  if (!c) {
    throw new HttpError(
      404,
      `no switch with datapath ID ${dpid} is connected (GET /switches lists them)`,
    );
  }
  return c;
}
