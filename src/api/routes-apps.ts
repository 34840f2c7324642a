/**
 * GET /apps, and the routes each app offers (AppNorthbound.routes) under /apps/NAME: the
 * app gives schemas and a handler; here they become fastify routes with the API's
 * authentication, error shape and OpenAPI entry. Writes need the token like every write.
 */
import { type AppRoute, RouteReply } from '../runtime/internal.js';
import type { Api, ApiContext } from './context.js';
import { AppList, errorReplies } from './schemas.js';

export function appRoutes(ctx: ApiContext) {
  const contributed = ctx.controller.northbound();
  return async (api: Api) => {
    api.get(
      '/apps',
      {
        schema: {
          summary: 'The apps running, in event order, with the routes each offers',
          tags: ['apps'],
          response: { 200: AppList },
        },
      },
      async () => ({
        apps: ctx.controller.appNames.map((name) => ({
          name,
          routes: (contributed.find((c) => c.app === name)?.northbound.routes ?? []).map(
            (r) => `${r.method} /apps/${name}${r.url}`,
          ),
        })),
      }),
    );
    for (const { app, northbound } of contributed) {
      for (const r of northbound.routes ?? []) mount(api, app, r);
    }
  };
}

function mount(api: Api, app: string, r: AppRoute): void {
  const response: Record<number, object> = { ...r.response };
  for (const [code, schema] of Object.entries(errorReplies)) response[Number(code)] ??= schema;
  api.route({
    method: r.method,
    url: `/apps/${app}${r.url}`,
    schema: {
      summary: r.summary,
      tags: [app],
      ...(r.params ? { params: r.params } : {}),
      ...(r.querystring ? { querystring: r.querystring } : {}),
      ...(r.body ? { body: r.body } : {}),
      response,
    },
    handler: async (req, reply) => {
      const out = await r.handler({
        params: (req.params ?? {}) as Record<string, string>,
        query: (req.query ?? {}) as Record<string, unknown>,
        body: req.body,
      });
      if (out instanceof RouteReply) return reply.code(out.status).send(out.body);
      return out;
    },
  });
}
