/**
 * Group and meter commands: add-group, add-groups, mod-group, del-groups, dump-groups,
 * dump-group-stats, add-meter, mod-meter, del-meters, dump-meters, meter-stats.
 * (dump-group-features and meter-features are plain dumps, in cmd-switch.)
 */
import { type Message, OFPG_ALL, OFPM_ALL } from '../codec/index.js';
import { GroupModCommand, parseGroupMod } from '../text/group.js';
import { MeterModCommand, parseMeterMod } from '../text/meter.js';
import { sendEach } from './cmd-flows.js';
import {
  acceptNames,
  type Command,
  type Context,
  dumpTransaction,
  preprocessedLines,
  readTextArg,
  reportSwitchError,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';

const SW = 'SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.';
const GROUP_WORDS: readonly (readonly [string, number])[] = [
  ['add', GroupModCommand.ADD],
  ['delete', GroupModCommand.DELETE],
  ['modify', GroupModCommand.MODIFY],
];

async function groupMods(
  ctx: Context,
  sw: string,
  texts: readonly { text: string; where?: string }[],
  command: number | 'per-line',
): Promise<number> {
  return withSwitch(ctx, sw, async (client) => {
    const ports = await acceptNames(ctx, client);
    const msgs: Message[] = texts.map((t) => {
      try {
        let cmd = command === 'per-line' ? GroupModCommand.ADD : command;
        let text = t.text;
        if (command === 'per-line') {
          const token = /^\s*([^, \t\r\n]*)/.exec(text)![1]!;
          const hit = token ? GROUP_WORDS.find(([w]) => w.startsWith(token)) : undefined;
          if (hit) {
            cmd = hit[1];
            text = text.replace(/^\s*[^, \t\r\n]*/, '');
          }
        }
        return parseGroupMod(text, cmd, { ports });
      } catch (e) {
        if (t.where) throw new CliError(`${t.where}: ${(e as Error).message}`);
        throw e;
      }
    });
    const err = await sendEach(ctx, client, msgs);
    return err ? reportSwitchError(ctx, err, ports) : 0;
  });
}

async function meterMod(ctx: Context, sw: string, text: string, command: number): Promise<number> {
  const mm = parseMeterMod(text, command);
  return withSwitch(ctx, sw, async (client) => {
    const err = await sendEach(ctx, client, [mm]);
    return err ? reportSwitchError(ctx, err) : 0;
  });
}

function meterRequest(kind: 'meter' | 'meter_config', name: string, summary: string): Command {
  return {
    name,
    usage: 'SWITCH [meter=ID]',
    summary,
    help: `${summary[0]!.toUpperCase()}${summary.slice(1)}; all meters without an argument.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: async (ctx, args) => {
      const meterId = args[1] !== undefined ? parseMeterMod(args[1], 'request').meterId : OFPM_ALL;
      return withSwitch(ctx, args[0]!, async (client) => {
        await dumpTransaction(ctx, client, {
          type: 'multipart_request',
          xid: client.allocXid(),
          flags: 0,
          body: { kind, meterId },
        });
        return 0;
      });
    },
  };
}

export const GROUP_METER_COMMANDS: readonly Command[] = [
  {
    name: 'add-group',
    usage: 'SWITCH GROUP',
    summary: 'add a group',
    help:
      'GROUP is group_id=N,type=all|select|indirect|ff, then bucket=... for each bucket ' +
      `(weight:W, watch_port:P, watch_group:G, actions=...).\n${SW}\n` +
      'Example: ofctl-ts add-group br0 "group_id=1,type=all,bucket=output:1,bucket=output:2"',
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => groupMods(ctx, args[0]!, [{ text: args[1]! }], GroupModCommand.ADD),
  },
  {
    name: 'add-groups',
    usage: 'SWITCH FILE',
    summary: 'add the groups in FILE, one per line ("-" for standard input)',
    help: `Like add-group for each line; '#' starts a comment.\n${SW}`,
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: async (ctx, args) => {
      const lines = preprocessedLines(await readTextArg(ctx, args[1]!));
      return groupMods(
        ctx,
        args[0]!,
        lines.map((l) => ({ text: l.line, where: `${args[1]}:${l.number}` })),
        'per-line',
      );
    },
  },
  {
    name: 'mod-group',
    usage: 'SWITCH GROUP',
    summary: "replace a group's type and buckets",
    help: `GROUP as for add-group.\n${SW}`,
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => groupMods(ctx, args[0]!, [{ text: args[1]! }], GroupModCommand.MODIFY),
  },
  {
    name: 'del-groups',
    usage: 'SWITCH [group_id=ID]',
    summary: 'delete all groups, or one',
    help: `Deletes every group, or the group group_id=ID.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => groupMods(ctx, args[0]!, [{ text: args[1] ?? '' }], GroupModCommand.DELETE),
  },
  {
    name: 'dump-groups',
    usage: 'SWITCH [GROUP_ID]',
    summary: 'print group descriptions (OpenFlow 1.3 always reports every group)',
    help: `Prints each group's id, type and buckets.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        await dumpTransaction(ctx, client, {
          type: 'multipart_request',
          xid: client.allocXid(),
          flags: 0,
          body: { kind: 'group_desc' },
        });
        return 0;
      }),
  },
  {
    name: 'dump-group-stats',
    usage: 'SWITCH [group_id=ID]',
    summary: 'print group statistics',
    help: `Prints packet and byte counters of every group, or of one.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const ports = await acceptNames(ctx, client);
        const groupId =
          args[1] !== undefined
            ? parseGroupMod(args[1], GroupModCommand.DELETE, { ports }).groupId
            : OFPG_ALL;
        await dumpTransaction(ctx, client, {
          type: 'multipart_request',
          xid: client.allocXid(),
          flags: 0,
          body: { kind: 'group', groupId },
        });
        return 0;
      }),
  },
  {
    name: 'add-meter',
    usage: 'SWITCH METER',
    summary: 'add a meter',
    help:
      'METER is meter=ID,kbps|pktps[,burst][,stats],bands=type=drop|dscp_remark,rate=R' +
      `[,burst_size=B][,prec_level=P]...\n${SW}\n` +
      'Example: ofctl-ts add-meter br0 meter=1,kbps,band=type=drop,rate=1000',
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => meterMod(ctx, args[0]!, args[1]!, MeterModCommand.ADD),
  },
  {
    name: 'mod-meter',
    usage: 'SWITCH METER',
    summary: "replace a meter's flags and bands",
    help: `METER as for add-meter.\n${SW}`,
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => meterMod(ctx, args[0]!, args[1]!, MeterModCommand.MODIFY),
  },
  {
    name: 'del-meters',
    usage: 'SWITCH [meter=ID]',
    summary: 'delete all meters, or one',
    help: `Deletes every meter, or meter=ID.\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) => meterMod(ctx, args[0]!, args[1] ?? 'meter=all', MeterModCommand.DELETE),
  },
  meterRequest('meter_config', 'dump-meters', 'print meter configurations'),
  meterRequest('meter', 'meter-stats', 'print meter statistics'),
];
