/** The controller runtime: connections, the app API and host, logging and settings. */
export * from './app.js';
export * from './app-host.js';
export * from './app-loader.js';
export * from './config.js';
export * from './connection.js';
export * from './controller.js';
export * from './datapath.js';
export * from './errors.js';
export * from './flow-model.js';
export * from './listener.js';
export * from './log.js';
export * from './multipart.js';
export * from './pending.js';
export * from './rate-limit.js';
export * from './registry.js';
export * from './settings.js';
