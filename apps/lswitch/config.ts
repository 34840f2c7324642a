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
import { Type } from 'typebox';
import { FlowModCommand } from '../../src/codec/index.js';
import {
  ConfigError,
  checkConfig,
  type FlowModSpec,
  osErrorText,
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

const U32 = { minimum: 0, maximum: 0xffffffff };

/** `appConfig.lswitch` as a TypeBox (JSON) schema; every key optional. */
export const LswitchConfigSchema = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('learn'), Type.Literal('hub'), Type.Literal('normal')]),
    ),
    setUpFlows: Type.Optional(Type.Boolean()),
    maxIdle: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 0xffff }), Type.Literal('permanent')]),
    ),
    wildcards: Type.Optional(Type.Integer({ minimum: 0, maximum: 0x3fffff })),
    queue: Type.Optional(Type.Integer(U32)),
    portQueues: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Integer(U32))),
    withFlows: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);

export function validateLswitchConfig(raw: unknown, where: string): LswitchConfig {
  const c = checkConfig(LswitchConfigSchema, raw ?? {}, where);
  const maxIdle = c.maxIdle === 'permanent' ? 0 : (c.maxIdle ?? 60);
  return {
    mode: c.mode ?? 'learn',
    maxIdle: c.setUpFlows === false ? -1 : maxIdle,
    wildcards: c.wildcards ?? 0,
    defaultQueue: c.queue,
    portQueues: c.portQueues ?? {},
    flows: (c.withFlows ?? []).flatMap((f) => readFlowFile(f)),
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
    throw new ConfigError(file, `cannot read flow file: ${osErrorText(e)}`);
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
