/**
 * The seed's setups, typed as an operator types them: two physical hosts (each its own
 * namespace with ovsdb-server and ovs-vswitchd), the built `ofctl-ts controller` running
 * vnet in a management namespace with a config that declares networks and no ports, and
 * each host pointed at it with set-controller, set-fail-mode secure and set-manager.
 * Every command a host runs is kept in `typed`, to show in the test what was typed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { type Host, type OvsInstance, ping, run, type Testbed } from '../harness/index.js';
import { type MgmtNetwork, startMgmtNetwork } from '../harness/mgmt.js';
import { type PhysicalHost, startTwoHosts } from '../harness/two-hosts.js';
import {
  type ControllerProcess,
  controllerEntry,
  inNetns,
  type LogRecord,
  spawnController,
} from '../runtime/controller-process.js';

export interface SeedBed {
  readonly host1: PhysicalHost;
  readonly host2: PhysicalHost;
  readonly mgmt: MgmtNetwork;
  readonly ctl: ControllerProcess;
  /** `ovs-vsctl ...` on a host, recorded in `typed`. */
  vsctl(h: PhysicalHost, ...args: string[]): Promise<string>;
  /** Every ovs-vsctl command typed, as `host1$ ovs-vsctl ...`. */
  readonly typed: string[];
  /** set-controller, set-fail-mode secure, set-manager: the one thing that points a host at us. */
  pointAtController(h: PhysicalHost, bridge: string): Promise<void>;
}

export const CONTROLLER_PORT = 6653;
export const MANAGER_PORT = 6640;

/** Two hosts, the management network, and the controller running `vnetConfig`. */
export async function startSeedBed(tb: Testbed, vnetConfig: unknown): Promise<SeedBed> {
  const { host1, host2 } = await startTwoHosts(tb);
  const mgmt = await startMgmtNetwork(tb, [host1.ovs, host2.ovs]);
  const file = join(host1.ovs.rundir, 'vnet-seed.json');
  writeFileSync(file, JSON.stringify({ apps: ['vnet'], appConfig: { vnet: vnetConfig } }));
  const ctl = await spawnController(inNetns(tb, mgmt.netns), [
    ...['--config', file, '--log-level', 'debug'],
    ...['--listen', `tcp:0.0.0.0:${CONTROLLER_PORT}`],
    ...['--ovsdb-listen', `tcp:0.0.0.0:${MANAGER_PORT}`],
    // The API on its default address, inside the management namespace.
    ...['--api', 'tcp:127.0.0.1:8080', '--state-dir', join(host1.ovs.rundir, 'state')],
  ]);
  tb.defer(() => ctl.stop());
  const typed: string[] = [];
  const vsctl = (h: PhysicalHost, ...args: string[]) => {
    typed.push(`${h.name}$ ovs-vsctl ${args.join(' ')}`);
    return h.ovs.vsctl(...args);
  };
  const ip = (h: PhysicalHost) => mgmt.controllerIp(h.index - 1);
  return {
    host1,
    host2,
    mgmt,
    ctl,
    vsctl,
    typed,
    async pointAtController(h, bridge) {
      await vsctl(h, 'set-fail-mode', bridge, 'secure');
      await vsctl(h, 'set-controller', bridge, `tcp:${ip(h)}:${CONTROLLER_PORT}`);
      await vsctl(h, 'set-manager', `tcp:${ip(h)}:${MANAGER_PORT}`);
    },
  };
}

/** `add-br NAME` as userspace bridges need it here (datapath_type=netdev), OpenFlow 1.3. */
export function addBridgeArgs(name: string): string[] {
  return [
    'add-br',
    name,
    '--',
    'set',
    'Bridge',
    name,
    'datapath_type=netdev',
    'protocols=OpenFlow13',
  ];
}

/** Log records `vnet flows converged` so far (per switch: removed, added, unchanged). */
export function convergences(ctl: ControllerProcess, from = 0): LogRecord[] {
  return ctl.records.slice(from).filter((r) => r.msg === 'vnet flows converged');
}

/** The bridge's datapath ID as the controller logs it (16 hex digits). */
export async function dpidOf(ovs: OvsInstance, bridge: string): Promise<string> {
  return (await ovs.vsctl('get', 'Bridge', bridge, 'datapath_id')).replaceAll('"', '');
}

/** `ofctl-ts vnet show` run where the controller runs (its API is on loopback there). */
export async function vnetShow(tb: Testbed, bed: SeedBed): Promise<string> {
  await bed.ctl.waitForLog((r) => String(r.msg).startsWith('API listening'), 'its API address');
  const main = controllerEntry('main').file;
  const r = await run('ip', [
    'netns',
    'exec',
    bed.mgmt.netns,
    process.execPath,
    main,
    'vnet',
    'show',
  ]);
  return r.stdout;
}

/** Warm up (ARP, learning, a tunnel), then five pings without loss. */
export async function expectPings(from: Host, to: Host): Promise<void> {
  await vi.waitFor(
    async () => {
      const r = await ping(from, to.ip, { count: 1, timeoutSec: 1 });
      expect(r.received, `${from.name} -> ${to.name}\n${r.output}`).toBe(1);
    },
    { timeout: 20_000, interval: 100 },
  );
  const r = await ping(from, to.ip, { count: 5, interval: 0.2, timeoutSec: 2 });
  expect(r.lossPct, r.output).toBe(0);
}

/** Neither direction gets through. */
export async function expectIsolated(a: Host, b: Host): Promise<void> {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const r = await ping(from, to.ip, { count: 2, interval: 0.2, timeoutSec: 1 });
    expect(r.received, `${from.name} -> ${to.name}\n${r.output}`).toBe(0);
  }
}

/**
 * Time from just before `command` until `from` first gets a ping answer from `to`:
 * one ping at a time, each waiting at most 0.25 s, for up to `limitMs`.
 */
export async function msUntilPing(
  command: () => Promise<unknown>,
  from: Host,
  to: Host,
  limitMs = 20_000,
): Promise<number> {
  const start = performance.now();
  await command();
  for (;;) {
    const r = await ping(from, to.ip, { count: 1, timeoutSec: 0.25 });
    if (r.received === 1) return performance.now() - start;
    if (performance.now() - start > limitMs) {
      throw new Error(`${from.name} never reached ${to.name} within ${limitMs} ms:\n${r.output}`);
    }
  }
}
