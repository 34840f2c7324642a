/**
 * High availability on real Open vSwitch and real etcd (three members): three
 * controllers running l2-learning with --cluster, one bridge listing all three, two
 * hosts pinging. The switch's own controller table (role column) says who is master.
 * In order: the preferred controller (rendezvous) is master, the others SLAVE; one etcd
 * member killed changes nothing; the master killed with SIGKILL is replaced (the
 * installed flows are adopted, not replaced; pings keep flowing; a new MAC is learned);
 * the killed controller restarted rejoins as SLAVE and takes the switch back; a master
 * stopped (SIGSTOP) past its lease is replaced and, continued, steps down by itself; etcd
 * unreachable keeps every role and keeps learning, and the cluster recovers when it is
 * back. Timings here are loose bounds for a loaded machine: bench/cluster measures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { EtcdCluster } from '../../bench/cluster/etcd-server.js';
import {
  logged,
  NODES,
  PORTS,
  preference,
  spawnMember,
  startEtcdIn,
  switchMaster,
  switchRoles,
  waitForRoles,
} from '../cluster/ovs-cluster.js';
import { createTestbed, type Host, type OvsInstance, ping } from '../harness/index.js';
import { dumpFlows, pingRun } from '../reliability/support/ovs-faults.js';
import type { ControllerProcess } from '../runtime/controller-process.js';

const TIMEOUT = 240_000;
const L2_COOKIE = 0x4c32_0000_0000_0000n;
const DPID = 0xc1a5;
const DPID_HEX = '000000000000c1a5';
const ORDER = preference(DPID_HEX);

/** A dumped flow without its counters and ages: cookie, table, priority, match, actions. */
const identity = (line: string) =>
  line.replace(/ (duration|n_packets|n_bytes|idle_age|hard_age)=[^,]+,/g, '');

