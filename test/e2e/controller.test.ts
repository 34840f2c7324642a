/**
 * The built controller with the l2-learning app against real Open vSwitch: a private
 * OVS in its own namespace, the controller process (dist/src/cli/controller.js, which
 * runs runController; controller-cli.test.ts checks the main.js route) inside that
 * namespace listening on a free port of 127.0.0.1, bridges with fail_mode=secure. Checks forwarding between four
 * hosts by learned flows (and not by the controller), port down/up, a MAC moving to
 * another port, two bridges kept apart by datapath ID, a stalled switch dropped after
 * the echo timeout and served again when it comes back, and a clean shutdown.
 * No timing assertions: every wait is "until it happens", bounded generously.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  createTestbed,
  exec,
  type Host,
  type OvsInstance,
  ping,
  setLinkDown,
  setLinkUp,
} from '../harness/index.js';
import { type ControllerProcess, inNetns, spawnController } from '../runtime/controller-process.js';

const TIMEOUT = 120_000;
const L2_COOKIE = 0x4c32_0000_0000_0000n;
const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

interface DumpedFlow {
  readonly cookie: bigint;
  readonly priority: number;
  readonly nPackets: number;
  /** Match fields as ovs-ofctl prints them (`in_port=1,dl_src=...`), '' for none. */
  readonly match: string;
  readonly actions: string;
}

/** ovs-ofctl dump-flows lines (OpenFlow 1.3, port numbers not names). */
async function dumpFlows(ovs: OvsInstance, bridge: string): Promise<DumpedFlow[]> {
  const text = await ovs.ofctl('--no-names', 'dump-flows', bridge);
  return text
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => {
      const spec = /priority=(\d+),?(\S*) actions=(\S+)/.exec(l);
      return {
        cookie: BigInt(/cookie=(0x[0-9a-f]+)/.exec(l)![1]!),
        priority: Number(spec![1]),
        nPackets: Number(/n_packets=(\d+)/.exec(l)![1]),
        match: spec![2]!,
        actions: spec![3]!,
      };
    });
}

/** The learned flow from host a to host b, if installed. */
function learned(flows: readonly DumpedFlow[], a: Host, b: Host): DumpedFlow | undefined {
  return flows.find(
    (f) =>
      f.priority === 1 &&
      f.match.split(',').includes(`in_port=${a.ofport}`) &&
      f.match.includes(`dl_src=${a.mac}`) &&
      f.match.includes(`dl_dst=${b.mac}`),
  );
}

const tableMiss = (flows: readonly DumpedFlow[]) => flows.find((f) => f.priority === 0);

/** Keep the hosts quiet: no IPv6 (no router solicitations or MLD reports to flood). */
async function noIpv6(host: Host): Promise<void> {
  await exec(host, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
}

/** Ping until it answers (the first packets may wait on ARP and flow setup). */
async function pingUntilAnswered(from: Host, ip: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const r = await ping(from, ip, { count: 2, interval: 0.2, timeoutSec: 1 });
      expect(r.received, `${from.name} -> ${ip}\n${r.output}`).toBeGreaterThan(0);
    },
    { timeout: 30_000, interval: 200 },
  );
}

