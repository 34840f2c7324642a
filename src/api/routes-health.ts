/** /healthz (the process answers), /readyz (listening for switches, apps started), /metrics, /openapi.json. */
import { Type } from 'typebox';
import type { Api, ApiContext } from './context.js';
import { errorReplies, Health } from './schemas.js';

export function healthRoutes(ctx: ApiContext) {
  const health = (status: string) => ({
    status,
    switches: ctx.view.switchCount,
    apps: [...ctx.controller.appNames],
    uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
  });
  return async (api: Api) => {
    api.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness: the controller process answers',
          tags: ['health'],
          response: { 200: Health },
        },
      },
      async () => health('ok'),
    );
    api.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: listening for switches with every app started (503 before)',
          tags: ['health'],
          response: { 200: Health, 503: errorReplies[503] },
        },
      },
      async (_req, reply) => {
        if (!ctx.ready()) {
          return reply.code(503).send({
            statusCode: 503,
            error: 'Service Unavailable',
            message: 'the controller is not listening for switches yet',
          });
        }
        return health('ready');
      },
    );
    api.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics (text exposition format)',
          tags: ['metrics'],
          produces: ['text/plain'],
          response: { 200: Type.String() },
        },
      },
      async (_req, reply) => {
        const text = await ctx.metrics.text();
        return reply.type(ctx.metrics.contentType).send(text);
      },
    );
  };
}
