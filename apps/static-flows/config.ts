/**
 * The static-flows configuration (`appConfig["static-flows"]`), validated once at load:
 *
 *   {
 *     "datapaths": {
 *       "0000000000000001": { "file": "flows/vlan-trunk.flows" },
 *       "br-edge": { "file": ["common.flows", "edge.flows"], "lines": ["priority=5,arp,actions=NORMAL"] }
 *     },
 *     "default": { "lines": ["priority=0,actions=drop"] }
 *   }
 *
 * A key under `datapaths` is a datapath ID when it is 16 hex digits, `0x` and up to 16 hex
 * digits, or eight colon-separated bytes; anything else is a bridge name (matched with
 * the name of the switch's LOCAL port). A switch takes the entry of its dpid, else the
 * entry of its bridge name, else `default`, else nothing. An entry lists `file` (a path
 * or a list of paths, relative to the config file's folder) and/or `lines` (inline
 * flows, after the files' flows).
 *
 * Every file is read and every line parsed here, port names accepted as they come (they
 * are resolved against each switch's ports when it connects), so a syntax error stops
 * the controller at start with `FILE:LINE: what is wrong`. Two lines of one entry that
 * describe the same flow (table, priority, match) are an error too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, Type } from 'typebox';
import {
  ConfigError,
  checkConfig,
  describe,
  itemPath,
  keyPath,
  osErrorText,
} from '../../src/runtime/index.js';
import { AnyNamePorts, type FlowLine, fileLines, lineFlowMod } from './flow-lines.js';
import { flowKey } from './sync-plan.js';

/** The flows of one config entry, in order: every file's lines, then the inline lines. */
export interface FlowSet {
  /** The entry's key path, e.g. `ctl.json: appConfig.static-flows.default`. */
  readonly where: string;
  readonly lines: readonly FlowLine[];
}

export interface DatapathEntry {
  /** The key as written. */
  readonly key: string;
  /** Set when the key is a datapath ID; otherwise `bridge` is. */
  readonly dpid: bigint | undefined;
  readonly bridge: string | undefined;
  readonly flows: FlowSet;
}

export interface StaticFlowsConfig {
  /** Where the section is (`FILE: appConfig.static-flows`). */
  readonly where: string;
  /** Relative flow file paths resolve against this folder. */
  readonly baseDir: string;
  /** The section as written, kept so `reread` can load the files again. */
  readonly raw: unknown;
  readonly datapaths: readonly DatapathEntry[];
  readonly default: FlowSet | undefined;
  /** ovs-ofctl's warnings about lines (normalized matches, deprecated port numbers). */
  readonly warnings: readonly string[];
}

const NonEmpty = Type.String({ minLength: 1 });
const OneOrMore = Type.Union([NonEmpty, Type.Array(NonEmpty)], {
  expected: 'a string or a list of strings',
});

/** One entry: flow files and/or inline flow lines. */
export const FlowSetSchema = Type.Object(
  {
    description: Type.Optional(Type.String()),
    file: Type.Optional(OneOrMore),
    lines: Type.Optional(OneOrMore),
  },
  { additionalProperties: false },
);

/** `appConfig["static-flows"]` as a TypeBox (JSON) schema. */
export const StaticFlowsConfigSchema = Type.Object(
  {
    description: Type.Optional(Type.String()),
    datapaths: Type.Optional(Type.Record(Type.String(), FlowSetSchema)),
    default: Type.Optional(FlowSetSchema),
  },
  { additionalProperties: false },
);

type FlowSetSection = Static<typeof FlowSetSchema>;

const list = (v: string | readonly string[] | undefined): readonly string[] | undefined =>
  typeof v === 'string' ? [v] : v;

/** `0x1`, `0000000000000001` or `00:00:00:00:00:00:00:01`, as 1 to 16 hex digits. */
const DPID_FORMS = [
  /^0x([0-9a-f]{1,16})$/i,
  /^([0-9a-f]{16})$/i,
  /^((?:[0-9a-f]{2}:){7}[0-9a-f]{2})$/i,
];

/** The datapath ID a key names, or undefined when the key is a bridge name. */
export function dpidOfKey(key: string): bigint | undefined {
  for (const form of DPID_FORMS) {
    const hex = form.exec(key)?.[1];
    if (hex !== undefined) return BigInt(`0x${hex.replaceAll(':', '')}`);
  }
  return undefined;
}

