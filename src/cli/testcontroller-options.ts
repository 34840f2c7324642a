/**
 * ovs-testcontroller's command line, for `ofctl-ts controller` to be its drop-in:
 * `ofctl-ts controller [OPTIONS] METHOD...` with the same connection methods and the
 * same options, parsed the way getopt_long parses them there (short options bundled,
 * `-w` with an attached optional mask, `--opt=value` or `--opt value`).
 *
 * Methods: passive `ptcp:[PORT][:IP]`, `pssl:[PORT][:IP]`, `punix:FILE` (listen; port
 * 6653, every IPv4 address by default, as in Open vSwitch) and active `tcp:HOST[:PORT]`,
 * `ssl:HOST[:PORT]`, `unix:FILE` (dial a switch that listens, and redial).
 *
 * Options that choose what the switch does (-H, -n, -N, -w, --max-idle, -q, -Q,
 * --with-flows) configure the lswitch app (apps/lswitch), which then runs instead of
 * the default l2-learning unless --app says otherwise. Options of Open vSwitch that make
 * no sense here, or that are not supported, fail with a message naming them.
 */
import { WILDCARDS_L2 } from '../../apps/lswitch/match.js';
import { checkConnect, checkListen, type LogLevel } from '../runtime/internal.js';

/** What the ovs-testcontroller part of a command line says. */
export interface TestcontrollerArgs {
  /** Passive methods, as --listen addresses. */
  readonly listen: string[];
  /** Active methods. */
  readonly connect: string[];
  /** appConfig.lswitch from -H/-n/-N/-w/--max-idle/-q/-Q/--with-flows, if any was given. */
  readonly lswitch: Record<string, unknown> | undefined;
  readonly tls: { cert?: string; key?: string; ca?: string };
  readonly daemon: DaemonOptions;
  readonly logLevel: LogLevel | undefined;
  readonly version: boolean;
  /** Said on stderr before starting, as ovs-testcontroller says them. */
  readonly warnings: string[];
}

export interface DaemonOptions {
  /** --pidfile[=FILE]: '' for the default path. */
  pidfile?: string;
  overwritePidfile?: boolean;
  detach?: boolean;
  /** --log-file[=FILE]: '' for the default path. */
  logFile?: string;
  unixctl?: string;
}

export class TestcontrollerUsageError extends Error {}

type Arity = 'none' | 'required' | 'optional';

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly arity: Arity;
}

/** Every option ovs-testcontroller 3.1 knows (ovs-testcontroller.c parse_options). */
const OPTIONS: readonly OptionSpec[] = [
  { long: 'hub', short: 'H', arity: 'none' },
  { long: 'noflow', short: 'n', arity: 'none' },
  { long: 'normal', short: 'N', arity: 'none' },
  { long: 'wildcards', short: 'w', arity: 'optional' },
  { long: 'max-idle', arity: 'required' },
  { long: 'mute', arity: 'none' },
  { long: 'queue', short: 'q', arity: 'required' },
  { long: 'port-queue', short: 'Q', arity: 'required' },
  { long: 'with-flows', arity: 'required' },
  { long: 'unixctl', arity: 'required' },
  { long: 'version', short: 'V', arity: 'none' },
  // Daemon options (lib/daemon.h).
  { long: 'detach', arity: 'none' },
  { long: 'no-chdir', arity: 'none' },
  { long: 'no-self-confinement', arity: 'none' },
  { long: 'pidfile', arity: 'optional' },
  { long: 'overwrite-pidfile', arity: 'none' },
  { long: 'monitor', arity: 'none' },
  { long: 'user', arity: 'required' },
  // OpenFlow versions (lib/ofp-version-opt.h).
  { long: 'protocols', short: 'O', arity: 'required' },
  // Logging (lib/vlog.h).
  { long: 'verbose', short: 'v', arity: 'optional' },
  { long: 'log-file', arity: 'optional' },
  { long: 'syslog-method', arity: 'required' },
  { long: 'syslog-target', arity: 'required' },
  // SSL (lib/stream-ssl.h).
  { long: 'private-key', short: 'p', arity: 'required' },
  { long: 'certificate', short: 'c', arity: 'required' },
  { long: 'ca-cert', short: 'C', arity: 'required' },
  { long: 'peer-ca-cert', arity: 'required' },
  { long: 'bootstrap-ca-cert', arity: 'required' },
  { long: 'ssl-protocols', arity: 'required' },
  { long: 'ssl-ciphers', arity: 'required' },
];

