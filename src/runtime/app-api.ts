/**
 * What an app offers the northbound API, as data: routes with JSON schemas (TypeBox
 * objects are JSON Schema) and metric families read at scrape time. The runtime and the
 * apps never see the HTTP server: src/api turns these into fastify routes under
 * `/apps/NAME` and prom-client collectors, so the API never imports an app.
 *
 * An app offers them by returning `northbound` among its handlers (see app.ts).
 */

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What a route handler is given: path parameters, query and body, already validated. */
export interface AppRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export interface AppRoute {
  readonly method: HttpMethod;
  /** Relative to `/apps/NAME`, fastify syntax (`/networks/:name`); '' for the root. */
  readonly url: string;
  readonly summary: string;
  /** JSON Schemas. `response` maps status codes to reply schemas. */
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  readonly response: Readonly<Record<number, object>>;
  /** The reply body (status 200, or `status` of a RouteReply). Throw RequestError for 4xx. */
  handler(req: AppRequest): unknown | Promise<unknown>;
}

/** A reply with a status other than 200. */
export class RouteReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * A request the app refuses: `status` (400 bad input, 404 unknown name, 409 conflict)
 * and a message saying what was wrong and what to do; nothing was changed.
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family, read when /metrics is scraped. Names follow Prometheus practice. */
export interface AppMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labelNames: readonly string[];
  collect(): readonly MetricSample[];
}

export interface AppNorthbound {
  readonly routes?: readonly AppRoute[];
  readonly metrics?: readonly AppMetric[];
}