/**
 * The folder of the config file named at the start of `where` (`FILE: appConfig...`),
 * or the current folder when there is no such file.
 */
export function baseDirOf(where: string): string {
  const file = /^(.+?): appConfig\b/.exec(where)?.[1];
  if (file && existsSync(file) && statSync(file).isFile()) return dirname(resolve(file));
  return process.cwd();
}

/** Validates the section found at `where`; throws ConfigError naming file, key or line. */
export function configFromJson(
  raw: unknown,
  where: string,
  baseDir = baseDirOf(where),
): StaticFlowsConfig {
  if (raw === undefined) {
    throw new ConfigError(
      where,
      'static-flows needs a configuration here: "datapaths" (dpid or bridge name -> ' +
        '{ "file", "lines" }) and/or "default"',
    );
  }
  const obj = checkConfig(StaticFlowsConfigSchema, raw, where);
  if (obj.datapaths === undefined && obj.default === undefined) {
    throw new ConfigError(where, 'expected "datapaths", "default" or both');
  }
  const warnings: string[] = [];
  const datapaths: DatapathEntry[] = [];
  const dpWhere = keyPath(where, 'datapaths');
  const seen = new Map<bigint, string>();
  for (const [key, value] of Object.entries(obj.datapaths ?? {})) {
    const at = keyPath(dpWhere, key);
    if (key.trim() === '') throw new ConfigError(at, 'expected a datapath ID or a bridge name');
    const dpid = dpidOfKey(key);
    if (dpid !== undefined) {
      const other = seen.get(dpid);
      if (other !== undefined) throw new ConfigError(at, `same datapath ID as "${other}"`);
      seen.set(dpid, key);
    }
    const flows = readFlowSet(value, at, baseDir, warnings);
    datapaths.push({ key, dpid, bridge: dpid === undefined ? key : undefined, flows });
  }
  const def =
    obj.default === undefined
      ? undefined
      : readFlowSet(obj.default, keyPath(where, 'default'), baseDir, warnings);
  return deepFreeze({
    where,
    baseDir,
    raw: structuredClone(raw),
    datapaths,
    default: def,
    warnings,
  });
}

/** The same configuration with every flow file read again (for a reload). */
export function reread(config: StaticFlowsConfig): StaticFlowsConfig {
  return configFromJson(config.raw, config.where, config.baseDir);
}

function readFlowSet(
  obj: FlowSetSection,
  where: string,
  baseDir: string,
  warnings: string[],
): FlowSet {
  const files = list(obj.file);
  const inline = list(obj.lines);
  if (files === undefined && inline === undefined) {
    throw new ConfigError(
      where,
      'expected "file" (a flow file or a list of them), "lines", or both',
    );
  }
  const lines: FlowLine[] = [];
  for (const f of files ?? []) lines.push(...readFlowFile(f, keyPath(where, 'file'), baseDir));
  (inline ?? []).forEach((text, i) => {
    lines.push({ origin: itemPath(keyPath(where, 'lines'), i), text });
  });
  checkLines(lines, where, warnings);
  return { where, lines };
}

function readFlowFile(file: string, where: string, baseDir: string): FlowLine[] {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      where,
      `cannot read flow file ${describe(file)} (${path}): ${osErrorText(e)}`,
    );
  }
  return fileLines(text, file);
}

/** Parses every line (any port name accepted) and rejects two lines for one flow. */
function checkLines(lines: readonly FlowLine[], where: string, warnings: string[]): void {
  const ports = new AnyNamePorts();
  const byKey = new Map<string, FlowLine>();
  for (const line of lines) {
    let key: string;
    try {
      const fm = lineFlowMod(line.text, ports, (w) => warnings.push(`${line.origin}: ${w}`));
      key = flowKey(fm);
    } catch (e) {
      throw new ConfigError(
        line.origin,
        `${(e as Error).message}\n  in: ${line.text}\n  (flows of ${where})`,
      );
    }
    const first = byKey.get(key);
    if (first) {
      throw new ConfigError(
        line.origin,
        `the same flow (${key}) as ${first.origin}: one of the two would silently replace ` +
          `the other\n  (flows of ${where})`,
      );
    }
    byKey.set(key, line);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
