/**
 * `ofctl-ts controller`: parses the command line and the config file, loads the apps,
 * starts the runtime, prints the startup line and runs until SIGINT or SIGTERM, then
 * shuts down cleanly and returns 0. Bad arguments return 2, a bad config or an app
 * that cannot load returns 1, each with a message that says what to fix.
 */
import cluster from 'node:cluster';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILTIN_APPS } from '../../apps/index.js';
import {
  API_FLAGS,
  API_USAGE,
  type ApiFlag,
  type ApiServer,
  apiSettings,
  applyApiFlag,
  intentFileOf,
  isApiFlag,
  loadOrCreateToken,
  Metrics,
  parseApiAddress,
  startApi,
  tokenFileOf,
} from '../api/index.js';
import {
  checkNodeId,
  defaultNodeId,
  EtcdCluster,
  parseClusterEndpoints,
} from '../cluster/index.js';
import { OvsdbHub, parseOvsdbAddress } from '../ovsdb/index.js';
import {
  type AppInstance,
  ConfigError,
  Controller,
  type ControllerSettings,
  checkConnect,
  checkInt,
  checkListen,
  checkLogLevel,
  checkMissSendLen,
  checkOvsdb,
  controllerOptions,
  createLogger,
  DEFAULT_SETTINGS,
  FileIntentStore,
  formatDpid,
  formatListenAddress,
  LIMITS,
  type Logger,
  loadApp,
  parseConfigFile,
  RuntimeView,
  readConfigText,
} from '../runtime/internal.js';
import {
  checkPidfile,
  detach,
  isDetachedChild,
  logDestination,
  signalReady,
  writePidfile,
} from './daemon.js';
import {
  type TestcontrollerArgs,
  TestcontrollerUsageError,
  takeTestcontrollerArgs,
  vlogLevel,
} from './testcontroller-options.js';
import { defaultUnixctlPath, startUnixctl, type UnixctlServer } from './unixctl.js';
import { VERSION } from './version.js';

export const CONTROLLER_USAGE = `usage: ofctl-ts controller [options] [METHOD...]

Runs the OpenFlow 1.3 controller with the given apps (default: l2-learning).

options:
  --listen tcp:HOST:PORT|ssl:HOST:PORT|unix:PATH
                           where switches connect (repeatable; default tcp:127.0.0.1:6653,
                           loopback only: another host is exposed to the network, warned at start)
  --cert FILE, --key FILE, --ca FILE
                           for ssl: the controller's certificate and private key, and the CA
                           certificate that switch certificates must be signed by (PEM)
  --app NAME|PATH          app to run (repeatable, events go to apps in this order;
                           built-in: ${Object.keys(BUILTIN_APPS).join(', ')})
  --config FILE            JSON config file (command-line options override it)
  --log-level LEVEL        fatal, error, warn, info (default), debug, trace, silent
  --pretty, --no-pretty    human-readable logs (default: when stdout is a terminal)
  --miss-send-len N        bytes of a table-miss packet the switch sends (default 65535 = all)
  --echo-interval S        seconds of silence before an echo request (default 5)
  --echo-timeout S         seconds to wait for an answer before dropping a switch (default 10)
  --request-timeout S      seconds to wait for a reply to a request (default 10)
  --output-limit BYTES     per-switch unsent output before reading pauses, e.g. 8M (default)
  --workers N              worker processes sharing the switches (node:cluster; default 1:
                           use 2 on a machine with a spare core; each app runs once per
                           worker and sees only that worker's switches)
  --ovsdb unix:PATH|tcp:HOST:PORT
                           an Open_vSwitch database to monitor (repeatable): apps such as
                           vnet read bridges, ports, tags and interfaces from it
  --ovsdb-listen tcp:HOST:PORT
                           accept Open_vSwitch databases that dial the controller
                           (\`ovs-vsctl set-manager tcp:CONTROLLER:6640\`; default off)
  --no-flow-model          do not keep the model of each switch's flow tables (default: kept,
                           fed every flow-mod sent; --flow-model turns it back on)
  --connect tcp:HOST[:PORT]|ssl:HOST[:PORT]|unix:PATH
                           a switch that listens (ovs-vsctl set-controller br0 ptcp:6653),
                           dialed and redialed with backoff (repeatable)
${API_USAGE}
  --cluster etcd:http://HOST:PORT[,http://HOST:PORT...]
                           join the controllers sharing this etcd: one master per switch,
                           the others SLAVE, takeover within about 3 s; the intent store
                           lives in etcd then (docs/cluster.md)
  --node-id NAME           this controller's name in the cluster (default: host name and
                           first listen port; give each controller its own)
  -h, --help               this text

ovs-testcontroller's command line (docs/migrating.md); these run the lswitch app:
  METHOD                   ptcp:[PORT][:IP], pssl:[PORT][:IP], punix:FILE (listen), or
                           tcp:HOST[:PORT], ssl:HOST[:PORT], unix:FILE (dial); port 6653
  -H, --hub                act as hub instead of learning switch
  -n, --noflow             pass traffic, but don't add flows
  --max-idle=SECS          max idle time for new flows (or 'permanent'; default 60)
  -N, --normal             use OFPP_NORMAL action
  -w, --wildcards[=MASK]   wildcard (specified) OpenFlow 1.0 bits in flows
  -q, --queue=QUEUE-ID     OpenFlow queue ID to use for output
  -Q PORT-NAME:QUEUE-ID    use QUEUE-ID for frames from PORT-NAME
  --with-flows FILE        use the flows from FILE
  -p, -c, -C FILE          TLS private key, certificate, CA certificate
  --pidfile[=FILE], --overwrite-pidfile, --detach, --log-file[=FILE], --unixctl=SOCKET,
  -v[SPEC], -O OpenFlow13, -V (--mute, --monitor, --user and syslog are refused)`;

