/**
 * packet-out (send a frame through actions), monitor (print what the switch sends
 * asynchronously: packet-ins, flow removals, port status), ofp-print (decode hex) and
 * parse-flow (print the FLOW_MOD a flow text becomes).
 */
import { encodeMessage, FlowModCommand, OFP_NO_BUFFER, OFPP } from '../codec/index.js';
import { encodeActions } from '../text/actions-encode.js';
import { parseActionList } from '../text/actions-parse.js';
import { parseFlow, toFlowMod } from '../text/flow-parse.js';
import { parsePortOrUndef } from '../text/ports.js';
import { ofpToString } from '../text/print/index.js';
import { extractActions, parseKeyValues } from '../text/tokenize.js';
import { fail } from '../text/values.js';
import { sendEach } from './cmd-flows.js';
import {
  acceptNames,
  type Command,
  type Context,
  reportSwitchError,
  withSwitch,
} from './context.js';
import { CliError } from './io.js';

const SW = 'SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.';

/** Hex bytes, white space allowed between byte pairs. */
export function parseHex(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(compact)) {
    throw new CliError(`${what}: Trailing garbage in packet data (expected pairs of hex digits)`);
  }
  return Buffer.from(compact, 'hex');
}

interface PacketOutSpec {
  inPort: number;
  actionsText: string;
  packet: Buffer;
}

function parsePacketOut(args: readonly string[]): PacketOutSpec {
  if (args.length > 2) {
    const p = parsePortOrUndef(args[1]!);
    if (!p) fail(`${args[1]}: invalid in_port`);
    return {
      inPort: p.port,
      actionsText: args[2]!,
      packet: parseHex(args.slice(3).join(''), 'packet'),
    };
  }
  const { match, actions } = extractActions(args[1]!);
  if (actions === undefined) fail('must specify actions');
  let inPort: number = OFPP.CONTROLLER;
  let packet: Buffer | undefined;
  for (const { key, value } of parseKeyValues(match)) {
    if (key === 'in_port') {
      const p = parsePortOrUndef(value);
      if (!p) fail(`${value}: invalid or unknown port for in_port`);
      inPort = p.port;
    } else if (key === 'packet') packet = parseHex(value, 'packet');
    else fail(`unknown keyword ${key}`);
  }
  if (!packet) fail('must specify packet');
  return { inPort, actionsText: actions, packet };
}

async function monitor(ctx: Context, args: readonly string[]): Promise<number> {
  const missLen = args[1] !== undefined ? Number(args[1]) : undefined;
  if (missLen !== undefined && !(Number.isInteger(missLen) && missLen >= 0 && missLen <= 65535)) {
    throw new CliError(`${args[1]}: miss-len must be a number from 0 to 65535`);
  }
  return withSwitch(ctx, args[0]!, async (client) => {
    const cfg = await client.request(
      { type: 'get_config_request', xid: client.allocXid() },
      ctx.opts.timeoutMs,
    );
    const current = cfg[0]?.msg?.type === 'get_config_reply' ? cfg[0].msg : undefined;
    if (missLen !== undefined) {
      await client.transact(
        [
          {
            type: 'set_config',
            xid: client.allocXid(),
            flags: current?.flags ?? 0,
            missSendLen: missLen,
          },
        ],
        ctx.opts.timeoutMs,
      );
    }
    await new Promise<void>((resolve) => {
      // ovs-ofctl monitor prints what it receives on stderr; so does this.
      client.onAsync((r) => ctx.io.err(ofpToString(r.raw, ctx.opts.verbosity + 2)));
      client.onClose(resolve);
    });
    return 0;
  });
}

export const PACKET_COMMANDS: readonly Command[] = [
  {
    name: 'packet-out',
    usage: 'SWITCH "in_port=PORT,packet=HEX,actions=ACTIONS" | SWITCH IN_PORT ACTIONS HEX...',
    summary: 'send a packet through ACTIONS',
    help: `Sends a PACKET_OUT carrying the frame (OVS does not buffer, so the frame is always sent).\n${SW}\nExample: ofctl-ts packet-out br0 "in_port=LOCAL,packet=ffffffffffff...,actions=output:1"`,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const ports = await acceptNames(ctx, client);
        const spec = parsePacketOut(args);
        const actions = encodeActions(parseActionList(spec.actionsText, { ports }, true));
        const err = await sendEach(ctx, client, [
          {
            type: 'packet_out',
            xid: 0,
            bufferId: OFP_NO_BUFFER,
            inPort: spec.inPort,
            actions,
            data: spec.packet,
          },
        ]);
        return err ? reportSwitchError(ctx, err, ports) : 0;
      }),
  },
  {
    name: 'monitor',
    usage: 'SWITCH [MISS-LEN]',
    summary: 'print the asynchronous messages the switch sends until interrupted',
    help:
      'Prints packet-ins, flow removals and port status changes as they arrive, on standard ' +
      'error as ovs-ofctl monitor does (redirect with 2>&1). MISS-LEN ' +
      `sets how many bytes of each packet the switch sends (set_config miss_send_len).\n${SW}`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: true,
    run: monitor,
  },
  {
    name: 'ofp-print',
    usage: 'HEX [VERBOSITY]',
    summary: 'decode an OpenFlow message written in hex and print it',
    help: 'Prints the message as ovs-ofctl ofp-print does. VERBOSITY defaults to 2; 3 adds packet hex dumps.',
    minArgs: 1,
    maxArgs: 2,
    switchArg: false,
    run: async (ctx, args) => {
      const compact = args[0]!.replace(/\s+/g, '');
      if (!/^([0-9a-fA-F]{2})*$/.test(compact)) {
        throw new CliError('trailing garbage following hex bytes (expected pairs of hex digits)');
      }
      const verbosity = args[1] !== undefined ? Number(args[1]) : 2;
      if (!Number.isInteger(verbosity) || verbosity < 0) {
        throw new CliError(`${args[1]}: VERBOSITY must be a number (0-5)`);
      }
      ctx.io.out(ofpToString(Buffer.from(compact, 'hex'), verbosity));
      return 0;
    },
  },
  {
    name: 'parse-flow',
    usage: 'FLOW',
    summary: 'print the FLOW_MOD that FLOW becomes, and its bytes',
    help: 'Parses FLOW as add-flow would and prints the message and its hex encoding.',
    minArgs: 1,
    maxArgs: 1,
    switchArg: false,
    run: async (ctx, args) => {
      const fm = toFlowMod(
        parseFlow(args[0]!, FlowModCommand.ADD, { warn: (w) => ctx.io.err(`ofctl-ts: ${w}\n`) }),
        1,
      );
      const bytes = encodeMessage(fm);
      ctx.io.out(ofpToString(bytes, 2));
      ctx.io.out(`${bytes.toString('hex')}\n`);
      return 0;
    },
  },
];
