/**
 * Running the vnet app for the end-to-end tests: an in-process controller listening on
 * a unix socket in each OVS instance's run dir (OVS reaches unix sockets from any
 * namespace, but accepts `unix:` controllers only inside its own run dir), with the app's handlers
 * and per-switch handles exposed to the test, every log record kept, and a check that
 * the switches state the flows the app means to hold.
 */
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { VnetConfig } from '../../apps/vnet/config.js';
import type { FlowSpec } from '../../apps/vnet/flow-set.js';
import { desiredFlows } from '../../apps/vnet/flows.js';
import type { VnetHandlers } from '../../apps/vnet/handlers.js';
import vnetApp from '../../apps/vnet/index.js';
import { destinationFlow, sourceFlow } from '../../apps/vnet/learning.js';
import { membershipOf, planDatapath } from '../../apps/vnet/plan.js';
import type { FlowStats } from '../../src/codec/index.js';
import {
  type AppContext,
  type AppDefinition,
  compareFlows,
  controllerOptions,
  type Datapath,
  DEFAULT_SETTINGS,
  defineApp,
  type FlowComparison,
} from '../../src/runtime/internal.js';
import { type Host, type OvsInstance, ping, type Testbed } from '../harness/index.js';
import { addTrunkBridge, startTwoHosts } from '../harness/two-hosts.js';
import { type LogRecord, startInstances } from '../runtime/helpers.js';

export interface VnetController {
  /** OVS controller target for a bridge of `ovs`: `unix:<ovs.rundir>/vnet-ctl.sock`. */
  target(ovs: OvsInstance): string;
  readonly handlers: VnetHandlers;
  /** The app's handle for a connected switch. */
  datapath(dpid: bigint): Datapath | undefined;
  /** Every log record so far, parsed. */
  readonly records: LogRecord[];
  /** Log records at warn level and above. */
  problems(): LogRecord[];
  /** Stop the controller (switches keep their flows: fail_mode=secure). */
  stop(): Promise<void>;
}

/**
 * Start a controller running only vnet with `config`, reachable from bridges of every
 * instance in `instances`; stopped at testbed teardown.
 */
export async function startVnetController(
  tb: Testbed,
  instances: readonly OvsInstance[],
  config: VnetConfig,
): Promise<VnetController> {
  let handlers: VnetHandlers | undefined;
  let ctx: AppContext<VnetConfig> | undefined;
  const def = defineApp<VnetConfig>({
    ...vnetApp,
    create: (c) => {
      ctx = c;
      handlers = vnetApp.create(c) as VnetHandlers;
      return handlers;
    },
  });
  const target = (ovs: OvsInstance) => `unix:${join(ovs.rundir, 'vnet-ctl.sock')}`;
  const ctl = await startInstances(
    [{ def: def as unknown as AppDefinition<unknown>, config }],
    controllerOptions({ ...DEFAULT_SETTINGS, listen: instances.map(target) }),
  );
  tb.defer(() => ctl.stop());
  return {
    target,
    handlers: handlers!,
    datapath: (dpid) => ctx!.datapaths().get(dpid),
    records: ctl.records,
    problems: () => ctl.records.filter((r) => r.level >= 40),
    stop: ctl.stop,
  };
}

/** Wait until the app's switch `dpid` is up and has converged at least once. */
export async function waitConverged(ctl: VnetController, dpid: bigint, ports: number) {
  await vi.waitFor(
    () => {
      const dp = ctl.datapath(dpid);
      expect(dp?.connected, `switch ${dpid} connected`).toBe(true);
      const plan = planDatapath(ctl.handlers.config, dpid, portsOf(dp!));
      expect(plan?.ports.length, `ports of ${dpid} known`).toBe(ports);
    },
    { timeout: 20_000, interval: 100 },
  );
}

/**
 * Wait until every switch of `ports` (dpid and its number of ports) has converged, then
 * until each holds exactly the flows the app means.
 */