describe('three controllers share a switch through etcd', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let etcd: EtcdCluster;
  const ctl: Record<string, ControllerProcess> = {};
  let h1: Host;
  let h2: Host;
  let nextHost = 3;

  const learnedFlows = async () =>
    (await dumpFlows(ovs, 'br0')).filter((f) => f.cookie === L2_COOKIE && f.priority > 0);

  /** A new host on the bridge pinged from h1: the master must learn it (flows with its MAC). */
  const learnsNewHost = async () => {
    const n = nextHost++;
    const mac = `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;
    const h = await tb.addHost(ovs, 'br0', { name: `h${n}`, ip: `10.0.0.${n}/24`, mac });
    await vi.waitFor(
      async () => {
        const r = await ping(h1, h.ip, { count: 1, timeoutSec: 1 });
        expect(r.received).toBe(1);
      },
      { timeout: 20_000, interval: 200 },
    );
    await vi.waitFor(
      async () => expect((await learnedFlows()).some((f) => f.line.includes(mac))).toBe(true),
      { timeout: 10_000 },
    );
  };

  beforeAll(async () => {
    ovs = await tb.startOvs();
    etcd = await startEtcdIn(tb, ovs, 3);
    tb.defer(() => etcd.stop());
    for (const n of NODES) ctl[n] = await spawnMember(tb, ovs, n, etcd);
    await ovs.addBridge('br0', { dpid: DPID, failMode: 'secure' });
    await ovs.setController(
      'br0',
      NODES.map((n) => `tcp:127.0.0.1:${PORTS[n]}`),
    );
    h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24', mac: '02:00:00:00:00:01' });
    h2 = await tb.addHost(ovs, 'br0', { name: 'h2', ip: '10.0.0.2/24', mac: '02:00:00:00:00:02' });
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('the preferred controller is master, the others SLAVE and connected', async () => {
    await waitForRoles(
      ovs,
      (r) => r[ORDER[0]!] === 'master' && r[ORDER[1]!] === 'slave' && r[ORDER[2]!] === 'slave',
      `${ORDER[0]} master, the others slave`,
    );
    const warm = await ping(h1, h2.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
    expect(warm.received, warm.output).toBeGreaterThan(0);
    await vi.waitFor(async () => expect(await learnedFlows()).toHaveLength(2), { timeout: 10_000 });
    // Only the master's apps ran on the switch.
    expect(logged(ctl[ORDER[0]!]!, 'role master', DPID_HEX)).toHaveLength(1);
    for (const n of ORDER.slice(1)) expect(logged(ctl[n]!, 'role master', DPID_HEX)).toEqual([]);
  });

  test('one etcd member of three killed: nothing changes', async () => {
    const before = await switchRoles(ovs);
    const marks = NODES.map((n) => ctl[n]!.records.length);
    await etcd.kill(0);
    await sleep(5000);
    expect(await switchRoles(ovs)).toEqual(before);
    await learnsNewHost();
    NODES.forEach((n, i) => {
      expect(logged(ctl[n]!, 'role master', DPID_HEX, marks[i])).toEqual([]);
      expect(
        logged(ctl[n]!, 'no longer master: apps stopped on the switch', DPID_HEX, marks[i]),
      ).toEqual([]);
    });
    await etcd.restart(0);
  });

  test('master killed (SIGKILL): another takes over, flows adopted, pings flow, learning works', async () => {
    const master = ORDER[0]!;
    const next = ORDER[1]!;
    const flowsBefore = await learnedFlows();
    const traffic = pingRun(h1, h2.ip, 800, 0.01);
    traffic.catch(() => undefined);
    await sleep(1000);
    const killedAt = performance.now();
    await ctl[master]!.kill();
    const tookMs = await waitForRoles(ovs, (r) => r[next] === 'master', `${next} master`);
    console.log(`kill -9 of the master: ${next} is master after ${Math.round(tookMs)} ms`);
    expect(tookMs).toBeLessThan(15_000);
    const r = await traffic;
    console.log(`kill -9 of the master: ping ${r.received}/${r.sent} received`);
    expect((r.sent - r.received) / r.sent, r.output).toBeLessThan(0.05);
    // Every flow that was installed is still there, adopted (older than the kill).
    const since = (performance.now() - killedAt) / 1000;
    const after = await learnedFlows();
    for (const f of flowsBefore) {
      const same = after.find((g) => identity(g.line) === identity(f.line));
      expect(same, f.line).toBeDefined();
      expect(same!.durationSec, same!.line).toBeGreaterThan(since - 1);
    }
    await learnsNewHost();
  });

  test('the killed controller restarted rejoins as SLAVE and takes its share back', async () => {
    const node = ORDER[0]!;
    ctl[node] = await spawnMember(tb, ovs, node, etcd);
    const c = ctl[node]!;
    await waitForRoles(ovs, (r) => r[node] === 'master', `${node} master again`);
    const roleLines = c.records.filter(
      (r) => r.dpid === DPID_HEX && (r.msg === 'role master' || r.msg === 'switch up'),
    );
    // Up first (as SLAVE: apps idle), master once the holder handed it over.
    expect(roleLines.map((r) => r.msg)).toEqual(['switch up', 'role master']);
    expect(logged(ctl[ORDER[1]!]!, 'handing mastership over', DPID_HEX).length).toBeGreaterThan(0);
    await learnsNewHost();
  });

  test('master stopped (SIGSTOP) past its lease: replaced; continued, it steps down by itself', async () => {
    const node = ORDER[0]!;
    const next = ORDER[1]!;
    await waitForRoles(ovs, (r) => r[node] === 'master', `${node} master`);
    const c = ctl[node]!;
    const oldGen = BigInt(String(logged(c, 'role master', DPID_HEX).at(-1)!.generation));
    const mark = c.records.length;
    const nextMark = ctl[next]!.records.length;
    process.kill(c.child.pid!, 'SIGSTOP');
    try {
      await waitForRoles(
        ovs,
        (r) => r[next] === 'master',
        `${next} master while ${node} is stopped`,
      );
      await sleep(2000);
    } finally {
      process.kill(c.child.pid!, 'SIGCONT');
    }
    const interim = logged(ctl[next]!, 'role master', DPID_HEX, nextMark).at(-1)!;
    const interimGen = BigInt(String(interim.generation));
    expect(interimGen).toBeGreaterThan(oldGen);
    // Continued, the old master stops acting as master by itself (the switch refused its
    // stale generation, or etcd told it another is master), before anything else.
    await c.waitForLog(
      (r) => r.msg === 'no longer master: apps stopped on the switch' && r.dpid === DPID_HEX,
      'stepping down after SIGCONT',
      mark,
    );
    // It is preferred, so it takes the switch back, with a newer generation.
    await waitForRoles(ovs, (r) => r[node] === 'master', `${node} master again`);
    const back = await c.waitForLog(
      (r) => r.msg === 'role master' && r.dpid === DPID_HEX,
      'mastership again',
      mark,
    );
    expect(BigInt(String(back.generation))).toBeGreaterThan(interimGen);
    await learnsNewHost();
  });

  test('etcd unreachable: roles kept, learning goes on, no election; recovered when it returns', async () => {
    const node = ORDER[0]!;
    await waitForRoles(ovs, (r) => r[node] === 'master', `${node} master`);
    const before = await switchRoles(ovs);
    const marks = NODES.map((n) => ctl[n]!.records.length);
    for (let i = 0; i < 3; i++) await etcd.kill(i);
    try {
      await sleep(6000);
      expect(await switchRoles(ovs)).toEqual(before);
      await learnsNewHost();
      expect(await switchRoles(ovs)).toEqual(before);
      NODES.forEach((n, i) => {
        expect(logged(ctl[n]!, 'role master', DPID_HEX, marks[i])).toEqual([]);
      });
    } finally {
      await etcd.restartAll();
    }
    // Back: every controller registers again and the same one is master.
    for (const n of NODES) {
      await ctl[n]!.waitForLog(
        (r) => r.msg === 'cluster member registered',
        `${n} registered`,
        marks[NODES.indexOf(n)],
      );
    }
    await sleep(4000);
    expect(await switchMaster(ovs)).toBe(node);
    await learnsNewHost();
    // And the cluster works again: the master killed is replaced.
    await ctl[node]!.kill();
    await waitForRoles(ovs, (r) => r[ORDER[1]!] === 'master', `${ORDER[1]} master after the kill`);
  });
});
