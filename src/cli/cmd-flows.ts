/**
 * Flow commands: dump-flows, dump-aggregate, add-flow, add-flows, mod-flows, del-flows,
 * replace-flows, diff-flows. Text is parsed with src/text (so bytes and errors match
 * ovs-ofctl), modifications go out followed by a barrier, switch errors print as
 * ovs-ofctl prints them and exit 1.
 */
import { encodeMessage, FlowModCommand, type FlowStats, type Message } from '../codec/index.js';
import { formatFlowStats } from '../text/flow-format.js';
import { parseFlow, splitCommand, toFlowMod, toFlowStatsFilter } from '../text/flow-parse.js';
import type { PortMap } from '../text/ports.js';
import { fastFlowStatsLines, fastFlowStatsReply } from '../text/print/flow-stats-fast.js';
import { ofpToString } from '../text/print/index.js';
import type { OfClient, Received } from './client.js';
import {
  acceptNames,
  type Command,
  type Context,
  preprocessedLines,
  readTextArg,
  reportSwitchError,
  requestPortMap,
  showNames,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';
import { startProgress } from './progress.js';
import { checkSortKeys, sortFlows } from './sort.js';

const warn = (ctx: Context) => (w: string) => ctx.io.err(`ofctl-ts: ${w}\n`);

/**
 * Streams the flows matching the filter text (all flows when undefined) to `each`, reply
 * by reply as they arrive; an OFPT_ERROR answer prints to stdout as ovs-ofctl prints it.
 * `xid` lets a caller number the request before it sends others first; `raw`, when given,
 * sees each reply's bytes first and returns true when it has dealt with them.
 */
export async function forEachFlow(
  ctx: Context,
  client: OfClient,
  filterText: string | undefined,
  ports: PortMap | undefined,
  each: (f: FlowStats) => void,
  xid = client.allocXid(),
  raw?: (bytes: Buffer) => boolean,
): Promise<void> {
  const filter = toFlowStatsFilter(parseFlow(filterText ?? '', 'filter', { ports }));
  const request: Message = {
    type: 'multipart_request',
    xid,
    flags: 0,
    body: { kind: 'flow', ...filter },
  };
  await client.stream(request, ctx.opts.timeoutMs, (r) => {
    if (raw?.(r.raw)) return;
    const msg = r.msg;
    if (msg?.type === 'error') ctx.io.out(ofpToString(r.raw, 1, ports));
    else if (msg?.type === 'multipart_reply' && msg.body.kind === 'flow') {
      for (const f of msg.body.flows) each(f);
    }
  });
}

/** Fetches every flow matching the filter text (all flows when undefined). */
export async function fetchFlows(
  ctx: Context,
  client: OfClient,
  filterText: string | undefined,
  ports: PortMap | undefined,
  xid = client.allocXid(),
): Promise<FlowStats[]> {
  const flows: FlowStats[] = [];
  await forEachFlow(ctx, client, filterText, ports, (f) => flows.push(f), xid);
  return flows;
}

/**
 * dump-flows and dump-aggregate. Without --sort/--rsort every reply is printed as it
 * arrives and then dropped, so memory stays flat however big the table: ovs-ofctl's reply
 * text straight from the reply's bytes (decoded once), or one line per flow with --names
 * or --no-stats. Sorting needs every flow first.
 */
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
      const request: Message = {
        type: 'multipart_request',
        xid: client.allocXid(),
        flags: 0,
        body,
      };
      const verbosity = ctx.opts.verbosity + 1;
      const fast = !aggregate && verbosity === 1;
      await client.stream(request, ctx.opts.timeoutMs, (r) =>
        ctx.io.out((fast ? fastFlowStatsReply(r.raw) : undefined) ?? ofpToString(r.raw, verbosity)),
      );
      return 0;
    }
    if (ctx.opts.sort.length > 0) checkSortKeys(ctx.opts.sort);
    // ovs-ofctl fetches port names over a connection of its own: the flow request keeps
    // the xid it would have without --names.
    const xid = client.allocXid();
    const names = showNames(ctx) ? await requestPortMap(ctx, client) : undefined;
    const opts = { ports: names, showStats: ctx.opts.stats };
    if (ctx.opts.sort.length === 0) {
      const line = (f: FlowStats) => ctx.io.out(` ${formatFlowStats(f, opts)}\n`);
      await forEachFlow(ctx, client, filterText, accept, line, xid, (raw) => {
        const text = fastFlowStatsLines(raw, ctx.opts.stats, names);
        if (text !== undefined) ctx.io.out(text);
        return text !== undefined;
      });
      return 0;
    }
    const flows = await fetchFlows(ctx, client, filterText, accept, xid);
    for (const f of sortFlows(flows, ctx.opts.sort)) ctx.io.out(` ${formatFlowStats(f, opts)}\n`);
    return 0;
  });
}

/** Parses flow texts and sends the flow mods; a parse error names file and line. */
async function sendFlowMods(
  ctx: Context,
  sw: string,
  texts: readonly { text: string; where?: string }[],
  command: number | 'per-line',
  label: string,
): Promise<number> {
  return withSwitch(ctx, sw, async (client) => {
    const ports = await acceptNames(ctx, client);
    // Every line is parsed before anything is sent, as ovs-ofctl does: a bad line on
    // line 1000 leaves the switch untouched.
    const msgs: Buffer[] = [];
    for (const t of texts) {
      try {
        let cmd = command === 'per-line' ? FlowModCommand.ADD : command;
        let text = t.text;
        if (command === 'per-line') ({ command: cmd, rest: text } = splitCommand(t.text));
        const p = parseFlow(text, cmd, { ports, warn: warn(ctx) });
        msgs.push(encodeMessage(toFlowMod(p, 0)));
      } catch (e) {
        if (t.where) throw new CliError(`${t.where}: ${(e as Error).message}`);
        throw e;
      }
    }
    const err = await sendAll(ctx, client, msgs, 'interleaved', label);
    return err ? reportSwitchError(ctx, err, ports) : 0;
  });
}

/**
 * Sends the messages pipelined (see OfClient.sendPipelined), numbered as ovs-ofctl numbers
 * them, with progress on a terminal; returns the first error the switch answers.
 */
export async function sendAll(
  ctx: Context,
  client: OfClient,
  msgs: readonly Buffer[],
  numbering: 'interleaved' | 'grouped',
  label: string,
): Promise<Received | undefined> {
  const progress = startProgress(ctx.io, label);
  try {
    return await client.sendPipelined(msgs, {
      timeoutMs: ctx.opts.timeoutMs,
      numbering,
      onProgress: (sent, acked) =>
        progress.update(() => `${sent} of ${msgs.length} sent, ${acked} acknowledged`),
    });
  } finally {
    progress.done();
  }
}

/** sendAll of decoded messages (the xid each carries is replaced). */
export function sendEach(ctx: Context, client: OfClient, msgs: readonly Message[]) {
  return sendAll(ctx, client, msgs.map(encodeMessage), 'interleaved', 'sending');
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
    run: (ctx, args) =>
      sendFlowMods(ctx, args[0]!, [{ text: args[1]! }], FlowModCommand.ADD, 'add-flow'),
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
      return sendFlowMods(ctx, args[0]!, lines, 'per-line', 'add-flows');
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
      sendFlowMods(
        ctx,
        args[0]!,
        [{ text: args[1]! }],
        flowCommand(true, ctx.opts.strict),
        'mod-flows',
      ),
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
      sendFlowMods(
        ctx,
        args[0]!,
        [{ text: args[1] ?? '' }],
        flowCommand(false, ctx.opts.strict),
        'del-flows',
      ),
  },
];
