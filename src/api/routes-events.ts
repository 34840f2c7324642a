/**
 * GET /events: the controller's event bus as server-sent events. Each event is
 * `event: TYPE` and `data: JSON` (see runtime/events.ts); `?types=switch_up,port_status`
 * picks some. A comment line every 15 s keeps proxies from closing a quiet stream. A
 * client that stops reading is dropped once 1 MiB waits for it, instead of making the
 * controller hold an ever larger buffer.
 */
import { Type } from 'typebox';
import type { ControllerEvent } from '../runtime/internal.js';
import type { Api, ApiContext } from './context.js';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED = 1024 * 1024;
/** Echo round trips are for the metrics; a stream asks for them by name. */
const DEFAULT_EXCLUDED = new Set(['echo_rtt']);

export function eventRoutes(ctx: ApiContext) {
  return async (api: Api) => {
    api.get(
      '/events',
      {
        schema: {
          summary:
            'Server-sent events: switch_up, switch_down, port_status, flow_removed, intent_changed, role_changed (echo_rtt on request)',
          tags: ['events'],
          querystring: Type.Object({
            types: Type.Optional(
              Type.String({ description: 'comma-separated event types to send' }),
            ),
          }),
          produces: ['text/event-stream'],
        },
      },
      (req, reply) => {
        const wanted = req.query.types ? new Set(req.query.types.split(',')) : undefined;
        const keep = (e: ControllerEvent) =>
          wanted ? wanted.has(e.type) : !DEFAULT_EXCLUDED.has(e.type);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': ofctl-ts events\n\n');
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          unsubscribe();
          clearInterval(heartbeat);
          res.end();
        };
        const unsubscribe = ctx.controller.bus.subscribe((e) => {
          if (closed || !keep(e)) return;
          if (res.writableLength > MAX_BUFFERED) {
            ctx.log.warn({ peer: req.ip }, 'API: event stream client not reading; dropped');
            res.destroy();
            return close();
          }
          res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        });
        const heartbeat = setInterval(() => res.write(': keepalive\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        req.raw.on('close', close);
        res.on('error', close);
      },
    );
  };
}
