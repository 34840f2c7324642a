/**
 * The controller's settings: defaults, the config file (JSON or YAML, checked once
 * against ControllerConfigSchema; errors name the file and the key), and the conversion
 * to the runtime's options. Command-line
 * flags override the file; the file overrides the defaults.
 *
 * Config file keys: listen (string or list), apps (list of names or paths, paths
 * relative to the file), appConfig ({ appName: {...} }), logLevel, pretty, missSendLen,
 * echoInterval, echoTimeout, requestTimeout (seconds), outputLimit (bytes), flowModel
 * (keep the engine's model of every switch's flows, default true), workers (processes
 * serving switches, default 1; see controller.ts), and cert, key, ca (PEM files for
 * ssl: listen addresses, relative to the file), ovsdb (Open_vSwitch databases to dial,
 * `unix:PATH` or `tcp:HOST:PORT`, string or list) and ovsdbListen (`tcp:HOST:PORT` where
 * servers that run `ovs-vsctl set-manager` connect; default off).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, Type } from 'typebox';
import { OFPCML_NO_BUFFER } from '../codec/index.js';
import { parseOvsdbAddress } from '../ovsdb/index.js';
import { looksLikePath } from './app-loader.js';
import { ConfigError, keyPath } from './config.js';
import { parseConfigText } from './config-file.js';
import { checkConfig } from './config-schema.js';
import type { ControllerOptions } from './controller.js';
import { parseDialAddress } from './dialer.js';
import { engineFlowModel } from './engine-model.js';
import { DEFAULT_LISTEN, parseListenAddress } from './listener.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';
import { MIN_SOFT_LIMIT } from './outbox.js';
import { tlsCredentialsFor } from './tls.js';

export interface ControllerSettings {
  readonly listen: readonly string[];
  /** Switches to dial (they listen with `ptcp:`): tcp:HOST[:PORT], ssl:..., unix:PATH. */
  readonly connect: readonly string[];
  readonly apps: readonly string[];
  readonly appConfig: Readonly<Record<string, unknown>>;
  readonly logLevel: LogLevel;
  /** undefined: pretty when stdout is a terminal. */
  readonly pretty: boolean | undefined;
  readonly missSendLen: number;
  /** Seconds. */
  readonly echoInterval: number;
  readonly echoTimeout: number;
  readonly requestTimeout: number;
  /** Unflushed output bytes per switch before we stop reading it (4x that disconnects). */
  readonly outputLimit: number;
  /** Keep the engine's model of each switch's flow tables (see engine-model.ts). */
  readonly flowModel: boolean;
  /** Processes serving switches (node:cluster workers when above 1). */
  readonly workers: number;
  /** PEM files for ssl: listen addresses (see tls.ts). */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly ca?: string | undefined;
  /** Open_vSwitch databases to dial: `unix:PATH` or `tcp:HOST:PORT`. */
  readonly ovsdb: readonly string[];
  /** `tcp:HOST:PORT` to accept databases on (manager direction); undefined: off. */
  readonly ovsdbListen: string | undefined;
}

export const DEFAULT_SETTINGS: ControllerSettings = Object.freeze({
  listen: [DEFAULT_LISTEN],
  connect: [],
  apps: ['l2-learning'],
  appConfig: {},
  logLevel: 'info',
  pretty: undefined,
  missSendLen: OFPCML_NO_BUFFER,
  echoInterval: 5,
  echoTimeout: 10,
  requestTimeout: 10,
  outputLimit: 8 * 1024 * 1024,
  // On by default: template flow-mods reach the model from their slots (engine
  // slot-add.ts), so it costs a small share of the flow-setup rate (bench/flow-setup).
  flowModel: true,
  // One process: with two cores, the load generator or the switches need the other.
  workers: 1,
  ovsdb: [],
  ovsdbListen: undefined,
});

/** Ranges shared by the file and the command line. */
export const LIMITS = {
  seconds: { min: 0.05, max: 86_400 },
  outputLimit: { min: MIN_SOFT_LIMIT, max: 1024 * 1024 * 1024 },
  missSendLen: { min: 0, max: 0xffff },
  workers: { min: 1, max: 64 },
} as const;

/** LIMITS as JSON Schema bounds. */
const bounds = (r: { readonly min: number; readonly max: number }) => ({
  minimum: r.min,
  maximum: r.max,
});

/** OFPCML_MAX: the largest miss_send_len other than NO_BUFFER. */
const OFPCML_MAX = 0xffe5;

/** Checks a miss_send_len: 0..0xffe5 or 0xffff (send whole packets). */
export function checkMissSendLen(n: number, where: string): number {
  if (n > OFPCML_MAX && n !== OFPCML_NO_BUFFER) {
    throw new ConfigError(where, `expected 0 to ${OFPCML_MAX} or 65535 (whole packet), got ${n}`);
  }
  return n;
}

const NonEmpty = Type.String({ minLength: 1 });
/** One string or a list of them (a single string is a list of one). */
const OneOrMore = Type.Union([NonEmpty, Type.Array(NonEmpty)], {
  expected: 'a string or a list of strings',
});
const Seconds = Type.Number({ ...bounds(LIMITS.seconds), description: 'seconds' });

/**
 * The controller's config file (JSON or YAML), as a TypeBox schema: JSON Schema, so the
 * HTTP API can check request bodies and describe them in OpenAPI with the same schema.
 * Every key is optional; the defaults are DEFAULT_SETTINGS.
 */