describe('controller + l2-learning on Open vSwitch', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let ctl: ControllerProcess;
  const hosts: Host[] = [];

  /** Waits for `dpid` to come up (logged after record `from`) with its table-miss flow. */
  async function switchReady(bridge: string, dpid: string, from: number): Promise<void> {
    await ctl.waitForLog((r) => r.msg === 'switch up' && r.dpid === dpid, `${bridge} up`, from);
    await vi.waitFor(
      async () => expect(tableMiss(await dumpFlows(ovs, bridge))?.cookie).toBe(L2_COOKIE),
      { timeout: 20_000, interval: 100 },
    );
  }

  beforeAll(async () => {
    ovs = await tb.startOvs();
    await ovs.exec('sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    await ovs.addBridge('br0', { dpid: 1, failMode: 'secure' });
    for (let i = 1; i <= 4; i++) {
      const h = await tb.addHost(ovs, 'br0', { name: `h${i}`, ip: `10.0.0.${i}/24`, mac: mac(i) });
      await noIpv6(h);
      hosts.push(h);
    }
    ctl = await spawnController(inNetns(tb, ovs.netns), [
      '--echo-interval',
      '1',
      '--echo-timeout',
      '2',
    ]);
    await ovs.setController('br0', `tcp:127.0.0.1:${ctl.port}`);
    await switchReady('br0', '0000000000000001', 0);
  }, TIMEOUT);

  afterAll(async () => {
    // A stopped ovs-vswitchd cannot die of SIGTERM: make sure it runs again first.
    if (ovs?.vswitchdPid) process.kill(ovs.vswitchdPid, 'SIGCONT');
    await tb.teardown();
  }, TIMEOUT);

  test('the controller installed the table-miss flow with its cookie', async () => {
    const miss = tableMiss(await dumpFlows(ovs, 'br0'));
    expect(miss).toMatchObject({ cookie: L2_COOKIE, match: '', actions: 'CONTROLLER:65535' });
  });

  test('every pair of the four hosts can ping', async () => {
    for (const a of hosts) {
      for (const b of hosts) {
        if (a !== b) await pingUntilAnswered(a, b.ip);
      }
    }
    const flows = await dumpFlows(ovs, 'br0');
    for (const a of hosts) {
      for (const b of hosts) {
        if (a === b) continue;
        const f = learned(flows, a, b);
        expect(f, `flow ${a.name} -> ${b.name}`).toBeDefined();
        expect(f!.cookie).toBe(L2_COOKIE);
        expect(f!.actions).toBe(`output:${b.ofport}`);
      }
    }
    const dump = await ovs.ofctl('--no-names', 'dump-flows', 'br0');
    expect(dump).toContain('idle_timeout=60');
    expect(dump).toContain('send_flow_rem');
  });

  test('once learned, traffic is forwarded by the flows, not by the controller', async () => {
    const [h1, h2] = hosts as [Host, Host];
    await pingUntilAnswered(h1, h2.ip);
    // Flow counters reach OpenFlow through the revalidators: let a round finish first.
    const counted = async () => {
      await ovs.appctl('revalidator/wait');
      return dumpFlows(ovs, 'br0');
    };
    const before = await counted();
    const r = await ping(h1, h2.ip, { count: 5, interval: 0.2, timeoutSec: 2 });
    expect(r.received, r.output).toBe(5);
    const grew = (flows: DumpedFlow[], a: Host, b: Host) =>
      learned(flows, a, b)!.nPackets - learned(before, a, b)!.nPackets;
    let after: DumpedFlow[] = [];
    await vi.waitFor(
      async () => {
        after = await counted();
        expect(grew(after, h1, h2)).toBeGreaterThanOrEqual(5);
        expect(grew(after, h2, h1)).toBeGreaterThanOrEqual(5);
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(tableMiss(after)!.nPackets).toBe(tableMiss(before)!.nPackets);
  });

  test('a port going down flushes what was learned on it; back up, it is relearned', async () => {
    const [h1, h2] = hosts as [Host, Host];
    const from = ctl.records.length;
    await setLinkDown(h2);
    await ctl.waitForLog(
      (r) => r.msg === 'port down: flushed' && r.port === h2.ofport,
      `port ${h2.ofport} flushed`,
      from,
    );
    await vi.waitFor(
      async () => {
        const flows = await dumpFlows(ovs, 'br0');
        const touching = flows.filter(
          (f) =>
            f.match.split(',').includes(`in_port=${h2.ofport}`) ||
            f.actions === `output:${h2.ofport}`,
        );
        expect(touching).toEqual([]);
      },
      { timeout: 20_000, interval: 200 },
    );
    await setLinkUp(h2);
    await pingUntilAnswered(h1, h2.ip);
    const flows = await dumpFlows(ovs, 'br0');
    expect(learned(flows, h1, h2)?.actions).toBe(`output:${h2.ofport}`);
  });

  test('a MAC that moves to another port is relearned there', async () => {
    const [h1, , h3] = hosts as [Host, Host, Host];
    await pingUntilAnswered(h1, h3.ip);
    // h3's MAC and IP move to a new host on a new port; h3 keeps its port, silent.
    await exec(h3, 'ip', 'addr', 'flush', 'dev', 'eth0');
    await exec(h3, 'ip', 'link', 'set', 'eth0', 'address', mac(0x33));
    const from = ctl.records.length;
    const h5 = await tb.addHost(ovs, 'br0', { name: 'h5', ip: '10.0.0.3/24', mac: mac(3) });
    await noIpv6(h5);
    await pingUntilAnswered(h5, h1.ip);
    const moved = await ctl.waitForLog((r) => r.msg === 'MAC moved', 'the MAC move', from);
    expect(moved).toMatchObject({ mac: mac(3), from: h3.ofport, to: h5.ofport });
    await pingUntilAnswered(h1, '10.0.0.3');
    const toMac3 = (await dumpFlows(ovs, 'br0')).filter((f) =>
      f.match.includes(`dl_dst=${mac(3)}`),
    );
    expect(toMac3.length).toBeGreaterThan(0);
    for (const f of toMac3) expect(f.actions).toBe(`output:${h5.ofport}`);
  });

  test('two bridges on one controller are kept apart by datapath ID', async () => {
    const [h1, h2] = hosts as [Host, Host];
    await ovs.addBridge('br1', { dpid: 2, failMode: 'secure' });
    // The same MACs as h1 and h2, on swapped port numbers: a shared MAC table would
    // see h1 and h2 move.
    const h6 = await tb.addHost(ovs, 'br1', {
      name: 'h6',
      ip: '10.0.0.61/24',
      mac: h1.mac,
      ofport: 2,
    });
    const h7 = await tb.addHost(ovs, 'br1', {
      name: 'h7',
      ip: '10.0.0.62/24',
      mac: h2.mac,
      ofport: 1,
    });
    await noIpv6(h6);
    await noIpv6(h7);
    const from = ctl.records.length;
    await ovs.setController('br1', `tcp:127.0.0.1:${ctl.port}`);
    await switchReady('br1', '0000000000000002', from);
    await pingUntilAnswered(h6, h7.ip);
    await pingUntilAnswered(h1, h2.ip);
    expect(ctl.records.slice(from).filter((r) => r.msg === 'MAC moved')).toEqual([]);
    const br1 = await dumpFlows(ovs, 'br1');
    expect(learned(br1, h6, h7)?.actions).toBe('output:1');
    expect(learned(br1, h7, h6)?.actions).toBe('output:2');
    const br0 = await dumpFlows(ovs, 'br0');
    expect(learned(br0, h1, h2)?.actions).toBe(`output:${h2.ofport}`);
    expect(learned(br0, h2, h1)?.actions).toBe(`output:${h1.ofport}`);
  });

  test('a switch that stops answering is dropped after the echo timeout, and served again', async () => {
    const [h1, h2] = hosts as [Host, Host];
    const pid = ovs.vswitchdPid!;
    const from = ctl.records.length;
    process.kill(pid, 'SIGSTOP');
    try {
      for (const dpid of ['0000000000000001', '0000000000000002']) {
        const down = await ctl.waitForLog(
          (r) => r.msg === 'switch down' && r.dpid === dpid,
          `switch ${dpid} dropped`,
          from,
        );
        expect(String(down.reason)).toMatch(/^dead peer: no message for \d+ ms/);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const back = ctl.records.length;
    await switchReady('br0', '0000000000000001', back);
    await switchReady('br1', '0000000000000002', back);
    await pingUntilAnswered(h1, h2.ip);
  });

  test('SIGTERM shuts the controller down cleanly with exit code 0', async () => {
    const code = await ctl.stop();
    expect(code).toBe(0);
    const msgs = ctl.records.map((r) => r.msg);
    expect(msgs).toContain('SIGTERM received, shutting down');
    expect(msgs.at(-1)).toBe('controller stopped');
    expect(
      ctl.records.filter((r) => r.msg === 'switch down' && r.reason === 'controller shutting down'),
    ).toHaveLength(2);
  });
});
