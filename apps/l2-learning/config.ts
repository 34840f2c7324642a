/** Configuration of the l2-learning app (config file section `appConfig["l2-learning"]`). */
import { Type } from 'typebox';
import { checkConfig } from '../../src/runtime/index.js';

export interface L2Config {
  /** Idle timeout of learned flows, seconds (0 = none). */
  readonly idleTimeout: number;
  /** Hard timeout of learned flows, seconds (0 = none). */
  readonly hardTimeout: number;
  /** Priority of learned flows (the table-miss flow has 0). */
  readonly priority: number;
  /** Seconds after which a MAC not seen again is forgotten. */
  readonly macAgeing: number;
  /** MAC entries kept per switch; the least recently seen go first. */
  readonly maxMacs: number;
}

export const L2_DEFAULTS: L2Config = Object.freeze({
  idleTimeout: 60,
  hardTimeout: 0,
  priority: 1,
  macAgeing: 300,
  maxMacs: 8192,
});

const u16 = { minimum: 0, maximum: 0xffff };

/** `appConfig["l2-learning"]` as a TypeBox (JSON) schema; every key optional. */
export const L2ConfigSchema = Type.Object(
  {
    idleTimeout: Type.Optional(
      Type.Integer({ ...u16, default: L2_DEFAULTS.idleTimeout, description: 'seconds, 0: none' }),
    ),
    hardTimeout: Type.Optional(
      Type.Integer({ ...u16, default: L2_DEFAULTS.hardTimeout, description: 'seconds, 0: none' }),
    ),
    priority: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 0xffff, default: L2_DEFAULTS.priority }),
    ),
    macAgeing: Type.Optional(
      Type.Number({ minimum: 1, maximum: 86_400, default: L2_DEFAULTS.macAgeing }),
    ),
    maxMacs: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000_000, default: L2_DEFAULTS.maxMacs }),
    ),
  },
  { additionalProperties: false },
);

export function validateL2Config(raw: unknown, where: string): L2Config {
  return checkConfig(L2ConfigSchema, raw ?? {}, where) as L2Config;
}
