/**
 * vnet: a VLAN- and GRE-aware L2 switch on a four-table pipeline (see pipeline.ts),
 * configured by networks, datapaths and ports (see config.ts). Its section of the
 * controller config is `appConfig.vnet`:
 *
 *   ofctl-ts controller --app vnet --config flows/vnet-gre.json
 *
 * The handlers also offer `reload(config)`, which moves every connected switch to a new
 * configuration touching only the flows that change.
 */
import { ConfigError, defineApp } from '../../src/runtime/index.js';
import { configFromJson, type VnetConfig, VnetConfigSchema } from './config.js';
import { createHandlers } from './handlers.js';
import { attachIntent } from './northbound.js';
import { COOKIE_APP } from './pipeline.js';

export {
  configFromJson,
  loadConfig,
  parseConfig,
  type VnetConfig,
  VnetConfigSchema,
} from './config.js';
export type { ApplySummary, VnetHandlers } from './handlers.js';
export type { VnetState } from './state.js';

export default defineApp<VnetConfig>({
  name: 'vnet',
  description:
    'VLAN- and GRE-aware L2 switching: access, trunk and tunnel ports, per-network learning',
  cookie: { value: COOKIE_APP, mask: 0xffffn << 48n },
  configSchema: VnetConfigSchema,
  validateConfig: (raw, where) => {
    if (raw === undefined) {
      throw new ConfigError(where, 'vnet needs a configuration (networks and datapaths) here');
    }
    return configFromJson(raw, where);
  },
  create: (ctx) =>
    attachIntent(
      createHandlers({
        config: ctx.config,
        log: ctx.log,
        datapaths: ctx.datapaths,
        ovsdb: ctx.ovsdb,
      }),
      ctx,
    ),
});
