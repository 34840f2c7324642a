/** Configuration of the l2-learning app (config file section `appConfig["l2-learning"]`). */
import { asObject, checkKeys, readInt, readNumber } from '../../src/runtime/index.js';

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

export function validateL2Config(raw: unknown, where: string): L2Config {
  const o = asObject(raw, where);
  checkKeys(o, Object.keys(L2_DEFAULTS), where);
  const u16 = { min: 0, max: 0xffff };
  return {
    idleTimeout: readInt(o, 'idleTimeout', where, u16, L2_DEFAULTS.idleTimeout),
    hardTimeout: readInt(o, 'hardTimeout', where, u16, L2_DEFAULTS.hardTimeout),
    priority: readInt(o, 'priority', where, { min: 1, max: 0xffff }, L2_DEFAULTS.priority),
    macAgeing: readNumber(o, 'macAgeing', where, { min: 1, max: 86_400 }, L2_DEFAULTS.macAgeing),
    maxMacs: readInt(o, 'maxMacs', where, { min: 1, max: 10_000_000 }, L2_DEFAULTS.maxMacs),
  };
}
