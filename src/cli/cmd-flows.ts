/**
 * Flow commands: dump-flows, dump-aggregate, add-flow, add-flows, mod-flows, del-flows,
 * replace-flows, diff-flows. Text is parsed with src/text (so bytes and errors match
 * ovs-ofctl), modifications go out followed by a barrier, switch errors print as
 * ovs-ofctl prints them and exit 1.
 */
import { FlowModCommand, type FlowStats, type Message } from '../codec/index.js';
import { formatFlowStats } from '../text/flow-format.js';
import { parseFlow, splitCommand, toFlowMod, toFlowStatsFilter } from '../text/flow-parse.js';
import type { PortMap } from '../text/ports.js';
import { ofpToString } from '../text/print/index.js';
import type { OfClient } from './client.js';
import {
  acceptNames,
  type Command,
  type Context,
  dumpTransaction,
  preprocessedLines,
  readTextArg,
  reportSwitchError,
  requestPortMap,
  showNames,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';
import { sortFlows } from './sort.js';

const warn = (ctx: Context) => (w: string) => ctx.io.err(`ofctl-ts: ${w}\n`);

/** Fetches every flow matching the filter text (all flows when undefined). */
export async function fetchFlows(
  ctx: Context,
  client: OfClient,
  filterText: string | undefined,
  ports: PortMap | undefined,
): Promise<FlowStats[]> {
  const filter = toFlowStatsFilter(parseFlow(filterText ?? '', 'filter', { ports }));
  const replies = await client.request(
    {
      type: 'multipart_request',
      xid: client.allocXid(),
      flags: 0,
      body: { kind: 'flow', ...filter },
    },
    ctx.opts.timeoutMs,
  );
  const flows: FlowStats[] = [];
  for (const r of replies) {
    if (r.msg?.type === 'error') {
      ctx.io.out(ofpToString(r.raw, 1, ports));
      continue;
    }
    if (r.msg?.type === 'multipart_reply' && r.msg.body.kind === 'flow')
      flows.push(...r.msg.body.flows);
  }
  return flows;
}

async function dumpFlows(
  ctx: Context,
  args: readonly string[],
  aggregate: boolean,
): Promise<number> {
  return withSwitch(ctx, args[0]!, async (client) => {
    const filterText = args[1];
    const accept = filterText !== undefined ? await acceptNames(ctx, client) : undefined;
    const plain = aggregate || (ctx.opts.sort.length === 0 && !showNames(ctx) && ctx.opts.stats);
    if (plain) {
      const filter = toFlowStatsFilter(parseFlow(filterText ?? '', 'filter', { ports: accept }));
      const body = { kind: aggregate ? ('aggregate' as const) : ('flow' as const), ...filter };
      await dumpTransaction(ctx, client, {
        type: 'multipart_request',
        xid: client.allocXid(),
        flags: 0,
        body,
      });
      return 0;
    }
    const flows = await fetchFlows(ctx, client, filterText, accept);
    const names = showNames(ctx) ? await requestPortMap(ctx, client) : undefined;
    for (const f of sortFlows(flows, ctx.opts.sort)) {
      ctx.io.out(` ${formatFlowStats(f, { ports: names, showStats: ctx.opts.stats })}\n`);
    }
    return 0;
  });
}

/** Parses flow texts and sends the flow mods; a parse error names file and line. */
async function sendFlowMods(
  ctx: Context,
  sw: string,
  texts: readonly { text: string; where?: string }[],
  command: number | 'per-line',
): Promise<number> {
  return withSwitch(ctx, sw, async (client) => {
    const ports = await acceptNames(ctx, client);
    const msgs: Message[] = [];
    for (const t of texts) {
      try {
        let cmd = command === 'per-line' ? FlowModCommand.ADD : command;
        let text = t.text;
        if (command === 'per-line') ({ command: cmd, rest: text } = splitCommand(t.text));
        const p = parseFlow(text, cmd, { ports, warn: warn(ctx) });
        msgs.push(toFlowMod(p, 0));
      } catch (e) {
        if (t.where) throw new CliError(`${t.where}: ${(e as Error).message}`);
        throw e;
      }
    }
    const err = await sendEach(ctx, client, msgs);
    return err ? reportSwitchError(ctx, err, ports) : 0;
  });
}

/**
 * Sends each message followed by its barrier, numbering them as ovs-ofctl does (message
 * 6, barrier 7, message 8, ...); returns the first error the switch answers.
 */
export async function sendEach(ctx: Context, client: OfClient, msgs: readonly Message[]) {
  for (const m of msgs) {
    const err = await client.transact(
      [{ ...m, xid: client.allocXid() } as Message],
      ctx.opts.timeoutMs,
    );
    if (err) return err;
  }
  return undefined;
}

function flowCommand(modify: boolean, strict: boolean): number {
  if (modify) return strict ? FlowModCommand.MODIFY_STRICT : FlowModCommand.MODIFY;
  return strict ? FlowModCommand.DELETE_STRICT : FlowModCommand.DELETE;
}

const SW = 'SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.';

export const FLOW_COMMANDS: readonly Command[] = [
  {
    name: 'dump-flows',
    usage: 'SWITCH [FLOW]',
    summary: 'print all flow entries, or those matching FLOW',
    help:
      `Prints the switch's flows as ovs-ofctl does. FLOW selects flows by match fields, table=N, ` +
      `out_port=P, out_group=G and cookie=C/MASK. --sort[=FIELD] / --rsort[=FIELD] sort ` +
      `(by priority without FIELD), --no-stats leaves out counters, --names shows port names.\n${SW}\n` +
      'Example: ofctl-ts dump-flows br0 table=0,tcp',
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => dumpFlows(ctx, args, false),
  },
  {
    name: 'dump-aggregate',
    usage: 'SWITCH [FLOW]',
    summary: 'print packet, byte and flow counts of the flows matching FLOW',
    help: `Prints the aggregate statistics of all flows, or those matching FLOW.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => dumpFlows(ctx, args, true),
  },
  {
    name: 'add-flow',
    usage: 'SWITCH FLOW',
    summary: 'add one flow',
    help:
      `Adds FLOW (match fields, priority, table, timeouts, cookie, flags, then actions=...).\n${SW}\n` +
      'Example: ofctl-ts add-flow br0 "priority=100,ip,nw_dst=10.0.0.2,actions=output:2"',
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => sendFlowMods(ctx, args[0]!, [{ text: args[1]! }], FlowModCommand.ADD),
  },
  {
    name: 'add-flows',
    usage: 'SWITCH FILE',
    summary: 'add the flows in FILE ("-" for standard input)',
    help:
      `Adds one flow per line of FILE; '#' starts a comment, blank lines are skipped, a line may ` +
      `start with add, modify, delete, modify_strict or delete_strict.\n${SW}`,
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: async (ctx, args) => {
      const text = await readTextArg(ctx, args[1]!);
      const lines = preprocessedLines(text).map((l) => ({
        text: l.line,
        where: `${args[1]}:${l.number}`,
      }));
      return sendFlowMods(ctx, args[0]!, lines, 'per-line');
    },
  },
  {
    name: 'mod-flows',
    usage: 'SWITCH FLOW',
    summary: 'change the actions of the flows matching FLOW (--strict: exactly FLOW)',
    help: `Replaces the actions of the matching flows. --strict matches priority and all fields exactly.\n${SW}`,
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      sendFlowMods(ctx, args[0]!, [{ text: args[1]! }], flowCommand(true, ctx.opts.strict)),
  },
  {
    name: 'del-flows',
    usage: 'SWITCH [FLOW]',
    summary: 'delete all flows, or those matching FLOW (--strict: exactly FLOW)',
    help: `Deletes flows in every table, or the ones FLOW selects (table=N limits it to one table).\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      sendFlowMods(ctx, args[0]!, [{ text: args[1] ?? '' }], flowCommand(false, ctx.opts.strict)),
  },
];
