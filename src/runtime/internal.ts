/**
 * The runtime's internals, for the command line (src/cli) and tests: the controller,
 * switch connections, the app host and loader, listeners, settings, TLS, the flow models.
 * Apps import the app API (index.ts) only.
 */
export * from './app.js';
export * from './app-api.js';
export * from './app-host.js';
export * from './app-loader.js';
export * from './config.js';
export * from './config-file.js';
export * from './config-schema.js';
export * from './connection.js';
export * from './connection-port.js';
export * from './controller.js';
export * from './datapath.js';
export * from './datapath-port.js';
export * from './dialer.js';
export * from './engine-model.js';
export * from './errors.js';
export * from './event-time.js';
export * from './events.js';
export * from './exposure.js';
export * from './flow-model.js';
export * from './flow-writes.js';
export * from './intent-file.js';
export * from './intent-store.js';
export * from './listener.js';
export * from './log.js';
export * from './multipart.js';
export * from './pending.js';
export * from './port-view.js';
export * from './rate-limit.js';
export * from './read-view.js';
export * from './reconcile.js';
export * from './registry.js';
export * from './settings.js';
export * from './tls.js';
export * from './warn-limit.js';
