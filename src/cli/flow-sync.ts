/**
 * replace-flows and diff-flows: flows from a switch or a file, keyed as ovs-ofctl keys
 * them (table, priority, match) with a "version" (cookie, timeouts, flags, actions).
 * replace-flows deletes the switch's flows the file lacks and adds the file's new or
 * changed ones; diff-flows prints "-" and "+" lines and exits 2 when they differ.
 */
import { statSync } from 'node:fs';
import { encodeMessage, type FlowMod, FlowModCommand, type Message } from '../codec/index.js';
import { formatInstructions } from '../text/actions-format.js';
import { parseFlow, toFlowMod, toFlowStatsFilter } from '../text/flow-parse.js';
import { formatMatch } from '../text/match-format.js';
import { fromOxm } from '../text/ovs-match.js';
import type { PortMap } from '../text/ports.js';
import { ofpToString } from '../text/print/index.js';
import { sendAll } from './cmd-flows.js';
import {
  acceptNames,
  type Command,
  type Context,
  preprocessedLines,
  readTextArg,
  reportSwitchError,
  withSwitch,
} from './context.js';
import {
  decodeFlowMod,
  deleteStrict,
  entryOf,
  type FlowEntry,
  fileFlow,
  flowModsOfReply,
  sameVersion,
} from './flow-entries.js';
import { CliError } from './io.js';

function versionText(fm: FlowMod, ports?: PortMap): string {
  let s = fm.tableId ? `table=${fm.tableId} ` : '';
  s += formatMatch(fromOxm(fm.match), fm.priority, ports);
  if (fm.cookie !== 0n) s += ` cookie=0x${fm.cookie.toString(16)}`;
  if (fm.idleTimeout) s += ` idle_timeout=${fm.idleTimeout}`;
  if (fm.hardTimeout) s += ` hard_timeout=${fm.hardTimeout}`;
  return `${s} actions=${formatInstructions(fm.instructions, ports)}\n`;
}

/** The flows of a file, keyed; a line that does not parse names file and line. */
async function fromFile(
  ctx: Context,
  path: string,
  ports?: PortMap,
): Promise<Map<string, FlowEntry>> {
  const text = await readTextArg(ctx, path);
  const flows = new Map<string, FlowEntry>();
  for (const l of preprocessedLines(text)) {
    let fm: Buffer;
    try {
      fm = encodeMessage(toFlowMod(parseFlow(l.line, FlowModCommand.ADD, { ports }), 0));
    } catch (e) {
      throw new CliError(`${path}:${l.number}: ${(e as Error).message}`);
    }
    const e = fileFlow(fm);
    flows.set(e.key, e);
  }
  return flows;
}

/** The flows of a switch, keyed, taken from the reply bytes as they arrive. */
async function fromSwitch(ctx: Context, arg: string): Promise<Map<string, FlowEntry>> {
  return withSwitch(ctx, arg, async (client) => {
    const flows = new Map<string, FlowEntry>();
    const filter = toFlowStatsFilter(parseFlow('', 'filter', {}));
    const request: Message = {
      type: 'multipart_request',
      xid: client.allocXid(),
      flags: 0,
      body: { kind: 'flow', ...filter },
    };
    await client.stream(request, ctx.opts.timeoutMs, (r) => {
      if (r.ofpType === 1) ctx.io.out(ofpToString(r.raw, 1));
      else if (r.ofpType === 19 && r.raw.length >= 16 && r.raw.readUInt16BE(8) === 1) {
        flowModsOfReply(r.raw, (fm) => {
          const e = entryOf(fm);
          flows.set(e.key, e);
        });
      }
    });
    return flows;
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
    const current = await fromSwitch(ctx, args[0]!);
    return withSwitch(ctx, args[0]!, async (client) => {
      const ports = await acceptNames(ctx, client);
      const wanted = await fromFile(ctx, args[1]!, ports);
      const msgs: Buffer[] = [];
      for (const [key, old] of current) if (!wanted.has(key)) msgs.push(deleteStrict(old.fm));
      for (const [key, neu] of wanted) {
        const old = current.get(key);
        if (!old || ctx.opts.readd || !sameVersion(old.fm, neu.fm)) msgs.push(neu.fm);
      }
      const err = await sendAll(ctx, client, msgs, 'grouped', 'replace-flows');
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
    const a = await load(args[0]!);
    const b = await load(args[1]!);
    // Each flow of the first source, then those only in the second: no sort, one hash
    // lookup per flow; printing decodes only the flows that differ.
    let differ = false;
    const print = (sign: string, e: FlowEntry) =>
      ctx.io.out(`${sign}${versionText(decodeFlowMod(e.fm))}`);
    for (const [key, x] of a) {
      const y = b.get(key);
      if (y && sameVersion(x.fm, y.fm)) continue;
      differ = true;
      print('-', x);
      if (y) print('+', y);
    }
    for (const [key, y] of b) {
      if (a.has(key)) continue;
      differ = true;
      print('+', y);
    }
    return differ ? 2 : 0;
  },
};

/** replace-flows and diff-flows, listed after cmd-flows.ts's commands. */
export const FLOW_SYNC_COMMANDS: readonly Command[] = [replaceFlowsCommand, diffFlowsCommand];
