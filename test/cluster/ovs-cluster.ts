/**
 * A real cluster for e2e tests: etcd members, three controllers (child processes running
 * l2-learning with --cluster) and an Open vSwitch bridge listing all three, everything
 * inside the OVS instance's network namespace so it is all at 127.0.0.1 there. The
 * switch's own view of the roles (`ovs-vsctl list Controller`, role column) is the
 * oracle for who is master.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type EtcdCluster, startEtcd } from '../../bench/cluster/etcd-server.js';
import { ranking } from '../../src/cluster/rendezvous.js';
import type { OvsInstance, Testbed } from '../harness/index.js';
import { run } from '../harness/index.js';
import { type ControllerProcess, inNetns, spawnController } from '../runtime/controller-process.js';

export const NODES = ['c1', 'c2', 'c3'] as const;
export const PORTS: Record<string, number> = { c1: 6653, c2: 6654, c3: 6655 };

export function controllerArgs(node: string, etcd: EtcdCluster): string[] {
  return [
    '--listen',
    `tcp:127.0.0.1:${PORTS[node]}`,
    '--app',
    'l2-learning',
    '--cluster',
    etcd.spec,
    '--node-id',
    node,
    '--log-level',
    'info',
    // Three controllers share one network namespace: no API (it would listen on one port).
    '--api',
    'off',
  ];
}

/** The nodes in the order the cluster prefers them as master of `dpid` (16 hex digits). */
export function preference(dpid: string): string[] {
  return ranking(NODES, dpid);
}

export async function startEtcdIn(tb: Testbed, ovs: OvsInstance, members: number) {
  return startEtcd({
    members,
    basePort: 23790,
    spawn: (cmd, args) =>
      tb.spawnInNetns(ovs.netns, cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] }),
    exec: async (cmd, args) =>
      (await run('ip', ['netns', 'exec', ovs.netns, cmd, ...args], { allowFailure: true })).code ??
      1,
  });
}

export function spawnMember(tb: Testbed, ovs: OvsInstance, node: string, etcd: EtcdCluster) {
  return spawnController(inNetns(tb, ovs.netns), controllerArgs(node, etcd));
}

/** The switch's view: node -> role ('master', 'slave', 'other') of each connected controller. */
export async function switchRoles(ovs: OvsInstance): Promise<Record<string, string>> {
  const out = await ovs.vsctl(
    '--format=csv',
    '--data=bare',
    '--no-headings',
    '--columns=target,role,is_connected',
    'list',
    'Controller',
  );
  const roles: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [target, role, connected] = line.split(',');
    if (!target || connected !== 'true') continue;
    const port = Number(/:(\d+)"?$/.exec(target)?.[1]);
    const node = Object.keys(PORTS).find((n) => PORTS[n] === port);
    if (node) roles[node] = role ?? '';
  }
  return roles;
}

/** The node the switch has as master, or undefined. */
export async function switchMaster(ovs: OvsInstance): Promise<string | undefined> {
  const roles = await switchRoles(ovs);
  return Object.keys(roles).find((n) => roles[n] === 'master');
}

/** Polls every 50 ms until `pred` holds for the switch's roles; resolves with the elapsed ms. */
export async function waitForRoles(
  ovs: OvsInstance,
  pred: (roles: Record<string, string>) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<number> {
  const start = performance.now();
  let last: Record<string, string> = {};
  while (performance.now() - start < timeoutMs) {
    last = await switchRoles(ovs);
    if (pred(last)) return performance.now() - start;
    await sleep(50);
  }
  throw new Error(`switch roles never reached ${what}; last: ${JSON.stringify(last)}`);
}

/** The records a controller logged about `dpid` with message `msg`, from index `from`. */
export function logged(c: ControllerProcess, msg: string, dpid: string, from = 0) {
  return c.records.slice(from).filter((r) => r.msg === msg && r.dpid === dpid);
}
