/**
 * A private Open vSwitch: ovsdb-server + ovs-vswitchd with their own run dir, running
 * inside a fresh network namespace (lo up), so userspace (netdev) bridges' tap devices
 * never collide with another run and a controller spawned in the same namespace is
 * reached at 127.0.0.1. ovs-vsctl/ofctl/appctl run from the root namespace over the
 * unix sockets in the run dir. stop() kills the daemons by pid, deletes every namespace
 * attached to the instance and removes the run dir.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureOvsInstalled, findSchema } from './ensure-ovs.js';
import { run } from './exec.js';
import { checkIfName, tempBase, uniqueName } from './names.js';
import { createNetns, deleteNetns } from './netns.js';
import { killAndWait, readPidFile } from './pids.js';
import { safetyNet } from './safety-net.js';

export interface BridgeOptions {
  /** Fixed datapath ID (other-config:datapath-id); number/bigint, or up to 16 hex digits. */
  dpid?: number | bigint | string;
  /** 'secure': no flows unless a controller installs them; 'standalone': OVS default. */
  failMode?: 'secure' | 'standalone';
  /** OVS controller target(s), e.g. 'tcp:127.0.0.1:6653' or 'unix:/path/ctl.sock'. */
  controller?: string | readonly string[];
}

/** Reconnect backoff cap for controllers (OVS default 8 s makes restarts slow in tests). */
const CONTROLLER_MAX_BACKOFF_MS = 1000;
const VSCTL_TIMEOUT_S = 20;

/** Render a datapath ID as the 16 hex digits OVS expects. */
export function formatDpid(dpid: number | bigint | string): string {
  const hex =
    typeof dpid === 'string' ? dpid.replace(/^0x/i, '').replaceAll(':', '') : dpid.toString(16);
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`bad datapath ID: ${String(dpid)}`);
  return hex.toLowerCase().padStart(16, '0');
}

export class OvsInstance {
  /** Environment for OVS commands: OVS_RUNDIR/DBDIR/LOGDIR/SYSCONFDIR = rundir. */
  readonly env: Record<string, string>;
  readonly dbSocket: string;
  ovsdbPid: number | undefined;
  vswitchdPid: number | undefined;
  private readonly attached = new Set<string>();
  private stopping: Promise<void> | undefined;

  private constructor(
    /** Temp dir holding conf.db, sockets, pid files and logs. */
    readonly rundir: string,
    /** Network namespace the daemons run in. */
    readonly netns: string,
  ) {
    this.env = {
      OVS_RUNDIR: rundir,
      OVS_DBDIR: rundir,
      OVS_LOGDIR: rundir,
      OVS_SYSCONFDIR: rundir,
    };
    this.dbSocket = join(rundir, 'db.sock');
  }

  /** Start a private OVS in a new namespace. Cleans up after itself if any step fails. */
  static async start(): Promise<OvsInstance> {
    ensureOvsInstalled();
    const netns = uniqueName();
    const rundir = await mkdtemp(join(tempBase(), `${netns}-`));
    safetyNet.addDir(rundir);
    const ovs = new OvsInstance(rundir, netns);
    try {
      await createNetns(netns);
      await ovs.startDaemons();
    } catch (e) {
      const logs = await ovs.logTail(20);
      await ovs.stop().catch(() => undefined);
      throw new Error(`starting OVS in ${rundir} failed: ${(e as Error).message}\n${logs}`, {
        cause: e,
      });
    }
    return ovs;
  }

  private async startDaemons(): Promise<void> {
    const d = this.rundir;
    const schema = findSchema()!;
    const inNs = ['netns', 'exec', this.netns];
    const log = ['-vconsole:err', '-vsyslog:off', '-vfile:info'];
    await run('ovsdb-tool', ['create', join(d, 'conf.db'), schema], { env: this.env });
    // --detach returns once the daemon is ready; the pid file holds the daemon's pid.
    await run(
      'ip',
      [
        ...inNs,
        'ovsdb-server',
        join(d, 'conf.db'),
        `--remote=punix:${this.dbSocket}`,
        // Managers (ovs-vsctl set-manager) are dialed only with this, as Debian's service does.
        '--remote=db:Open_vSwitch,Open_vSwitch,manager_options',
        `--pidfile=${join(d, 'ovsdb-server.pid')}`,
        `--unixctl=${join(d, 'ovsdb-server.ctl')}`,
        `--log-file=${join(d, 'ovsdb-server.log')}`,
        ...log,
        '--detach',
        '--no-chdir',
      ],
      { env: this.env },
    );
    this.ovsdbPid = await readPidFile(join(d, 'ovsdb-server.pid'));
    safetyNet.addPid(this.ovsdbPid);
    await this.vsctl('--no-wait', 'init');
    await run(
      'ip',
      [
        ...inNs,
        'ovs-vswitchd',
        `unix:${this.dbSocket}`,
        `--pidfile=${join(d, 'ovs-vswitchd.pid')}`,
        `--unixctl=${join(d, 'ovs-vswitchd.ctl')}`,
        `--log-file=${join(d, 'ovs-vswitchd.log')}`,
        ...log,
        '--detach',
        '--no-chdir',
      ],
      { env: this.env },
    );
    this.vswitchdPid = await readPidFile(join(d, 'ovs-vswitchd.pid'));
    safetyNet.addPid(this.vswitchdPid);
  }