const BY_LONG = new Map(OPTIONS.map((o) => [o.long, o]));
const BY_SHORT = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));

/** Why an option of ovs-testcontroller is refused here, and what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  mute: 'a debugging aid for Open vSwitch fail-open mode; ofctl-ts always answers its switches',
  monitor: 'run ofctl-ts under systemd (Restart=on-failure) to restart it when it dies',
  user: 'start ofctl-ts as the user it should run as (it needs no privileges to listen on 6653)',
  'bootstrap-ca-cert': 'give the CA certificate with -C/--ca-cert',
  'ssl-protocols': 'ofctl-ts uses Node.js TLS defaults (TLS 1.2 and 1.3)',
  'ssl-ciphers': 'ofctl-ts uses Node.js TLS defaults',
  'syslog-method': 'logs are JSON lines on stdout or --log-file; send them to syslog with systemd',
  'syslog-target': 'logs are JSON lines on stdout or --log-file; send them to syslog with systemd',
};

/** Open vSwitch's vlog levels, as pino's. */
const VLOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  off: 'silent',
  emer: 'fatal',
  err: 'error',
  warn: 'warn',
  info: 'info',
  dbg: 'debug',
};

const PASSIVE = /^(ptcp|pssl):(\d*)(?::(\[[0-9a-fA-F:.]+\]|[^:[\]]+))?$/;

/** A passive method as a listen address: `ptcp:6653:127.0.0.1` -> `tcp:127.0.0.1:6653`. */
export function passiveToListen(method: string): string {
  if (method.startsWith('punix:')) {
    if (method.length === 6)
      throw new TestcontrollerUsageError(`${method}: punix: needs a file name`);
    return `unix:${method.slice(6)}`;
  }
  const m = PASSIVE.exec(method);
  if (!m) {
    throw new TestcontrollerUsageError(
      `${method}: expected ptcp:[PORT][:IP], pssl:[PORT][:IP] or punix:FILE`,
    );
  }
  const port = m[2] === '' ? '6653' : m[2]!;
  const host = m[3] ?? '0.0.0.0';
  return `${m[1] === 'pssl' ? 'ssl' : 'tcp'}:${host}:${port}`;
}

/** True for an argument that is a connection method rather than an option or a value. */
export function isMethod(arg: string): boolean {
  return /^(ptcp|pssl|punix|tcp|ssl|unix):/.test(arg);
}

interface Parsed {
  readonly spec: OptionSpec;
  readonly value: string | undefined;
  readonly spelled: string;
}

/**
 * Takes the ovs-testcontroller options and methods out of `argv`; returns the other
 * arguments (ofctl-ts's own options, for parseControllerArgs) and what the taken ones say.
 */
