/**
 * Configuration of the lswitch app (config file section `appConfig.lswitch`, or made
 * from ovs-testcontroller's options by src/cli/testcontroller-options.ts):
 *
 *   mode        "learn" (default), "hub" (-H) or "normal" (-N)
 *   setUpFlows  false for -n: every packet goes through the controller
 *   maxIdle     idle timeout of the flows set up, 1..65535 seconds or "permanent" (60)
 *   wildcards   OpenFlow 1.0 wildcard mask (-w; 0 = exact match, the default)
 *   queue       queue for output (-q), and portQueues {"eth0": 2} per ingress port (-Q)
 *   withFlows   flow files in `ovs-ofctl add-flows` syntax, added when a switch connects
 */
import { readFileSync } from 'node:fs';
import { FlowModCommand } from '../../src/codec/index.js';
import {
  asObject,
  ConfigError,
  checkKeys,
  describe,
  type FlowModSpec,
  keyPath,
  readBool,
  readInt,
  readStrings,
} from '../../src/runtime/index.js';
import { parseFlow, splitCommand, toFlowMod } from '../../src/text/flow-parse.js';

export type LswitchMode = 'learn' | 'hub' | 'normal';

export interface LswitchConfig {
  readonly mode: LswitchMode;
  /** Idle timeout of flows set up: seconds, 0 for permanent, -1 for no flows at all. */
  readonly maxIdle: number;
  /** OFPFW10_* bits of the packet's OpenFlow 1.0 tuple left out of the flows' match. */
  readonly wildcards: number;
  readonly defaultQueue: number | undefined;
  readonly portQueues: Readonly<Record<string, number>>;
  /** The --with-flows flows, parsed at start (a bad line stops the controller). */
  readonly flows: readonly FlowModSpec[];
}

const KEYS = ['mode', 'setUpFlows', 'maxIdle', 'wildcards', 'queue', 'portQueues', 'withFlows'];
const MODES: readonly LswitchMode[] = ['learn', 'hub', 'normal'];
const U32 = { min: 0, max: 0xffffffff };

export function validateLswitchConfig(raw: unknown, where: string): LswitchConfig {
  const o = asObject(raw, where);
  checkKeys(o, KEYS, where);
  const mode = o.mode ?? 'learn';
  if (!MODES.includes(mode as LswitchMode)) {
    throw new ConfigError(
      keyPath(where, 'mode'),
      `expected one of ${MODES.join(', ')}, got ${describe(mode)}`,
    );
  }
  const setUpFlows = readBool(o, 'setUpFlows', where, true);
  let maxIdle = 60;
  if (o.maxIdle === 'permanent') maxIdle = 0;
  else if (o.maxIdle !== undefined)
    maxIdle = readInt(o, 'maxIdle', where, { min: 1, max: 0xffff }, 60);
  const portQueues = asObject(o.portQueues, keyPath(where, 'portQueues'));
  const queues: Record<string, number> = {};
  for (const name of Object.keys(portQueues)) {
    queues[name] = readInt(portQueues, name, keyPath(where, 'portQueues'), U32, 0);
  }
  const files = readStrings(o, 'withFlows', where) ?? [];
  return {
    mode: mode as LswitchMode,
    maxIdle: setUpFlows ? maxIdle : -1,
    wildcards: readInt(o, 'wildcards', where, { min: 0, max: 0x3fffff }, 0),
    defaultQueue: o.queue === undefined ? undefined : readInt(o, 'queue', where, U32, 0),
    portQueues: queues,
    flows: files.flatMap((f) => readFlowFile(f)),
  };
}

/**
 * A flow file as ovs-testcontroller's --with-flows reads it (parse_ofp_flow_mod_file
 * with OFPFC_ADD): a flow per line, `#` comments, blank lines skipped, ports by number
 * or reserved name. Throws a ConfigError naming FILE:LINE.
 */
export function readFlowFile(file: string): FlowModSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : String(code ?? e);
    throw new ConfigError(file, `cannot read flow file: ${why}`);
  }
  const out: FlowModSpec[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') return;
    try {
      const { command, rest } = splitCommand(line);
      const { xid: _xid, type: _type, ...fm } = toFlowMod(parseFlow(rest, command));
      if (fm.command !== FlowModCommand.ADD)
        throw new Error('only flows to add belong in a --with-flows file');
      out.push(fm);
    } catch (e) {
      throw new ConfigError(`${file}:${i + 1}`, (e as Error).message);
    }
  });
  return out;
}