/** What the command line says; undefined fields fall back to the config file, then defaults. */
export interface ControllerArgs {
  readonly help: boolean;
  readonly config: string | undefined;
  readonly settings: Partial<ControllerSettings>;
  /** ovs-testcontroller's methods and options (see testcontroller-options.ts). */
  readonly testcontroller: TestcontrollerArgs;
  /** The API and state flags (src/api/options.ts). */
  readonly api: Partial<Record<ApiFlag, string>>;
  /** --cluster: the etcd endpoints; undefined: no cluster (no etcd needed). */
  readonly cluster?: readonly string[] | undefined;
  readonly nodeId?: string | undefined;
}

class UsageError extends Error {}

const VALUE_FLAGS = [
  '--listen',
  '--connect',
  '--app',
  '--config',
  '--log-level',
  '--miss-send-len',
  '--echo-interval',
  '--echo-timeout',
  '--request-timeout',
  '--output-limit',
  '--cert',
  '--key',
  '--ca',
  '--workers',
  '--ovsdb',
  '--ovsdb-listen',
  '--cluster',
  '--node-id',
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Parses `controller` arguments; throws UsageError (via ConfigError for bad values). */
export function parseControllerArgs(all: readonly string[]): ControllerArgs {
  const s: { -readonly [K in keyof ControllerSettings]?: ControllerSettings[K] } = {};
  const listen: string[] = [];
  const connect: string[] = [];
  const apps: string[] = [];
  const ovsdb: string[] = [];
  let config: string | undefined;
  let help = false;
  const { rest: argv, tc } = takeTestcontrollerArgs(all, [...VALUE_FLAGS, ...API_FLAGS]);
  let clusterEndpoints: string[] | undefined;
  let nodeId: string | undefined;
  const api: Partial<Record<ApiFlag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--pretty' || arg === '--no-pretty') {
      s.pretty = arg === '--pretty';
      continue;
    }
    if (arg === '--flow-model' || arg === '--no-flow-model') {
      s.flowModel = arg === '--flow-model';
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = (eq > 0 ? arg.slice(0, eq) : arg) as ValueFlag;
    if (isApiFlag(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      try {
        applyApiFlag(api, flag, value);
      } catch (e) {
        throw new ConfigError(flag, (e as Error).message);
      }
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) {
      throw new UsageError(
        arg.startsWith('-')
          ? `unknown option ${arg}`
          : `unexpected argument "${arg}" (options start with --)`,
      );
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      value = next;
    }
    switch (flag) {
      case '--listen':
        listen.push(checkListen(value, flag));
        break;
      case '--connect':
        connect.push(checkConnect(value, flag));
        break;
      case '--app':
        apps.push(value);
        break;
      case '--ovsdb':
        ovsdb.push(checkOvsdb(value, flag));
        break;
      case '--ovsdb-listen':
        s.ovsdbListen = checkOvsdb(value, flag, true);
        break;
      case '--config':
        config = value;
        break;
      case '--log-level':
        s.logLevel = checkLogLevel(value, flag);
        break;
      case '--miss-send-len':
        s.missSendLen = checkMissSendLen(
          checkInt(numeric(value, flag), flag, LIMITS.missSendLen),
          flag,
        );
        break;
      case '--echo-interval':
        s.echoInterval = seconds(value, flag);
        break;
      case '--echo-timeout':
        s.echoTimeout = seconds(value, flag);
        break;
      case '--request-timeout':
        s.requestTimeout = seconds(value, flag);
        break;
      case '--output-limit':
        s.outputLimit = checkInt(bytes(value, flag), flag, LIMITS.outputLimit);
        break;
      case '--workers':
        s.workers = checkInt(numeric(value, flag), flag, LIMITS.workers);
        break;
      case '--cert':
      case '--key':
      case '--ca':
        s[flag.slice(2) as 'cert' | 'key' | 'ca'] = value;
        break;
      case '--cluster':
        clusterEndpoints = wrap(flag, () => parseClusterEndpoints(value));
        break;
      case '--node-id':
        nodeId = wrap(flag, () => checkNodeId(value));
        break;
    }
  }
  if (nodeId !== undefined && clusterEndpoints === undefined) {
    throw new UsageError('--node-id names this controller in a cluster: give --cluster too');
  }
  // ovs-testcontroller's methods are the only addresses when given, beside --listen's.
  if (listen.length + tc.listen.length > 0 || tc.connect.length > 0) {
    s.listen = [...listen, ...tc.listen];
  }
  if (connect.length + tc.connect.length > 0) s.connect = [...connect, ...tc.connect];
  if (apps.length > 0) {
    s.apps = apps;
    if (tc.lswitch && Object.keys(tc.lswitch).length > 0 && !apps.includes('lswitch')) {
      throw new UsageError(
        `${Object.keys(tc.lswitch).join(', ')}: ovs-testcontroller's options configure the lswitch ` +
          'app; add --app lswitch, or leave them out',
      );
    }
  } else if (tc.lswitch) s.apps = ['lswitch'];
  if (tc.logLevel && s.logLevel === undefined) s.logLevel = tc.logLevel;
  s.cert ??= tc.tls.cert;
  s.key ??= tc.tls.key;
  s.ca ??= tc.tls.ca;
  for (const k of ['cert', 'key', 'ca'] as const) if (s[k] === undefined) delete s[k];
  if ((s.workers ?? 1) > 1 && (s.connect?.length ?? 0) > 0) {
    throw new UsageError('--workers cannot be combined with switches to dial (tcp:, ssl:, unix:)');
  }
  if (ovsdb.length > 0) s.ovsdb = ovsdb;
  return { help, config, settings: s, api, cluster: clusterEndpoints, nodeId, testcontroller: tc };
}

function wrap<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new ConfigError(flag, (e as Error).message);
  }
}