export const ControllerConfigSchema = Type.Object(
  {
    listen: Type.Optional(OneOrMore),
    connect: Type.Optional(OneOrMore),
    apps: Type.Optional(OneOrMore),
    appConfig: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    logLevel: Type.Optional(Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)))),
    pretty: Type.Optional(Type.Boolean()),
    missSendLen: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff })),
    echoInterval: Type.Optional(Seconds),
    echoTimeout: Type.Optional(Seconds),
    requestTimeout: Type.Optional(Seconds),
    outputLimit: Type.Optional(Type.Integer(bounds(LIMITS.outputLimit))),
    flowModel: Type.Optional(Type.Boolean()),
    workers: Type.Optional(Type.Integer(bounds(LIMITS.workers))),
    cert: Type.Optional(NonEmpty),
    key: Type.Optional(NonEmpty),
    ca: Type.Optional(NonEmpty),
    ovsdb: Type.Optional(OneOrMore),
    ovsdbListen: Type.Optional(NonEmpty),
  },
  { additionalProperties: false },
);

export type ControllerConfig = Static<typeof ControllerConfigSchema>;

const list = (v: string | readonly string[]): readonly string[] =>
  typeof v === 'string' ? [v] : v;

/** Parses and validates a config file's text (JSON, or YAML by extension); returns only the keys it sets. */
export function parseConfigFile(text: string, file: string): Partial<ControllerSettings> {
  const where = `${file}:`;
  const c = checkConfig(ControllerConfigSchema, parseConfigText(text, file), where);
  const base = dirname(resolve(file));
  const out: { -readonly [K in keyof ControllerSettings]?: ControllerSettings[K] } = {};
  if (c.listen !== undefined) {
    out.listen = list(c.listen);
    for (const a of out.listen) checkListen(a, keyPath(where, 'listen'));
  }
  if (c.connect !== undefined) {
    out.connect = list(c.connect).map((a) => checkConnect(a, keyPath(where, 'connect')));
  }
  if (c.apps !== undefined) {
    out.apps = list(c.apps).map((a) => (looksLikePath(a) && !isAbsolute(a) ? resolve(base, a) : a));
  }
  if (c.appConfig !== undefined) out.appConfig = c.appConfig;
  if (c.logLevel !== undefined) out.logLevel = c.logLevel;
  if (c.pretty !== undefined) out.pretty = c.pretty;
  if (c.flowModel !== undefined) out.flowModel = c.flowModel;
  if (c.missSendLen !== undefined) {
    out.missSendLen = checkMissSendLen(c.missSendLen, keyPath(where, 'missSendLen'));
  }
  for (const k of ['echoInterval', 'echoTimeout', 'requestTimeout'] as const) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  if (c.outputLimit !== undefined) out.outputLimit = c.outputLimit;
  if (c.workers !== undefined) out.workers = c.workers;
  if (c.ovsdb !== undefined) {
    out.ovsdb = list(c.ovsdb).map((a) => checkOvsdb(a, keyPath(where, 'ovsdb')));
  }
  if (c.ovsdbListen !== undefined) {
    out.ovsdbListen = checkOvsdb(c.ovsdbListen, keyPath(where, 'ovsdbListen'), true);
  }
  for (const k of ['cert', 'key', 'ca'] as const) {
    if (c[k] !== undefined) out[k] = resolve(base, c[k]);
  }
  return out;
}

export function checkListen(a: string, where: string): string {
  try {
    parseListenAddress(a);
  } catch (e) {
    throw new ConfigError(where, (e as Error).message);
  }
  return a;
}

export function checkConnect(a: string, where: string): string {
  try {
    parseDialAddress(a);
  } catch (e) {
    throw new ConfigError(where, (e as Error).message);
  }
  return a;
}

/** Checks an OVSDB address (`--ovsdb`, or with `listen` `--ovsdb-listen`). */
export function checkOvsdb(a: string, where: string, listen = false): string {
  try {
    parseOvsdbAddress(a, { listen });
  } catch (e) {
    throw new ConfigError(where, (e as Error).message);
  }
  return a;
}

export function checkLogLevel(level: string, where: string): LogLevel {
  if (!isLogLevel(level)) {
    throw new ConfigError(where, `expected one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  return level;
}

/** The runtime's options from validated settings. */
export function controllerOptions(s: ControllerSettings): ControllerOptions {
  const ms = (sec: number) => Math.round(sec * 1000);
  const listen = s.listen.map(parseListenAddress);
  const connect = s.connect.map(parseDialAddress);
  const ssl = [...listen, ...connect].filter((a) => a.kind === 'ssl').length;
  return {
    listen,
    connect,
    tls: tlsCredentialsFor(ssl, { cert: s.cert, key: s.key, ca: s.ca }),
    missSendLen: s.missSendLen,
    echoIntervalMs: ms(s.echoInterval),
    echoTimeoutMs: ms(s.echoTimeout),
    requestTimeoutMs: ms(s.requestTimeout),
    handshakeTimeoutMs: ms(s.requestTimeout * 2),
    outputSoftLimit: s.outputLimit,
    outputHardLimit: s.outputLimit * 4,
    flowModel: s.flowModel ? engineFlowModel : undefined,
    workers: s.workers > 1 ? s.workers : undefined,
  };
}
