/**
 * The controllers the benchmark can measure, and how to start each as a child process
 * listening on 127.0.0.1:PORT:
 * - trivial: bench/flow-setup/trivial-responder.js (the generator's ceiling);
 * - ofctl-ts: our controller with the l2-learning app (dist/src/cli/main.js controller),
 *   with its flow model (the default);
 * - ofctl-ts-no-model: the same with --no-flow-model, to show what the model costs;
 * - ovs-testcontroller: Open vSwitch's learning switch (lib/learning-switch.c). It offers
 *   OpenFlow 1.0-1.5 and so negotiates 1.3 with our HELLO; it installs exact-match flows
 *   (idle timeout 60 s) and accepts at most 16 switch connections;
 * - os-ken: osken-manager running bench/peers/osken_l2.py (simple_switch_13's logic).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Spawned, spawnLogged, stopProcess, tail, waitListening } from './processes.js';

export const TARGET_NAMES = [
  'trivial',
  'ofctl-ts',
  'ofctl-ts-no-model',
  'ovs-testcontroller',
  'os-ken',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetSpec {
  readonly name: TargetName;
  readonly title: string;
  /** Most switch connections the target accepts. */
  readonly maxSwitches: number;
  /** Why the target cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  command(port: number, workDir: string, profileDir?: string): { cmd: string; args: string[] };
}

export interface RunningTarget {
  readonly spec: TargetSpec;
  readonly port: number;
  readonly process: Spawned;
  readonly logFile: string;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root: the nearest directory above this file with a package.json. */
function repoRoot(): string {
  let dir = here;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${here}`);
    dir = up;
  }
  return dir;
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

/** `main.js controller` (the ofctl-ts CLI), or else cli/controller.js, which also runs alone. */
function controllerCommand(): string[] | undefined {
  const cli = path.join(repoRoot(), 'dist', 'src', 'cli');
  if (existsSync(path.join(cli, 'main.js'))) return [path.join(cli, 'main.js'), 'controller'];
  if (existsSync(path.join(cli, 'controller.js'))) return [path.join(cli, 'controller.js')];
  return undefined;
}
function ofctlCommand(
  port: number,
  _workDir: string,
  profileDir?: string,
): { cmd: string; args: string[] } {
  return {
    cmd: process.execPath,
    args: [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...(controllerCommand() ?? []),
      '--listen',
      `tcp:127.0.0.1:${port}`,
      '--app',
      'l2-learning',
      '--log-level',
      'warn',
      // The API listens on a fixed port by default; bench/api-load turns it on.
      '--api',
      'off',
    ],
  };
}
const oskenApp = () => path.join(repoRoot(), 'bench', 'peers', 'osken_l2.py');

export const TARGETS: Readonly<Record<TargetName, TargetSpec>> = {
  trivial: {
    name: 'trivial',
    title: 'trivial responder (bare Node server, pre-encoded replies: the generator ceiling)',
    maxSwitches: Number.POSITIVE_INFINITY,
    unavailable: () => undefined,
    command: (port) => ({
      cmd: process.execPath,
      args: [path.join(here, 'trivial-responder.js'), String(port)],
    }),
  },
  'ofctl-ts': {
    name: 'ofctl-ts',
    title: 'ofctl-ts controller, l2-learning app',
    maxSwitches: Number.POSITIVE_INFINITY,
    unavailable: () =>
      controllerCommand() ? undefined : 'dist/src/cli/main.js not built (npx tsc -p tsconfig.json)',
    command: (port, workDir, profileDir) => ofctlCommand(port, workDir, profileDir),
  },
  'ofctl-ts-no-model': {
    name: 'ofctl-ts-no-model',
    title: 'ofctl-ts controller, l2-learning app, --no-flow-model',
    maxSwitches: Number.POSITIVE_INFINITY,
    unavailable: () =>
      controllerCommand() ? undefined : 'dist/src/cli/main.js not built (npx tsc -p tsconfig.json)',
    command: (port, workDir, profileDir) => {
      const c = ofctlCommand(port, workDir, profileDir);
      return { cmd: c.cmd, args: [...c.args, '--no-flow-model'] };
    },
  },
  'ovs-testcontroller': {
    name: 'ovs-testcontroller',
    title: 'ovs-testcontroller (Open vSwitch learning switch, C)',
    maxSwitches: 16,
    unavailable: () =>
      onPath('ovs-testcontroller')
        ? undefined
        : 'ovs-testcontroller not installed (Debian package openvswitch-testcontroller)',
    command: (port, workDir) => ({
      cmd: onPath('ovs-testcontroller') ?? 'ovs-testcontroller',
      args: [
        `ptcp:${port}:127.0.0.1`,
        `--unixctl=${path.join(workDir, 'otc.ctl')}`,
        '-vconsole:warn',
      ],
    }),
  },
  'os-ken': {
    name: 'os-ken',
    title: 'os-ken (osken-manager + bench/peers/osken_l2.py, Python)',
    maxSwitches: Number.POSITIVE_INFINITY,
    unavailable: () => {
      if (!onPath('osken-manager'))
        return 'osken-manager not installed (Debian package python3-os-ken)';
      if (!existsSync(oskenApp())) return `${oskenApp()} missing`;
      return undefined;
    },
    command: (port) => ({
      cmd: onPath('osken-manager') ?? 'osken-manager',
      args: [
        '--ofp-listen-host',
        '127.0.0.1',
        '--ofp-tcp-listen-port',
        String(port),
        '--default-log-level',
        '30',
        oskenApp(),
      ],
    }),
  },
};

/** Starts `spec` on `port` and waits until it listens (its log goes to workDir). */
export async function startTarget(
  spec: TargetSpec,
  port: number,
  workDir: string,
  profileDir?: string,
): Promise<RunningTarget> {
  const logFile = path.join(workDir, `${spec.name}-${port}.log`);
  const { cmd, args } = spec.command(port, workDir, profileDir);
  const proc = spawnLogged(cmd, args, logFile);
  try {
    await waitListening(proc, port, 20_000);
  } catch (e) {
    await stopProcess(proc);
    const log = tail(logFile);
    throw new Error(`${spec.name}: ${(e as Error).message}${log ? `\n${log}` : ''}`);
  }
  return { spec, port, process: proc, logFile, stop: () => stopProcess(proc) };
}