  /** ovs-vsctl against this instance's database; returns trimmed stdout. */
  async vsctl(...args: string[]): Promise<string> {
    const r = await run(
      'ovs-vsctl',
      [`--db=unix:${this.dbSocket}`, `--timeout=${VSCTL_TIMEOUT_S}`, ...args],
      { env: this.env, timeoutMs: (VSCTL_TIMEOUT_S + 5) * 1000 },
    );
    return r.stdout.trim();
  }

  /** ovs-ofctl -O OpenFlow13; a bridge name resolves to <rundir>/<bridge>.mgmt. */
  async ofctl(...args: string[]): Promise<string> {
    const r = await run('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { env: this.env });
    return r.stdout;
  }

  /** ovs-appctl against this instance's ovs-vswitchd. */
  async appctl(...args: string[]): Promise<string> {
    const target = join(this.rundir, 'ovs-vswitchd.ctl');
    const r = await run('ovs-appctl', ['-t', target, ...args], { env: this.env });
    return r.stdout;
  }

  /** Run a command inside this instance's network namespace. */
  async exec(cmd: string, ...args: string[]): Promise<string> {
    const r = await run('ip', ['netns', 'exec', this.netns, cmd, ...args], { env: this.env });
    return r.stdout;
  }

  /**
   * Add a userspace bridge speaking OpenFlow 1.3 only, with in-band control disabled.
   * Returns the bridge name.
   */
  async addBridge(name: string, opts: BridgeOptions = {}): Promise<string> {
    checkIfName(name, 'bridge name');
    const settings = [
      'datapath_type=netdev',
      'protocols=OpenFlow13',
      'other-config:disable-in-band=true',
    ];
    if (opts.dpid !== undefined) {
      settings.push(`other-config:datapath-id="${formatDpid(opts.dpid)}"`);
    }
    if (opts.failMode) settings.push(`fail_mode=${opts.failMode}`);
    await this.vsctl('add-br', name, '--', 'set', 'Bridge', name, ...settings);
    if (opts.controller !== undefined) await this.setController(name, opts.controller);
    return name;
  }

  /** Replace the bridge's controllers; [] removes them. Backoff is capped at 1 s. */
  async setController(bridge: string, targets: string | readonly string[]): Promise<void> {
    const list = typeof targets === 'string' ? [targets] : [...targets];
    if (list.length === 0) {
      await this.vsctl('del-controller', bridge);
      return;
    }
    const args: string[] = [];
    list.forEach((target, i) => {
      args.push('--', `--id=@c${i}`, 'create', 'Controller', `target="${target}"`);
      args.push(`max_backoff=${CONTROLLER_MAX_BACKOFF_MS}`);
    });
    const refs = list.map((_, i) => `@c${i}`).join(',');
    await this.vsctl(...args, '--', 'set', 'Bridge', bridge, `controller=[${refs}]`);
  }

  /** True when every controller of the bridge reports is_connected=true. */
  async controllerConnected(bridge: string): Promise<boolean> {
    const uuids = (await this.vsctl('get', 'Bridge', bridge, 'controller')).match(/[0-9a-f-]{36}/g);
    if (!uuids) return false;
    const states = await Promise.all(
      uuids.map((u) => this.vsctl('get', 'Controller', u, 'is_connected')),
    );
    return states.every((s) => s === 'true');
  }

  /** OpenFlow port number of an interface (after add-port has returned). */
  async ofport(iface: string): Promise<number> {
    const out = await this.vsctl('get', 'Interface', iface, 'ofport');
    const n = Number(out);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`interface ${iface} has no ofport (${out})`);
    return n;
  }

  /** `unix:<rundir>/<bridge>.mgmt`, usable as an ovs-ofctl target from anywhere. */
  mgmtSocket(bridge: string): string {
    return `unix:${join(this.rundir, `${bridge}.mgmt`)}`;
  }

  /** Tie another namespace's lifetime (e.g. a host's) to this instance. */
  attachNetns(name: string): void {
    this.attached.add(name);
  }

  /** Forget an attached namespace (after it was deleted by its owner). */
  detachNetns(name: string): void {
    this.attached.delete(name);
  }

  /** The last `lines` lines of both daemon logs, for error messages. */
  async logTail(lines = 30): Promise<string> {
    const parts: string[] = [];
    for (const f of ['ovsdb-server.log', 'ovs-vswitchd.log']) {
      const text = await readFile(join(this.rundir, f), 'utf8').catch(() => undefined);
      if (text) parts.push(`--- ${f} ---\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`);
    }
    return parts.join('\n');
  }

  /** Kill the daemons, delete attached namespaces and our own, remove the run dir. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    };
    for (const ns of this.attached) await attempt(() => deleteNetns(ns));
    this.attached.clear();
    for (const pid of [this.vswitchdPid, this.ovsdbPid]) {
      if (pid === undefined) continue;
      await attempt(async () => {
        if (!(await killAndWait(pid))) throw new Error(`OVS daemon pid ${pid} would not die`);
        safetyNet.removePid(pid);
      });
    }
    await attempt(() => deleteNetns(this.netns));
    await attempt(async () => {
      await rm(this.rundir, { recursive: true, force: true });
      safetyNet.removeDir(this.rundir);
    });
    if (errors.length > 0) throw new AggregateError(errors, `stopping OVS ${this.netns} failed`);
  }
}

/** Start a private OVS instance (see OvsInstance). */
export function startOvs(): Promise<OvsInstance> {
  return OvsInstance.start();
}
