/**
 * Switch information commands: show, dump-desc, dump-tables, dump-table-features,
 * dump-ports, dump-ports-desc, queue-stats, mod-port. Replies print as ovs-ofctl prints
 * them, xids included.
 */
import type { MultipartRequestBody, TableFeatures } from '../codec/index.js';
import { type PortMap, parsePortOrUndef } from '../text/ports.js';
import { ofpToString } from '../text/print/index.js';
import { printTableFeatures } from '../text/print/table-features.js';
import { parseNumeric } from '../text/values.js';
import type { OfClient } from './client.js';
import {
  type Command,
  type Context,
  dumpTransaction,
  lookupPortNames,
  reportSwitchError,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';

const ANY = 0xffffffff;
const SW = 'SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.';

function multipart(client: OfClient, body: MultipartRequestBody) {
  return { type: 'multipart_request' as const, xid: client.allocXid(), flags: 0, body };
}

/** str_to_port_no: a number or reserved name directly, a port name through the port map. */
async function portArg(ctx: Context, client: OfClient, s: string, sw: string): Promise<number> {
  const direct = parsePortOrUndef(s);
  if (direct) return direct.port;
  const map: PortMap = await lookupPortNames(ctx, client);
  const named = parsePortOrUndef(s, map);
  if (!named) {
    throw new CliError(
      `${s}: unknown port name or number (the ports are listed by ofctl-ts dump-ports-desc ${sw})`,
    );
  }
  return named.port;
}

function simple(name: string, summary: string, body: MultipartRequestBody, extra = ''): Command {
  return {
    name,
    usage: 'SWITCH',
    summary,
    help: `${summary[0]!.toUpperCase()}${summary.slice(1)}.${extra}\n${SW}`,
    minArgs: 1,
    maxArgs: 1,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        await dumpTransaction(ctx, client, multipart(client, body));
        return 0;
      }),
  };
}

const PORT_CONFIG_WORDS: Readonly<Record<string, [number, boolean]>> = {
  up: [1, false],
  down: [1, true],
  'no-receive': [4, true],
  receive: [4, false],
  'no-forward': [32, true],
  forward: [32, false],
  'no-packet-in': [64, true],
  'packet-in': [64, false],
};

export const SWITCH_COMMANDS: readonly Command[] = [
  {
    name: 'show',
    usage: 'SWITCH',
    summary: 'show the switch: datapath ID, tables, capabilities, ports, configuration',
    help: `Prints the features reply, the port descriptions and the switch configuration.\n${SW}`,
    minArgs: 1,
    maxArgs: 1,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const features = await client.request(
          { type: 'features_request', xid: client.allocXid() },
          ctx.opts.timeoutMs,
        );
        for (const r of features) ctx.io.out(ofpToString(r.raw, ctx.opts.verbosity + 1));
        await dumpTransaction(ctx, client, multipart(client, { kind: 'port_desc' }));
        client.skipXids(1);
        await dumpTransaction(ctx, client, { type: 'get_config_request', xid: client.allocXid() });
        return 0;
      }),
  },
  simple('dump-desc', 'print the switch description', { kind: 'desc' }),
  simple('dump-tables', 'print table statistics', { kind: 'table' }),
  {
    name: 'dump-table-features',
    usage: 'SWITCH',
    summary: 'print the features of each table',
    help:
      'Prints what each table can match, which instructions and actions it takes, with ' +
      `"ditto" for runs of identical tables (across all reply messages).\n${SW}`,
    minArgs: 1,
    maxArgs: 1,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const replies = await client.request(
          multipart(client, { kind: 'table_features', tables: [] }),
          ctx.opts.timeoutMs,
        );
        const tables: TableFeatures[] = [];
        for (const r of replies) {
          const m = r.msg;
          if (m?.type === 'multipart_reply' && m.body.kind === 'table_features')
            tables.push(...m.body.tables);
          else ctx.io.out(ofpToString(r.raw, ctx.opts.verbosity + 1));
        }
        if (tables.length > 0) ctx.io.out(`${printTableFeatures(tables).slice(1)}\n`);
        return 0;
      }),
  },
  simple('dump-group-features', 'print group table features', { kind: 'group_features' }),
  simple('meter-features', 'print meter features', { kind: 'meter_features' }),
  {
    name: 'dump-ports',
    usage: 'SWITCH [PORT]',
    summary: 'print port statistics, of all ports or of PORT',
    help: `Prints receive and transmit counters. PORT is a number, a name or LOCAL.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const portNo = args[1] !== undefined ? await portArg(ctx, client, args[1], args[0]!) : ANY;
        await dumpTransaction(ctx, client, multipart(client, { kind: 'port_stats', portNo }));
        return 0;
      }),
  },
  {
    name: 'dump-ports-desc',
    usage: 'SWITCH [PORT]',
    summary: 'print port descriptions (OpenFlow 1.3 always reports every port)',
    help: `Prints each port's number, name, address, configuration, state and speed.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        if (args[1] !== undefined) await portArg(ctx, client, args[1], args[0]!);
        await dumpTransaction(ctx, client, multipart(client, { kind: 'port_desc' }));
        return 0;
      }),
  },
  {
    name: 'queue-stats',
    usage: 'SWITCH [PORT [QUEUE]]',
    summary: 'print queue statistics',
    help: `Prints the statistics of every queue, those of PORT, or one QUEUE of PORT.\n${SW}`,
    minArgs: 1,
    maxArgs: 3,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const portNo =
          args[1] !== undefined && args[1] !== 'ALL'
            ? await portArg(ctx, client, args[1], args[0]!)
            : ANY;
        const queueId =
          args[2] !== undefined && args[2] !== 'ALL' ? Number(parseNumeric(args[2], 32)) : ANY;
        await dumpTransaction(ctx, client, multipart(client, { kind: 'queue', portNo, queueId }));
        return 0;
      }),
  },
  {
    name: 'mod-port',
    usage: 'SWITCH PORT ACTION',
    summary: 'change a port: up, down, (no-)receive, (no-)forward, (no-)packet-in',
    help: `Sends a PORT_MOD for PORT with the port's current address.\n${SW}`,
    minArgs: 3,
    maxArgs: 3,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const word = PORT_CONFIG_WORDS[args[2]!.toLowerCase()];
        if (!word) {
          throw new CliError(
            `unknown mod-port command '${args[2]}' (use ${Object.keys(PORT_CONFIG_WORDS).join(', ')})`,
          );
        }
        const replies = await client.request(
          multipart(client, { kind: 'port_desc' }),
          ctx.opts.timeoutMs,
        );
        const wantedPort = parsePortOrUndef(args[1]!);
        const port = replies
          .flatMap((r) =>
            r.msg?.type === 'multipart_reply' && r.msg.body.kind === 'port_desc'
              ? r.msg.body.ports
              : [],
          )
          .find((p) => p.name === args[1] || p.portNo === wantedPort?.port);
        if (!port) throw new CliError(`${args[1]}: unknown port (see ofctl-ts dump-ports-desc)`);
        const [bit, set] = word;
        const err = await client.transact(
          [
            {
              type: 'port_mod',
              xid: client.allocXid(),
              portNo: port.portNo,
              hwAddr: port.hwAddr,
              config: set ? bit : 0,
              mask: bit,
              advertise: 0,
            },
          ],
          ctx.opts.timeoutMs,
        );
        return err ? reportSwitchError(ctx, err) : 0;
      }),
  },
];
