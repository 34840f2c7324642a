/**
 * static-flows: installs a fixed set of flows, written as `ovs-ofctl add-flows` lines, on
 * every switch or per datapath, and keeps them there without wiping anything: at
 * switch-up (and on a reload) the switch's flows with the app's cookie are compared with
 * the configured ones, and only stale flows are deleted and missing or changed ones added.
 * Configuration (see config.ts) is `appConfig["static-flows"]`:
 *
 *   ofctl-ts controller --app static-flows --config controller.json
 *
 * On a reload (SIGHUP: the runtime validates the section again, which reads the flow
 * files again, and calls the handlers' `reload`) every connected switch is brought to
 * the new flows the same way; `reload()` without an argument rereads the files itself.
 */
import { defineApp } from '../../src/runtime/index.js';
import { configFromJson, type StaticFlowsConfig, StaticFlowsConfigSchema } from './config.js';
import { STATIC_COOKIE, STATIC_COOKIE_MASK } from './flow-lines.js';
import { createHandlers } from './handlers.js';

export {
  configFromJson,
  reread,
  type StaticFlowsConfig,
  StaticFlowsConfigSchema,
} from './config.js';
export { STATIC_COOKIE, STATIC_COOKIE_MASK } from './flow-lines.js';
export type { StaticFlowsHandlers, SyncSummary } from './handlers.js';

export default defineApp<StaticFlowsConfig>({
  name: 'static-flows',
  description: 'installs flows written in ovs-ofctl add-flows syntax, per datapath or on all',
  cookie: { value: STATIC_COOKIE, mask: STATIC_COOKIE_MASK },
  configSchema: StaticFlowsConfigSchema,
  validateConfig: (raw, where) => configFromJson(raw, where),
  create: (ctx) => createHandlers({ config: ctx.config, log: ctx.log, datapaths: ctx.datapaths }),
});