function numeric(v: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new ConfigError(flag, `expected a number, got "${v}"`);
  return Number(v);
}

function seconds(v: string, flag: string): number {
  const n = numeric(v, flag);
  const { min, max } = LIMITS.seconds;
  if (n < min || n > max) {
    throw new ConfigError(flag, `expected ${min} to ${max} seconds, got ${v}`);
  }
  return n;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `8388608`, `8M`, `8MiB`, `512k`. */
function bytes(v: string, flag: string): number {
  const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(v);
  if (!m) throw new ConfigError(flag, `expected a size like 8388608, 512K or 8M, got "${v}"`);
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/** Settings from defaults, then the config file, then the command line. */
export function resolveSettings(args: ControllerArgs): ControllerSettings {
  let fromFile: Partial<ControllerSettings> = {};
  if (args.config !== undefined) {
    fromFile = parseConfigFile(readConfigText(args.config), args.config);
  }
  const merged = { ...DEFAULT_SETTINGS, ...fromFile, ...args.settings };
  const lswitch = args.testcontroller.lswitch;
  if (!lswitch || !merged.apps.includes('lswitch')) return merged;
  // ovs-testcontroller's options go over the config file's lswitch section, key by key.
  const fileSection = merged.appConfig.lswitch;
  const base = typeof fileSection === 'object' && fileSection !== null ? fileSection : {};
  return { ...merged, appConfig: { ...merged.appConfig, lswitch: { ...base, ...lswitch } } };
}

/** Loads and configures the apps in order; app names must be unique. */
export async function loadApps(
  settings: ControllerSettings,
  configFile: string | undefined,
): Promise<AppInstance[]> {
  const appsDir = fileURLToPath(new URL('../../apps/', import.meta.url));
  const out: AppInstance[] = [];
  for (const spec of settings.apps) {
    const def = await loadApp(spec, { registry: BUILTIN_APPS, appsDir, baseDir: process.cwd() });
    if (out.some((a) => a.def.name === def.name)) {
      throw new ConfigError('--app', `app ${def.name} is given twice`);
    }
    const where = `${configFile ?? 'config'}: appConfig.${def.name}`;
    const config = def.validateConfig
      ? def.validateConfig(settings.appConfig[def.name], where)
      : undefined;
    out.push({ def, config });
  }
  const unknown = Object.keys(settings.appConfig).filter((n) => !out.some((a) => a.def.name === n));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${configFile ?? 'config'}: appConfig.${unknown[0]}`,
      `no app of that name is loaded (loaded: ${out.map((a) => a.def.name).join(', ')})`,
    );
  }
  return out;
}

/** A started controller and the means to stop it (what runController waits on). */
export interface RunningController {
  readonly controller: Controller;
  readonly log: Logger;
  /** The northbound API, unless --api off (or workers > 1). */
  readonly api: ApiServer | undefined;
  /** Re-reads the config file and hands each app its new section (SIGHUP). */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Re-reads the configuration and validates every app's section again; only when all
 * are valid does any app see the change (a bad edit leaves the running config alone).
 */
async function reloadApps(
  controller: Controller,
  apps: readonly AppInstance[],
  args: ControllerArgs,
  log: Logger,
): Promise<void> {
  if (args.config === undefined) {
    log.warn('reload asked for, but the controller was started without --config: nothing to read');
    return;
  }
  let configs: Map<string, unknown>;
  try {
    const settings = resolveSettings(args);
    configs = new Map(
      apps.map((a) => {
        const where = `${args.config}: appConfig.${a.def.name}`;
        const raw = settings.appConfig[a.def.name];
        return [a.def.name, a.def.validateConfig ? a.def.validateConfig(raw, where) : raw];
      }),
    );
  } catch (e) {
    log.error(`reload refused, the running configuration stays: ${(e as Error).message}`);
    return;
  }
  const reloaded = await controller.reload(configs);
  log.info({ apps: reloaded }, `configuration reloaded from ${args.config}`);
}

/** Everything up to "listening": settings, logger, apps, runtime. Throws on bad input. */
export async function startController(argv: readonly string[]): Promise<RunningController> {
  const args = parseControllerArgs(argv);
  const settings = resolveSettings(args);
  const daemon = args.testcontroller.daemon;
  const pidfile = checkPidfile(daemon);
  const stream = logDestination(daemon, isDetachedChild());
  const log = createLogger({
    level: settings.logLevel,
    pretty: stream ? false : (settings.pretty ?? process.stdout.isTTY === true),
    ...(stream ? { stream } : {}),
  });
  const apps = await loadApps(settings, args.config);
  const ovsdb = ovsdbHub(settings, log);
  const apiOpts = apiSettings(args.api);
  let apiAddress = parseApiAddress(apiOpts.api);
  if (apiAddress && settings.workers > 1) {
    log.warn('the API is off with --workers above 1 (each worker sees only its own switches)');
    apiAddress = undefined;
  }
  const roleProvider = await joinCluster(args, settings, log);
  const intent = roleProvider
    ? roleProvider.intentStore()
    : await FileIntentStore.open(intentFileOf(apiOpts));
  const metrics = apiAddress ? new Metrics() : undefined;
  const controller = new Controller(
    {
      ...controllerOptions(settings),
      ovsdb,
      intent,
      roleProvider,
      observeHandler: metrics?.observeHandler,
    },
    apps,
    log,
  );
  try {
    await ovsdb?.start();
    await controller.start();
  } catch (e) {
    await ovsdb?.stop();
    await intent.close();
    await roleProvider?.stop();
    throw e;
  }
  let api: ApiServer | undefined;
  if (apiAddress && metrics) {
    try {
      const token = loadOrCreateToken(tokenFileOf(apiOpts));
      metrics.attach(controller, new RuntimeView(controller));
      api = await startApi(controller, log, {
        address: apiAddress,
        token,
        metrics,
        cert: apiOpts.cert,
        key: apiOpts.key,
      });
    } catch (e) {
      await controller.stop();
      await ovsdb?.stop();
      await intent.close();
      const why =
        (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? ' (in use: pick another with --api tcp:HOST:PORT, or --api off)'
          : '';
      throw new Error(`cannot start the API on ${apiOpts.api}: ${(e as Error).message}${why}`);
    }
  }
  const removePidfile = pidfile ? writePidfile(pidfile) : () => undefined;
  const control = await controlSocket(daemon, controller, log);
  const listening = controller.addresses.map(formatListenAddress);
  const dialing = settings.connect;
  const where = [
    ...(listening.length > 0 ? [`listening on ${listening.join(', ')}`] : []),
    ...(dialing.length > 0 ? [`connecting to ${dialing.join(', ')}`] : []),
  ];
  // Workers of a multi-process controller stay quiet: the primary says it once.
  log[cluster.isWorker ? 'debug' : 'info'](
    { listen: listening, connect: dialing, apps: controller.appNames },
    `ofctl-ts controller ${where.join('; ')}; apps: ${controller.appNames.join(', ')}`,
  );
  signalReady();
  return {
    controller,
    log,
    api,
    reload: () => reloadApps(controller, apps, args, log),
    stop: async () => {
      await api?.close();
      await controller.stop();
      await ovsdb?.stop();
      await control?.close();
      removePidfile();
      await intent.close();
    },
  };
}

/**
 * The ovs-appctl control socket: at --unixctl, or at its default path when running as a
 * daemon (--pidfile or --detach), as Open vSwitch's daemons always have one.
 */
async function controlSocket(
  daemon: TestcontrollerArgs['daemon'],
  controller: Controller,
  log: Logger,
): Promise<UnixctlServer | undefined> {
  const wanted = daemon.unixctl ?? (daemon.pidfile !== undefined || daemon.detach ? '' : undefined);
  if (wanted === undefined) return undefined;
  const path = wanted === '' ? defaultUnixctlPath() : wanted;
  return startUnixctl(
    path,
    [
      {
        name: 'exit',
        usage: '',
        run: () => {
          // Answer first, then stop the way SIGTERM does.
          setImmediate(() => process.kill(process.pid, 'SIGTERM'));
          return '';
        },
      },
      { name: 'version', usage: '', run: () => `${versionLine()}\n` },
      {
        name: 'vlog/set',
        usage: '[SPEC]',
        run: (args) => {
          const level = vlogLevel(args.join(' '));
          log.level = level;
          return '';
        },
      },
      { name: 'vlog/list', usage: '', run: () => `level: ${log.level}\n` },
      {
        name: 'ofctl-ts/switches',
        usage: '',
        run: () =>
          [...controller.registry.values()]
            .map((c) => `${formatDpid(c.dpid ?? 0n)} ${c.peer} ports=${c.ports.size}\n`)
            .join(''),
      },
    ],
    log,
  );
}

function versionLine(): string {
  return `ofctl-ts controller ${VERSION} (OpenFlow 1.3)`;
}

/** With --cluster: joins it (waits up to 5 s for etcd) and returns the role provider. */
async function joinCluster(
  args: ControllerArgs,
  settings: ControllerSettings,
  log: Logger,
): Promise<EtcdCluster | undefined> {
  if (args.cluster === undefined) return undefined;
  if (settings.workers > 1) {
    throw new ConfigError('--cluster', 'a cluster member runs in one process: drop --workers');
  }
  const port = /:(\d+)$/.exec(settings.listen[0] ?? '')?.[1];
  const nodeId = args.nodeId ?? defaultNodeId(port && port !== '0' ? Number(port) : undefined);
  const c = new EtcdCluster(
    { endpoints: args.cluster, nodeId, info: { listen: settings.listen } },
    log,
  );
  await c.start();
  return c;
}

/** The OVSDB hub of --ovsdb and --ovsdb-listen, or undefined when neither is given. */
function ovsdbHub(settings: ControllerSettings, log: Logger): OvsdbHub | undefined {
  if (settings.ovsdb.length === 0 && settings.ovsdbListen === undefined) return undefined;
  if (settings.ovsdbListen !== undefined && settings.workers > 1) {
    throw new ConfigError(
      '--ovsdb-listen',
      'cannot be used with --workers above 1 (each database must reach one process); use --ovsdb to dial instead',
    );
  }
  return new OvsdbHub({
    dial: settings.ovsdb.map((a) => parseOvsdbAddress(a)),
    listen:
      settings.ovsdbListen === undefined
        ? undefined
        : parseOvsdbAddress(settings.ovsdbListen, { listen: true }),
    log: log.child({ module: 'ovsdb' }),
  });
}

/** `ofctl-ts controller ...`: runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function runController(argv: string[]): Promise<number> {
  // Listen for the signals before anything is logged: whoever reads the startup line may
  // signal at once. After the first signal our listeners are gone: a second one kills.
  let signal: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    signal = s;
    wake?.();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const unlisten = () => process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  let running: RunningController;
  try {
    const args = parseControllerArgs(argv);
    if (args.help || args.testcontroller.version) {
      unlisten();
      process.stdout.write(args.help ? `${CONTROLLER_USAGE}\n` : `${versionLine()}\n`);
      return 0;
    }
    for (const w of args.testcontroller.warnings)
      process.stderr.write(`ofctl-ts controller: ${w}\n`);
    if (args.testcontroller.daemon.detach && !isDetachedChild()) {
      unlisten();
      // The same command line in a background process; this one returns once it listens.
      return await detach(process.argv.slice(2));
    }
    running = await startController(argv);
  } catch (e) {
    unlisten();
    const usage =
      e instanceof UsageError ||
      e instanceof TestcontrollerUsageError ||
      (e instanceof ConfigError && e.where.startsWith('-'));
    process.stderr.write(`ofctl-ts controller: ${(e as Error).message}\n`);
    if (usage) process.stderr.write("run 'ofctl-ts controller --help' for the options\n");
    return usage ? 2 : 1;
  }
  const { log } = running;
  const onRejection = (e: unknown) =>
    log.error({ err: e }, 'unhandled promise rejection (a missing await or catch in an app?)');
  process.on('unhandledRejection', onRejection);
  const onHangup = () => {
    log.info('SIGHUP received, reloading the configuration');
    void running.reload();
  };
  process.on('SIGHUP', onHangup);
  if (signal === undefined) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  log.info(`${signal} received, shutting down`);
  process.off('SIGHUP', onHangup);
  await running.stop();
  process.off('unhandledRejection', onRejection);
  return 0;
}

// Run directly (node dist/src/cli/controller.js ...) as well as through main.js.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runController(process.argv.slice(2));
}
