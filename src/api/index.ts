/** The northbound HTTP API, its metrics and the web view's server side. */
export * from './address.js';
export type { Api } from './context.js';
export * from './metrics.js';
export * from './options.js';
export * from './server.js';
export * from './token.js';
