/**
 * The northbound HTTP API (fastify): read routes over the runtime's read view, flow
 * writes, the routes apps offer, the event stream, /metrics, /healthz and /readyz,
 * OpenAPI 3 at /openapi.json (generated from the routes' schemas), and the web view.
 *
 * Security: listening on loopback, reads are open and writes need the bearer token;
 * listening anywhere else, every request needs it. TLS when given a certificate and
 * key. Bodies are limited (default 1 MiB). Errors have one JSON shape (http-error.ts).
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Controller, Logger } from '../runtime/internal.js';
import { RuntimeView } from '../runtime/internal.js';
import { type ApiAddress, formatApiAddress, isLoopback } from './address.js';
import type { Api, ApiContext } from './context.js';
import { errorHandler, sendError } from './http-error.js';
import type { Metrics } from './metrics.js';
import { appRoutes } from './routes-apps.js';
import { eventRoutes } from './routes-events.js';
import { flowRoutes } from './routes-flows.js';
import { healthRoutes } from './routes-health.js';
import { switchRoutes } from './routes-switches.js';
import { webRoutes } from './routes-web.js';
import type { ApiToken } from './token.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ApiOptions {
  readonly address: ApiAddress;
  readonly token: ApiToken;
  readonly metrics: Metrics;
  /** PEM files: both or neither. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly bodyLimit?: number | undefined;
  /** Serve the web view at / (default true). */
  readonly web?: boolean | undefined;
}

export interface ApiServer {
  readonly api: Api;
  /** Where it listens, with the real port: `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly address: ApiAddress;
  close(): Promise<void>;
}

/** Open without the token on a loopback listener. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Builds the server (routes registered, not listening yet). */
export async function buildApi(
  controller: Controller,
  log: Logger,
  opts: ApiOptions,
): Promise<Api> {
  const tls = opts.cert !== undefined || opts.key !== undefined;
  if (tls && (opts.cert === undefined || opts.key === undefined)) {
    throw new Error('--api-cert and --api-key go together: give both for TLS, or neither');
  }
  const https = tls ? { cert: readFileSync(opts.cert!), key: readFileSync(opts.key!) } : null;
  const api = Fastify({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(https ? { https } : {}),
    // Event streams never go idle: close them with the server.
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as Api;
  const loopback = isLoopback(opts.address.host);
  const ctx: ApiContext = {
    controller,
    view: new RuntimeView(controller),
    metrics: opts.metrics,
    log: log.child({ module: 'api' }),
    startedAt: Date.now(),
    ready: () => controller.addresses.length > 0,
  };
  api.setErrorHandler(errorHandler(ctx.log));
  api.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      404,
      `no route ${req.method} ${req.url.split('?')[0]} (GET /openapi.json lists them)`,
    ),
  );
  api.addHook('onRequest', async (req, reply) => {
    if (loopback && READ_METHODS.has(req.method)) return;
    if (opts.token.matches(req.headers.authorization)) return;
    reply.header('www-authenticate', 'Bearer realm="ofctl-ts"');
    const why = loopback
      ? 'writes need'
      : 'every request to an API listening beyond loopback needs';
    return sendError(
      reply,
      401,
      `${why} the bearer token: send "Authorization: Bearer $(cat ${opts.token.file})"`,
    );
  });
  api.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  await api.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ofctl-ts controller API',
        version: '1',
        description:
          'Switches, flows, apps (vnet networks and bindings), events, metrics. See docs/api.md.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await api.register(healthRoutes(ctx));
  await api.register(switchRoutes(ctx));
  await api.register(flowRoutes(ctx));
  await api.register(eventRoutes(ctx));
  await api.register(appRoutes(ctx));
  if (opts.web ?? true) await api.register(webRoutes());
  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());
  return api;
}

/** Builds the server and listens; logs where, and the token file. */
export async function startApi(
  controller: Controller,
  log: Logger,
  opts: ApiOptions,
): Promise<ApiServer> {
  const api = await buildApi(controller, log, opts);
  await api.listen({ host: opts.address.host, port: opts.address.port });
  const bound = api.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : opts.address.port;
  const address = { host: opts.address.host, port };
  const scheme = opts.cert ? 'https' : 'http';
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const url = `${scheme}://${host}:${port}`;
  const loopback = isLoopback(address.host);
  log.info(
    {
      api: formatApiAddress(address),
      url,
      tokenFile: opts.token.file,
      tls: opts.cert !== undefined,
    },
    `API listening on ${url}; ${loopback ? 'writes need' : 'every request needs'} the bearer token in ${opts.token.file}${opts.token.created ? ' (generated now)' : ''}`,
  );
  if (!loopback && !opts.cert) {
    log.warn(
      { api: formatApiAddress(address) },
      'API listening beyond loopback without TLS: the token crosses the network in clear (give --api-cert and --api-key)',
    );
  }
  return {
    api,
    url,
    address,
    close: async () => {
      opts.metrics.detach();
      await api.close();
    },
  };
}