export function takeTestcontrollerArgs(
  argv: readonly string[],
  /** ofctl-ts's own options that take the next argument as their value (--listen ...). */
  ownValueFlags: readonly string[] = [],
): {
  rest: string[];
  tc: TestcontrollerArgs;
} {
  const rest: string[] = [];
  const parsed: Parsed[] = [];
  const methods: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (ownValueFlags.includes(arg)) {
      rest.push(arg);
      if (i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    if (isMethod(arg)) {
      methods.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq > 0 ? eq : undefined);
      const spec = BY_LONG.get(name);
      if (!spec) {
        rest.push(arg); // ofctl-ts's own (or unknown: parseControllerArgs says so)
        continue;
      }
      let value = eq > 0 ? arg.slice(eq + 1) : undefined;
      if (spec.arity === 'none' && value !== undefined) {
        throw new TestcontrollerUsageError(`option --${name} takes no value`);
      }
      if (spec.arity === 'required' && value === undefined) {
        value = argv[++i];
        if (value === undefined)
          throw new TestcontrollerUsageError(`option --${name} needs a value`);
      }
      parsed.push({ spec, value, spelled: `--${name}` });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && arg !== '-h') {
      i = takeShort(argv, i, parsed, rest);
      continue;
    }
    rest.push(arg);
  }
  return { rest, tc: interpret(parsed, methods) };
}

/** One bundle of short options (`-Hn`, `-w0x10`, `-q 2`); returns the last index used. */
function takeShort(argv: readonly string[], i: number, parsed: Parsed[], rest: string[]): number {
  const arg = argv[i]!;
  for (let j = 1; j < arg.length; j++) {
    const spec = BY_SHORT.get(arg[j]!);
    if (!spec) {
      if (j === 1) {
        rest.push(arg); // not one of ovs-testcontroller's: ofctl-ts's own, e.g. -h
        return i;
      }
      throw new TestcontrollerUsageError(`unknown option -${arg[j]} in ${arg}`);
    }
    const attached = arg.slice(j + 1);
    if (spec.arity === 'none') {
      parsed.push({ spec, value: undefined, spelled: `-${spec.short}` });
      continue;
    }
    if (attached !== '') {
      parsed.push({ spec, value: attached, spelled: `-${spec.short}` });
      return i;
    }
    if (spec.arity === 'optional') {
      parsed.push({ spec, value: undefined, spelled: `-${spec.short}` });
      return i;
    }
    const value = argv[i + 1];
    if (value === undefined)
      throw new TestcontrollerUsageError(`option -${spec.short} needs a value`);
    parsed.push({ spec, value, spelled: `-${spec.short}` });
    return i + 1;
  }
  return i;
}

