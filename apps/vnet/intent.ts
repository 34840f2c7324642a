/**
 * vnet's intent from the orchestrator: networks, OVSDB port bindings and datapath ports
 * written at run time (through the API) into the controller's IntentStore, merged over
 * the config file's section and validated by the same loader as the file, so a bad
 * network gets the message the file would get. The file stays the base: intent adds
 * and overrides by name; what the file defines can be overridden, not deleted.
 *
 * Keys (values are the JSON a config file would hold at that place):
 *   vnet/networks/NAME               { "vlan": 2, "tunnelKey": 100, ... }
 *   vnet/bindings/IFACE-ID           { "network": "blue" }   (OVSDB mode: iface-id or port name)
 *   vnet/ports/DATAPATH/PORT         { "mode": "access", "network": "blue" }
 */
import type { IntentEntry } from '../../src/runtime/index.js';
import { configFromJson, type PortConfig, type VnetConfig } from './config.js';

export const PREFIX = 'vnet/';

/** Where intent errors point: the key path the config file would have. */
export const INTENT_WHERE = 'appConfig.vnet';

type Json = Record<string, unknown>;

function portJson(p: PortConfig): Json {
  const out: Json = { mode: p.mode };
  if (p.number !== undefined) out.number = p.number;
  if (p.mode === 'access') out.network = p.network;
  else {
    if (p.networks.length > 0 || p.mode === 'tunnel') out.networks = [...p.networks];
    if (p.mode === 'trunk' && p.native !== undefined) out.native = p.native;
  }
  return out;
}

/** The JSON a config file would hold for `c` (what configFromJson reads back as `c`). */
export function configToJson(c: VnetConfig): Json {
  const networks: Json = {};
  for (const n of c.networks.values()) {
    const net: Json = { vlan: n.vlan };
    if (n.tunnelKey !== undefined) net.tunnelKey = n.tunnelKey;
    if (n.tags.length !== 1 || n.tags[0] !== n.vlan) net.tags = [...n.tags];
    if (n.fakeBridge !== undefined) net.fakeBridge = n.fakeBridge;
    if (n.ifaceIdPrefix !== undefined) net.ifaceIdPrefix = n.ifaceIdPrefix;
    networks[n.name] = net;
  }
  const out: Json = { macIdleTimeout: c.macIdleTimeout, networks };
  if (c.datapaths.length > 0) {
    const dps: Json = {};
    for (const dp of c.datapaths) {
      const ports: Json = {};
      for (const p of dp.ports) ports[p.name] = portJson(p);
      dps[dp.name] = {
        ...(dp.dpid !== undefined ? { dpid: `0x${dp.dpid.toString(16)}` } : {}),
        ports,
      };
    }
    out.datapaths = dps;
  }
  if (c.ovsdb) out.ovsdb = { bindings: Object.fromEntries(c.ovsdb.bindings) };
  return out;
}

/** The file's config with the intent entries laid over it (plain JSON, not yet validated). */
export function mergeIntent(base: VnetConfig, entries: readonly IntentEntry[]): Json {
  const raw = structuredClone(configToJson(base));
  for (const { key, value } of entries) {
    const parts = key.slice(PREFIX.length).split('/');
    if (parts[0] === 'networks' && parts.length === 2) {
      (raw.networks as Json)[parts[1]!] = value;
    } else if (parts[0] === 'bindings' && parts.length === 2) {
      raw.ovsdb ??= { bindings: {} };
      const ovsdb = raw.ovsdb as Json;
      ovsdb.bindings ??= {};
      (ovsdb.bindings as Json)[parts[1]!] = (value as { network?: unknown } | null)?.network;
    } else if (parts[0] === 'ports' && parts.length === 3) {
      raw.datapaths ??= {};
      const dps = raw.datapaths as Json;
      dps[parts[1]!] ??= { ports: {} };
      const dp = dps[parts[1]!] as Json;
      dp.ports ??= {};
      (dp.ports as Json)[parts[2]!] = value;
    }
  }
  return raw;
}

/** Validates the merged config with the config file's loader (throws its ConfigError). */
export function effectiveConfig(base: VnetConfig, entries: readonly IntentEntry[]): VnetConfig {
  const merged = configFromJson(mergeIntent(base, entries), INTENT_WHERE);
  return Object.freeze({ ...merged, source: `${base.source} + intent` });
}