export async function waitSettled(
  ctl: VnetController,
  ports: readonly (readonly [bigint, number])[],
): Promise<void> {
  for (const [dpid, n] of ports) await waitConverged(ctl, dpid, n);
  for (const [dpid] of ports) {
    await vi.waitFor(async () => expect((await compareWithIntent(ctl, dpid)).equal).toBe(true), {
      timeout: 10_000,
      interval: 200,
    });
  }
}

/**
 * The VLAN topology: two physical hosts, `br-eth1` on each holding the wire as a trunk
 * (dpids 0x11 and 0x12, trunk port numbers returned), both bridges controlled by a vnet
 * controller running `config`.
 */
export async function startVlanPair(tb: Testbed, config: VnetConfig) {
  const { host1, host2 } = await startTwoHosts(tb);
  const ctl = await startVnetController(tb, [host1.ovs, host2.ovs], config);
  const trunk1 = await addTrunkBridge(host1, { dpid: 0x11, controller: ctl.target(host1.ovs) });
  const trunk2 = await addTrunkBridge(host2, { dpid: 0x12, controller: ctl.target(host2.ovs) });
  return { host1, host2, ctl, trunk1, trunk2 };
}

/** Warm the path up (learning, ARP, a tunnel), then expect five pings without loss. */
export async function expectPings(from: Host, to: Host): Promise<void> {
  await ping(from, to.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
  const r = await ping(from, to.ip, { count: 5, interval: 0.2, timeoutSec: 2 });
  expect(r.lossPct, r.output).toBe(0);
}

/** Expect the switches `dpids` to hold exactly the flows the app means. */
export async function expectIntended(ctl: VnetController, dpids: readonly bigint[]) {
  for (const dpid of dpids) {
    const cmp = await compareWithIntent(ctl, dpid);
    expect(cmp, `dpid ${dpid}`).toMatchObject({ missing: [], unexpected: [], different: [] });
  }
}

/**
 * Expect every flow of a dump-flows output to carry the vnet cookie; returns `has`, which
 * expects some flow to contain every one of `parts`.
 */
export function vnetFlows(dump: string): (...parts: string[]) => void {
  const lines = dump.split('\n').filter((l) => l.includes('cookie='));
  expect(
    lines.every((l) => /cookie=0x564e/.test(l)),
    dump,
  ).toBe(true);
  return (...parts) =>
    expect(
      lines.some((l) => parts.every((p) => l.includes(p))),
      `${parts}\n${dump}`,
    ).toBe(true);
}

function portsOf(dp: Datapath) {
  return [...dp.ports.values()].map((p) => ({ name: p.name, number: p.portNo }));
}

/** What the app means the switch to hold now: static flows plus every learned MAC's two. */
function intendedFlows(ctl: VnetController, dpid: bigint): FlowSpec[] {
  const dp = ctl.datapath(dpid)!;
  const config = ctl.handlers.config;
  const plan = planDatapath(config, dpid, portsOf(dp))!;
  const flows = desiredFlows(plan);
  for (const e of ctl.handlers.macTable(dpid)?.entries() ?? []) {
    flows.push(sourceFlow(e, config.macIdleTimeout));
    flows.push(destinationFlow(e, membershipOf(plan, e.port, e.vlan)!.membership));
  }
  return flows;
}

/** Compare the switch's real flows (flow stats) with what the app means it to hold. */
export async function compareWithIntent(
  ctl: VnetController,
  dpid: bigint,
): Promise<FlowComparison> {
  const dp = ctl.datapath(dpid)!;
  await dp.barrier();
  const actual = await dp.flowStats();
  const intended: FlowStats[] = intendedFlows(ctl, dpid).map((f) => ({
    ...f,
    durationSec: 0,
    durationNsec: 0,
    hardTimeout: 0,
    packetCount: 0n,
    byteCount: 0n,
  }));
  return compareFlows(intended, actual);
}

/** n_packets of the dump-flows line that contains every one of `parts`. */
export function packetsOf(dump: string, ...parts: string[]): number {
  const line = dump.split('\n').find((l) => parts.every((p) => l.includes(p)));
  if (!line) throw new Error(`no flow with ${parts.join(' and ')} in:\n${dump}`);
  return Number(/n_packets=(\d+)/.exec(line)![1]);
}