function interpret(parsed: readonly Parsed[], methods: readonly string[]): TestcontrollerArgs {
  const listen: string[] = [];
  const connect: string[] = [];
  for (const m of methods) {
    try {
      if (m.startsWith('p')) listen.push(checkListen(passiveToListen(m), m));
      else connect.push(checkConnect(m, m));
    } catch (e) {
      if (e instanceof TestcontrollerUsageError) throw e;
      throw new TestcontrollerUsageError((e as Error).message);
    }
  }
  const lswitch: Record<string, unknown> = {};
  const portQueues: Record<string, number> = {};
  const withFlows: string[] = [];
  const tls: TestcontrollerArgs['tls'] = {};
  const daemon: DaemonOptions = {};
  const warnings: string[] = [];
  let logLevel: LogLevel | undefined;
  let version = false;
  for (const { spec, value, spelled } of parsed) {
    const why = UNSUPPORTED[spec.long];
    if (why) throw new TestcontrollerUsageError(`${spelled} is not supported: ${why}`);
    switch (spec.long) {
      case 'hub':
        lswitch.mode = 'hub';
        break;
      case 'normal':
        lswitch.mode = 'normal';
        break;
      case 'noflow':
        lswitch.setUpFlows = false;
        break;
      case 'wildcards':
        lswitch.wildcards = value === undefined ? WILDCARDS_L2 : hexMask(value, spelled);
        break;
      case 'max-idle':
        lswitch.maxIdle = maxIdle(value!);
        break;
      case 'queue':
        lswitch.queue = decimal(value!, spelled);
        break;
      case 'port-queue': {
        const colon = value!.indexOf(':');
        if (colon <= 0 || colon === value!.length - 1) {
          throw new TestcontrollerUsageError(
            `argument to -Q or --port-queue should take the form "<port-name>:<queue-id>", got "${value}"`,
          );
        }
        const name = value!.slice(0, colon);
        if (name in portQueues) {
          throw new TestcontrollerUsageError(
            '<port-name> arguments for -Q or --port-queue must be unique',
          );
        }
        portQueues[name] = decimal(value!.slice(colon + 1), spelled);
        break;
      }
      case 'with-flows':
        withFlows.push(value!);
        break;
      case 'unixctl':
        daemon.unixctl = value!;
        break;
      case 'version':
        version = true;
        break;
      case 'detach':
        daemon.detach = true;
        break;
      case 'pidfile':
        daemon.pidfile = value ?? '';
        break;
      case 'overwrite-pidfile':
        daemon.overwritePidfile = true;
        break;
      case 'no-chdir':
      case 'no-self-confinement':
        break; // ofctl-ts never changes directory and has no confinement to opt out of
      case 'log-file':
        daemon.logFile = value ?? '';
        break;
      case 'verbose':
        logLevel = vlogLevel(value);
        break;
      case 'protocols':
        checkProtocols(value!);
        break;
      case 'private-key':
        tls.key = value!;
        break;
      case 'certificate':
        tls.cert = value!;
        break;
      case 'ca-cert':
      case 'peer-ca-cert':
        tls.ca = value!;
        break;
      default:
        throw new TestcontrollerUsageError(`${spelled}: not handled`);
    }
  }
  if (Object.keys(portQueues).length > 0) lswitch.portQueues = portQueues;
  if (withFlows.length > 0) lswitch.withFlows = withFlows;
  // ovs-testcontroller.c: queues win over -N and -H, with these words.
  if (lswitch.queue !== undefined || lswitch.portQueues !== undefined) {
    if (lswitch.mode === 'normal') {
      warnings.push('queue IDs are incompatible with -N or --normal; not using OFPP_NORMAL');
      lswitch.mode = 'learn';
    } else if (lswitch.mode === 'hub') {
      warnings.push('queue IDs are incompatible with -H or --hub; not acting as hub');
      lswitch.mode = 'learn';
    }
  }
  return {
    listen,
    connect,
    lswitch: Object.keys(lswitch).length > 0 || methods.length > 0 ? lswitch : undefined,
    tls,
    daemon,
    logLevel,
    version,
    warnings,
  };
}

function hexMask(v: string, flag: string): number {
  if (!/^(0x)?[0-9a-f]+$/i.test(v)) {
    throw new TestcontrollerUsageError(
      `${flag}: expected a hexadecimal OpenFlow 1.0 wildcard mask, got "${v}"`,
    );
  }
  return Number.parseInt(v.replace(/^0x/i, ''), 16) & 0x3fffff;
}

function maxIdle(v: string): number | 'permanent' {
  if (v === 'permanent') return v;
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 1 && n <= 65535)) {
    throw new TestcontrollerUsageError(
      "--max-idle argument must be between 1 and 65535 or the word 'permanent'",
    );
  }
  return n;
}

function decimal(v: string, flag: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 0 && n <= 0xfffffffe)) {
    throw new TestcontrollerUsageError(
      `${flag}: expected a queue ID (a decimal number), got "${v}"`,
    );
  }
  return n;
}

/** `-v`, `-vdbg`, `-vconsole:info`, `--verbose=ANY:file:warn`: the most verbose level named. */
export function vlogLevel(spec: string | undefined): LogLevel {
  if (spec === undefined || spec === '') return 'debug';
  const words = spec.split(/[:,\s]+/).filter((w) => w in VLOG_LEVELS);
  if (words.length === 0) return 'debug';
  return VLOG_LEVELS[words[words.length - 1]!]!;
}

function checkProtocols(list: string): void {
  const names = list.split(',').map((s) => s.trim());
  if (!names.some((n) => n === 'OpenFlow13')) {
    throw new TestcontrollerUsageError(
      `-O ${list}: ofctl-ts speaks OpenFlow 1.3 only; give -O OpenFlow13 (or leave -O out)`,
    );
  }
}
