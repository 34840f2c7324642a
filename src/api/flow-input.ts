/**
 * Flows the API is given, as ovs-ofctl text or as JSON, turned into FLOW_MODs by the
 * same parser as the command line (text/flow-parse.ts), so a bad flow gets the same
 * message `ofctl-ts add-flow` prints. JSON is first written as the text it stands for
 * (`{"priority": 10, "match": {"in_port": 1}, "actions": "output:2"}` is
 * `priority=10,in_port=1,actions=output:2`); a value that would break that text apart
 * (a comma, an equals sign) is refused.
 */
import { type FlowMod, FlowModCommand, type Port } from '../codec/index.js';
import { parseFlow, toFlowMod } from '../text/flow-parse.js';
import { PortMap } from '../text/ports.js';
import { HttpError } from './http-error.js';

export interface FlowJson {
  readonly table?: number | undefined;
  readonly priority?: number | undefined;
  readonly cookie?: string | undefined;
  readonly idle_timeout?: number | undefined;
  readonly hard_timeout?: number | undefined;
  readonly match?: Readonly<Record<string, string | number | null>> | undefined;
  readonly actions?: string | readonly string[] | undefined;
}

export type FlowInput = string | FlowJson;

const FIELD = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function plain(where: string, v: string | number): string {
  const s = String(v);
  if (/[,=\s]/.test(s)) {
    throw new HttpError(
      400,
      `${where}: "${s}" may not contain commas, equals signs or spaces (write the flow as text instead)`,
    );
  }
  return s;
}

/** The ovs-ofctl text a JSON flow stands for. */
export function flowJsonToText(f: FlowJson, where: string, withActions: boolean): string {
  const parts: string[] = [];
  if (f.table !== undefined) parts.push(`table=${f.table}`);
  if (f.priority !== undefined) parts.push(`priority=${f.priority}`);
  if (f.cookie !== undefined) parts.push(`cookie=${plain(`${where}.cookie`, f.cookie)}`);
  if (f.idle_timeout !== undefined) parts.push(`idle_timeout=${f.idle_timeout}`);
  if (f.hard_timeout !== undefined) parts.push(`hard_timeout=${f.hard_timeout}`);
  for (const [k, v] of Object.entries(f.match ?? {})) {
    if (!FIELD.test(k)) throw new HttpError(400, `${where}.match: "${k}" is not a field name`);
    parts.push(v === null ? k : `${k}=${plain(`${where}.match.${k}`, v)}`);
  }
  if (withActions) {
    const a =
      f.actions === undefined
        ? undefined
        : typeof f.actions === 'string'
          ? f.actions
          : f.actions.join(',');
    if (a !== undefined) parts.push(`actions=${a}`);
  } else if (f.actions !== undefined) {
    throw new HttpError(
      400,
      `${where}.actions: a delete selects flows by match; it takes no actions`,
    );
  }
  return parts.join(',');
}

function textOf(input: FlowInput, where: string, withActions: boolean): string {
  return typeof input === 'string' ? input : flowJsonToText(input, where, withActions);
}

/** The switch's ports by name, for flows that name them (`in_port=vm1`). */
export function portMap(ports: ReadonlyMap<number, Port>): PortMap {
  return new PortMap(ports.values());
}

/** Parses every flow to add before anything is sent; the first bad one is a 400 naming it. */
export function flowModsToAdd(
  inputs: readonly FlowInput[],
  ports: PortMap,
  where: string,
): FlowMod[] {
  return inputs.map((input, i) => {
    const at = inputs.length > 1 ? `${where}[${i}]` : where;
    try {
      return toFlowMod(parseFlow(textOf(input, at, true), FlowModCommand.ADD, { ports }));
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(
        400,
        inputs.length > 1 ? `${at}: ${(e as Error).message}` : (e as Error).message,
      );
    }
  });
}

/** The FLOW_MOD of `del-flows [--strict] SWITCH [FLOW]`. */
export function flowModToDelete(
  input: FlowInput | undefined,
  strict: boolean,
  ports: PortMap,
): FlowMod {
  const command = strict ? FlowModCommand.DELETE_STRICT : FlowModCommand.DELETE;
  try {
    return toFlowMod(
      parseFlow(input === undefined ? '' : textOf(input, 'match', false), command, { ports }),
    );
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, (e as Error).message);
  }
}
