/**
 * replace-flows and diff-flows: flows from a switch or a file, keyed as ovs-ofctl keys
 * them (table, priority, match) with a "version" (cookie, timeouts, flags, actions).
 * replace-flows deletes the switch's flows the file lacks and adds the file's new or
 * changed ones; diff-flows prints "-" and "+" lines and exits 2 when they differ.
 */
import { statSync } from 'node:fs';
import { type FlowMod, FlowModCommand, type Message, OFP_NO_BUFFER, OFPP } from '../codec/index.js';
import { formatInstructions } from '../text/actions-format.js';
import { parseFlow, toFlowMod } from '../text/flow-parse.js';
import { formatMatch } from '../text/match-format.js';
import { normalize } from '../text/match-normalize.js';
import { fromOxm } from '../text/ovs-match.js';
import type { PortMap } from '../text/ports.js';
import { fetchFlows, sendEach } from './cmd-flows.js';
import {
  acceptNames,
  type Command,
  type Context,
  preprocessedLines,
  readTextArg,
  reportSwitchError,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';

/** One flow: its identity and its version. */
interface Entry {
  readonly key: string;
  readonly fm: FlowMod;
}

function entryOf(fm: FlowMod): Entry {
  const match = formatMatch(normalize(fromOxm(fm.match)), fm.priority);
  return { key: `${fm.tableId}|${match}`, fm };
}

function versionText(fm: FlowMod, ports?: PortMap): string {
  let s = fm.tableId ? `table=${fm.tableId} ` : '';
  s += formatMatch(fromOxm(fm.match), fm.priority, ports);
  if (fm.cookie !== 0n) s += ` cookie=0x${fm.cookie.toString(16)}`;
  if (fm.idleTimeout) s += ` idle_timeout=${fm.idleTimeout}`;
  if (fm.hardTimeout) s += ` hard_timeout=${fm.hardTimeout}`;
  return `${s} actions=${formatInstructions(fm.instructions, ports)}\n`;
}

function sameVersion(a: FlowMod, b: FlowMod): boolean {
  return (
    a.cookie === b.cookie &&
    a.idleTimeout === b.idleTimeout &&
    a.hardTimeout === b.hardTimeout &&
    a.flags === b.flags &&
    formatInstructions(a.instructions) === formatInstructions(b.instructions)
  );
}

async function fromFile(ctx: Context, path: string, ports?: PortMap): Promise<Entry[]> {
  const text = await readTextArg(ctx, path);
  return preprocessedLines(text).map((l) => {
    try {
      return entryOf(toFlowMod(parseFlow(l.line, FlowModCommand.ADD, { ports }), 0));
    } catch (e) {
      throw new CliError(`${path}:${l.number}: ${(e as Error).message}`);
    }
  });
}

async function fromSwitch(ctx: Context, arg: string): Promise<Entry[]> {
  return withSwitch(ctx, arg, async (client) => {
    const flows = await fetchFlows(ctx, client, undefined, undefined);
    return flows.map((f) =>
      entryOf({
        type: 'flow_mod',
        xid: 0,
        cookie: f.cookie,
        cookieMask: 0n,
        tableId: f.tableId,
        command: FlowModCommand.ADD,
        idleTimeout: f.idleTimeout,
        hardTimeout: f.hardTimeout,
        priority: f.priority,
        bufferId: OFP_NO_BUFFER,
        outPort: OFPP.ANY,
        outGroup: 0xffffffff,
        flags: f.flags,
        match: f.match,
        instructions: f.instructions,
      }),
    );
  });
}

function isFile(source: string): boolean {
  if (source.startsWith('/') || source.startsWith('.') || source === '-') return true;
  if (source.includes(':')) return false;
  try {
    return statSync(source).isFile();
  } catch {
    return false;
  }
}

function index(entries: readonly Entry[]): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const e of entries) m.set(e.key, e);
  return m;
}

export const replaceFlowsCommand: Command = {
  name: 'replace-flows',
  usage: 'SWITCH FILE',
  summary: "make SWITCH's flows exactly those in FILE",
  help:
    'Deletes the flows the file does not have, adds the ones it has that are new or differ ' +
    '(--readd adds them all again). SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.',
  minArgs: 2,
  maxArgs: 2,
  switchArg: true,
  run: async (ctx, args) => {
    const current = index(await fromSwitch(ctx, args[0]!));
    return withSwitch(ctx, args[0]!, async (client) => {
      const ports = await acceptNames(ctx, client);
      const wanted = index(await fromFile(ctx, args[1]!, ports));
      const msgs: Message[] = [];
      for (const [key, old] of current) {
        if (!wanted.has(key)) {
          msgs.push({ ...old.fm, command: FlowModCommand.DELETE_STRICT, instructions: [] });
        }
      }
      for (const [key, neu] of wanted) {
        const old = current.get(key);
        if (!old || ctx.opts.readd || !sameVersion(old.fm, neu.fm)) msgs.push(neu.fm);
      }
      const err = await sendEach(ctx, client, msgs);
      return err ? reportSwitchError(ctx, err, ports) : 0;
    });
  },
};

export const diffFlowsCommand: Command = {
  name: 'diff-flows',
  usage: 'SOURCE1 SOURCE2',
  summary: 'print the differences between two flow tables (switches or files)',
  help:
    'Each SOURCE is a flow file or a switch. Flows only in SOURCE1 or different there print ' +
    'with "-", those of SOURCE2 with "+". Exits 2 when there are differences.',
  minArgs: 2,
  maxArgs: 2,
  switchArg: false,
  run: async (ctx, args) => {
    const load = (s: string) => (isFile(s) ? fromFile(ctx, s) : fromSwitch(ctx, s));
    const a = index(await load(args[0]!));
    const b = index(await load(args[1]!));
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
    let differ = false;
    for (const k of keys) {
      const x = a.get(k);
      const y = b.get(k);
      if (x && y && sameVersion(x.fm, y.fm)) continue;
      differ = true;
      if (x) ctx.io.out(`-${versionText(x.fm)}`);
      if (y) ctx.io.out(`+${versionText(y.fm)}`);
    }
    return differ ? 2 : 0;
  },
};

/** replace-flows and diff-flows, listed after cmd-flows.ts's commands. */
export const FLOW_SYNC_COMMANDS: readonly Command[] = [replaceFlowsCommand, diffFlowsCommand];
