/**
 * The ofctl-ts command line as a function: parses options (anywhere on the line, as
 * getopt does), dispatches to a command, turns errors into "ofctl-ts: ..." on stderr and
 * an exit code. main.ts calls it with the process's streams; tests call it directly.
 */
import { TextError } from '../text/values.js';
import { FLOW_COMMANDS } from './cmd-flows.js';
import { GROUP_METER_COMMANDS } from './cmd-groups-meters.js';
import { PACKET_COMMANDS } from './cmd-packet.js';
import { SWITCH_COMMANDS } from './cmd-switch.js';
import { TRACE_COMMANDS } from './cmd-trace.js';
import { VNET_COMMANDS } from './cmd-vnet.js';
import { type Command, type Context, defaultOptions, type GlobalOptions } from './context.js';
import { FLOW_SYNC_COMMANDS } from './flow-sync.js';
import { bashCompletion, commandHelp, usageText } from './help.js';
import { CliError, type Io } from './io.js';

export { VERSION } from './version.js';

import { VERSION } from './version.js';

export const COMMANDS: readonly Command[] = [
  ...SWITCH_COMMANDS,
  ...FLOW_COMMANDS,
  ...FLOW_SYNC_COMMANDS,
  ...GROUP_METER_COMMANDS,
  ...PACKET_COMMANDS,
  ...TRACE_COMMANDS,
  ...VNET_COMMANDS,
];

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));

function protocolOk(value: string): void {
  const list = value.split(',').map((v) => v.trim());
  if (!list.some((v) => v === 'OpenFlow13' || v === 'OXM-OpenFlow13')) {
    throw new CliError(
      `${value}: ofctl-ts speaks OpenFlow 1.3 only; use -O OpenFlow13 (or leave -O out)`,
    );
  }
}

function timeout(value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s < 0)
    throw new CliError(`--timeout: "${value}" is not a number of seconds`);
  return s * 1000;
}

/** Splits argv into options and positional words. */
export function parseArgs(argv: readonly string[]): {
  opts: GlobalOptions;
  words: string[];
  version: boolean;
} {
  const opts = defaultOptions();
  const words: string[] = [];
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(0, eq) : a;
    const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new CliError(`option '${name}' requires an argument`);
      return next;
    };
    switch (name) {
      case '-O':
      case '--protocols':
        protocolOk(value());
        break;
      case '--names':
        opts.names = true;
        break;
      case '--no-names':
        opts.names = false;
        break;
      case '--sort':
      case '--rsort':
        opts.sort.push({
          field: inline && inline.toLowerCase() !== 'priority' ? inline : undefined,
          descending: name === '--rsort',
        });
        break;
      case '--no-stats':
        opts.stats = false;
        break;
      case '--strict':
        opts.strict = true;
        break;
      case '--readd':
        opts.readd = true;
        break;
      case '-t':
      case '--timeout':
        opts.timeoutMs = timeout(value());
        break;
      case '-m':
      case '--more':
        opts.verbosity++;
        break;
      case '-h':
      case '--help':
        opts.help = true;
        break;
      case '-V':
      case '--version':
        version = true;
        break;
      default:
        if (/^-O\S/.test(a)) {
          protocolOk(a.slice(2));
          break;
        }
        throw new CliError(`unrecognized option '${a}'; use --help for the list of options`);
    }
  }
  return { opts, words, version };
}

async function dispatch(io: Io, argv: readonly string[]): Promise<number> {
  // `controller` has options of its own: hand it everything after its name, unparsed.
  const first = argv.findIndex((a) => !a.startsWith('-'));
  if (argv[first] === 'controller') {
    const mod = (await import('./controller.js')) as {
      runController(argv: string[]): Promise<number>;
    };
    return mod.runController(argv.slice(first + 1));
  }
  const { opts, words, version } = parseArgs(argv);
  if (version) {
    io.out(`ofctl-ts ${VERSION} (OpenFlow 1.3)\n`);
    return 0;
  }
  const [name, ...args] = words;
  if (name === 'help' || (opts.help && name === undefined)) {
    const target = name === 'help' ? args[0] : undefined;
    if (target === undefined) {
      io.out(usageText(COMMANDS));
      return 0;
    }
    if (target === 'controller') {
      const mod = (await import('./controller.js')) as { CONTROLLER_USAGE: string };
      io.out(mod.CONTROLLER_USAGE);
      return 0;
    }
    const c = BY_NAME.get(target);
    if (!c) throw new CliError(`unknown command '${target}'; use --help for the list of commands`);
    io.out(commandHelp(c));
    return 0;
  }
  if (name === undefined) throw new CliError('missing command name; use --help for help');
  if (name === 'completion') {
    if (args[0] !== 'bash')
      throw new CliError("completion: only 'bash' is supported (ofctl-ts completion bash)");
    io.out(bashCompletion(COMMANDS));
    return 0;
  }
  const c = BY_NAME.get(name);
  if (!c) throw new CliError(`unknown command '${name}'; use --help for help`);
  if (opts.help) {
    io.out(commandHelp(c));
    return 0;
  }
  if (args.length < c.minArgs) {
    throw new CliError(
      `'${name}' command requires at least ${c.minArgs} argument${c.minArgs === 1 ? '' : 's'}: ofctl-ts ${name} ${c.usage}`,
    );
  }
  if (args.length > c.maxArgs) {
    throw new CliError(
      `'${name}' command takes at most ${c.maxArgs} argument${c.maxArgs === 1 ? '' : 's'}: ofctl-ts ${name} ${c.usage}`,
    );
  }
  const ctx: Context = { io, opts };
  return c.run(ctx, args);
}

/** Runs the command line; never throws. Returns the exit code. */
export async function runCli(io: Io, argv: readonly string[]): Promise<number> {
  try {
    const code = await dispatch(io, argv);
    io.flush();
    return code;
  } catch (e) {
    if (e instanceof CliError || e instanceof TextError) {
      io.err(`ofctl-ts: ${e.message}\n`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    io.err(`ofctl-ts: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
