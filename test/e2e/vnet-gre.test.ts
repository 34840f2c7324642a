/**
 * GRE mode on real Open vSwitch, with the example config flows/vnet-gre.json: two
 * physical hosts (each its own ovsdb-server + ovs-vswitchd) joined by one wire, `br-gre`
 * on each with a `gre0` tunnel (key=flow) and no physical NIC, fail_mode=secure so every
 * forwarding decision comes from the vnet app. Two tenants share the tunnel and reuse
 * the same IP addresses; tun_id keeps them apart.
 *
 *   host1: vm1 10.0.0.1 (tenant-a)  vm3 10.0.0.1 (tenant-b)  gre0 -> 192.168.100.2
 *   host2: vm2 10.0.0.2 (tenant-a)  vm4 10.0.0.2 (tenant-b)  gre0 -> 192.168.100.1
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  expectIntended,
  expectPings,
  packetsOf,
  startVnetController,
  type VnetController,
  vnetFlows,
  waitSettled,
} from '../apps/vnet-e2e-support.js';
import { exampleConfig } from '../apps/vnet-support.js';
import { createTestbed, exec, type Host, ping } from '../harness/index.js';
import {
  addGreBridge,
  addGreUnderlay,
  GRE_VM_MTU,
  type PhysicalHost,
  sendFrame,
  startTwoHosts,
  tcpTransfer,
} from '../harness/two-hosts.js';

const TIMEOUT = 90_000;
const MB4 = 4 * 1024 * 1024;

async function neighbourMac(vm: Host, ip: string): Promise<string | undefined> {
  const { stdout } = await exec(vm, 'ip', '-j', 'neigh', 'show', ip, 'dev', 'eth0');
  return (JSON.parse(stdout) as { lladdr?: string }[])[0]?.lladdr;
}

describe('vnet GRE mode: two tenants over one tunnel', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let host1: PhysicalHost;
  let host2: PhysicalHost;
  let ctl: VnetController;
  let gre1: number;
  let gre2: number;
  let vm1: Host;
  let vm2: Host;
  let vm3: Host;
  let vm4: Host;

  beforeAll(async () => {
    ({ host1, host2 } = await startTwoHosts(tb));
    await addGreUnderlay(host1, host2);
    await addGreUnderlay(host2, host1);
    ctl = await startVnetController(tb, [host1.ovs, host2.ovs], exampleConfig('vnet-gre.json'));
    gre1 = await addGreBridge(host1, host2, { dpid: 1, controller: ctl.target(host1.ovs) });
    gre2 = await addGreBridge(host2, host1, { dpid: 2, controller: ctl.target(host2.ovs) });
    const vm = (h: PhysicalHost, name: string, ip: string, mac: string) =>
      tb.addHost(h.ovs, 'br-gre', { name, ip, mac, mtu: GRE_VM_MTU });
    vm1 = await vm(host1, 'vm1', '10.0.0.1/24', '02:00:00:00:01:01');
    vm3 = await vm(host1, 'vm3', '10.0.0.1/24', '02:00:00:00:01:03');
    vm2 = await vm(host2, 'vm2', '10.0.0.2/24', '02:00:00:00:02:02');
    vm4 = await vm(host2, 'vm4', '10.0.0.2/24', '02:00:00:00:02:04');
    await waitSettled(ctl, [
      [1n, 3],
      [2n, 3],
    ]);
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('tenant-a: vm1 on host1 pings vm2 on host2 through the tunnel', async () => {
    // The first packets wait for learning and the tunnel: warm up, then require no loss.
    await expectPings(vm1, vm2);
  });

  test('tenant-b reuses the addresses: vm3 reaches vm4, never tenant-a vm2', async () => {
    await expectPings(vm3, vm4);
    expect(await neighbourMac(vm3, '10.0.0.2')).toBe(vm4.mac);
    expect(await neighbourMac(vm1, '10.0.0.2')).toBe(vm2.mac);
    expect(await neighbourMac(vm4, '10.0.0.1')).toBe(vm3.mac);
  });

  test('isolation by tun_id: with vm4 down, 10.0.0.2 is unreachable from tenant-b', async () => {
    await exec(vm4, 'ip', 'link', 'set', 'eth0', 'down');
    await exec(vm3, 'ip', 'neigh', 'flush', 'dev', 'eth0');
    try {
      const r = await ping(vm3, '10.0.0.2', { count: 4, interval: 0.2, timeoutSec: 1 });
      expect(r.received, r.output).toBe(0);
      // tenant-a's 10.0.0.2 was up all along.
      const a = await ping(vm1, '10.0.0.2', { count: 2, interval: 0.2, timeoutSec: 2 });
      expect(a.lossPct, a.output).toBe(0);
    } finally {
      await exec(vm4, 'ip', 'link', 'set', 'eth0', 'up');
    }
    await vi.waitFor(
      async () => {
        const r = await ping(vm3, vm4.ip, { count: 1, timeoutSec: 1 });
        expect(r.received).toBe(1);
      },
      { timeout: 15_000, interval: 200 },
    );
  });

  test('TCP: 4 MB in each tenant arrive intact at the right VM', async () => {
    const a = await tcpTransfer(tb, vm1, vm2, { bytes: MB4 });
    expect(a).toEqual({ received: MB4, intact: true, server: 'vm2' });
    const b = await tcpTransfer(tb, vm3, vm4, { bytes: MB4, port: 7002 });
    expect(b).toEqual({ received: MB4, intact: true, server: 'vm4' });
  });

  test('known destinations: no controller round trip', async () => {
    await ping(vm1, vm2.ip, { count: 2, interval: 0.2, timeoutSec: 2 });
    const packetIns = () => ctl.records.filter((r) => String(r.msg).startsWith('learning:')).length;
    const learned = async () =>
      packetsOf(
        await host1.ovs.ofctl('dump-flows', 'br-gre'),
        'table=2',
        'dl_dst=02:00:00:00:02:02',
      );
    const before = { packetIns: packetIns(), forwarded: await learned() };
    const r = await ping(vm1, vm2.ip, { count: 20, interval: 0.02, timeoutSec: 2 });
    expect(r.lossPct, r.output).toBe(0);
    // Flow counters reach the OpenFlow tables when the revalidators next run.
    await vi.waitFor(
      async () => expect(await learned()).toBeGreaterThanOrEqual(before.forwarded + 20),
      {
        timeout: 10_000,
        interval: 200,
      },
    );
    expect(packetIns()).toBe(before.packetIns);
  });

  test('the switches hold exactly the flows the app meant', async () => {
    await expectIntended(ctl, [1n, 2n]);
    const has = vnetFlows(await host1.ovs.ofctl('dump-flows', 'br-gre'));
    has(
      `cookie=0x564e01000000000${gre1.toString(16)}`,
      `priority=100,tun_id=0x64,in_port=${gre1}`,
      'actions=push_vlan:0x8100,set_field:4106->vlan_vid,goto_table:1',
    );
    has(`priority=100,tun_id=0xc8,in_port=${gre1}`, 'set_field:4116->vlan_vid,goto_table:1');
    has(
      'table=2',
      'dl_vlan=10,dl_dst=02:00:00:00:02:02',
      `actions=pop_vlan,set_field:0x64->tun_id,output:${gre1}`,
    );
    has('table=2', 'dl_vlan=20,dl_dst=02:00:00:00:02:04', 'set_field:0xc8->tun_id');
    has('table=1', 'idle_timeout=300', 'send_flow_rem', 'dl_vlan=10,dl_src=02:00:00:00:01:01');
    has('table=0', 'cookie=0x564e0d00ffff0000', 'priority=0 actions=drop');
    expect(await host2.ovs.ofctl('dump-flows', 'br-gre')).toContain(
      `in_port=${gre2},dl_vlan=20 actions=pop_vlan,output:`,
    );
  });

  test('a tagged frame on an access port is dropped and counted', async () => {
    const dropped = async () =>
      packetsOf(
        await host1.ovs.ofctl('dump-flows', 'br-gre', `cookie=0x564e0d000000000${vm1.ofport}/-1`),
        'actions=drop',
      );
    expect(await dropped()).toBe(0);
    // Broadcast, VLAN 7, from vm1's own MAC: not an untagged frame, so not tenant-a's.
    const frame = Buffer.from(`ffffffffffff${vm1.mac.replaceAll(':', '')}8100000708060001`, 'hex');
    await sendFrame(vm1, Buffer.concat([frame, Buffer.alloc(40)]), 5);
    await vi.waitFor(async () => expect(await dropped()).toBe(5), {
      timeout: 10_000,
      interval: 200,
    });
  });

  test('the switch rejected nothing and the app logged no problem', () => {
    expect(ctl.problems()).toEqual([]);
  });
});
