/**
 * The app API, the runtime's public entry: what an app module imports. defineApp and the
 * Datapath handle's interface, the event and message types, the errors a request can
 * reject with, and the helpers apps share (flow defaults, reconcile, event time, rate
 * limits, config errors). The runtime's internals (connections, the controller, the app
 * host, listeners, settings) are in internal.ts, for the command line and tests only.
 */

export { OFPG_ANY, OFPTT_ALL } from '../codec/index.js';
export type {
  AppContext,
  AppCookie,
  AppDefinition,
  AppHandlers,
  Datapath,
  FlowModSpec,
  FlowStatsSpec,
  HandlerResult,
  Outgoing,
  OutgoingRequest,
  PacketOutSpec,
  RequestOptions,
  SwitchFeatures,
} from './app.js';
export { defineApp } from './app.js';
export type {
  AppMetric,
  AppNorthbound,
  AppRequest,
  AppRoute,
  HttpMethod,
  MetricSample,
} from './app-api.js';
export { RequestError, RouteReply } from './app-api.js';
export { ConfigError, describe, itemPath, keyPath, osErrorText } from './config.js';
export { isYamlFile, parseConfigText, readConfigFile, readConfigText } from './config-file.js';
export { checkConfig, configError } from './config-schema.js';
export { DEFAULT_PRIORITY, fillFlowMod } from './datapath.js';
export {
  ConnectionClosedError,
  OpenFlowError,
  ReplyTooLargeError,
  RequestTimeoutError,
} from './errors.js';
export { eventTime } from './event-time.js';
export type { FlowComparison, FlowDifference, FlowModel } from './flow-model.js';
export { compareFlows, flowIdentity } from './flow-model.js';
export type { IntentChange, IntentEntry, IntentStore } from './intent-store.js';
export { checkIntentKey } from './intent-store.js';
export { formatDpid, type Logger } from './log.js';
export type { ReplyOf, RequestType } from './pending.js';
export { RateLimiter } from './rate-limit.js';
export { reconcileFlows, type WantedFlow } from './reconcile.js';
export { WarnLimiter } from './warn-limit.js';
