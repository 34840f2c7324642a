/**
 * VLAN mode on real Open vSwitch, with the example config flows/vnet-vlan.json: two
 * physical hosts joined by one wire, `br-eth1` on each holding the wire as a trunk (up,
 * no IP), fail_mode=secure. VMs sit on VLAN 2 and VLAN 3 of both hosts, all in one IP
 * subnet, so only the VLANs keep them apart.
 *
 *   host1: vm1 10.0.0.1 (VLAN 2)  vm3 10.0.0.3 (VLAN 3)  eth1 trunk
 *   host2: vm2 10.0.0.2 (VLAN 2)  vm4 10.0.0.4 (VLAN 3)  eth1 trunk
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  expectIntended,
  expectPings,
  packetsOf,
  startVlanPair,
  type VnetController,
  vnetFlows,
  waitSettled,
} from '../apps/vnet-e2e-support.js';
import { exampleConfig } from '../apps/vnet-support.js';
import { createTestbed, type Host, ping } from '../harness/index.js';
import { type PhysicalHost, tcpTransfer } from '../harness/two-hosts.js';

const TIMEOUT = 90_000;
const MB4 = 4 * 1024 * 1024;

describe('vnet VLAN mode: VLANs 2 and 3 over one trunk', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let host1: PhysicalHost;
  let host2: PhysicalHost;
  let ctl: VnetController;
  let trunk1: number;
  let trunk2: number;
  let vm1: Host;
  let vm2: Host;
  let vm3: Host;
  let vm4: Host;

  beforeAll(async () => {
    ({ host1, host2, ctl, trunk1, trunk2 } = await startVlanPair(
      tb,
      exampleConfig('vnet-vlan.json'),
    ));
    const vm = (h: PhysicalHost, name: string, ip: string, mac: string) =>
      tb.addHost(h.ovs, 'br-eth1', { name, ip, mac });
    vm1 = await vm(host1, 'vm1', '10.0.0.1/24', '02:00:00:00:01:01');
    vm3 = await vm(host1, 'vm3', '10.0.0.3/24', '02:00:00:00:01:03');
    vm2 = await vm(host2, 'vm2', '10.0.0.2/24', '02:00:00:00:02:02');
    vm4 = await vm(host2, 'vm4', '10.0.0.4/24', '02:00:00:00:02:04');
    await waitSettled(ctl, [
      [0x11n, 3],
      [0x12n, 3],
    ]);
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('VLAN 2: vm1 on host1 pings vm2 on host2 across the trunk', async () => {
    await expectPings(vm1, vm2);
  });

  test('VLAN 3: vm3 on host1 pings vm4 on host2 across the trunk', async () => {
    await expectPings(vm3, vm4);
  });

  test('VLAN 2 and VLAN 3 are isolated, on one host and across hosts', async () => {
    for (const [from, to] of [
      [vm1, vm4],
      [vm1, vm3],
      [vm3, vm2],
      [vm4, vm2],
    ] as const) {
      const r = await ping(from, to.ip, { count: 2, interval: 0.2, timeoutSec: 1 });
      expect(r.received, `${from.name} -> ${to.name}\n${r.output}`).toBe(0);
    }
  });

  test('the wire carries both VLANs tagged: host2 classifies them by tag', async () => {
    const counts = async () => {
      const dump = await host2.ovs.ofctl('dump-flows', 'br-eth1', 'table=0');
      return [2, 3].map((v) => packetsOf(dump, `in_port=${trunk2},dl_vlan=${v} `));
    };
    await vi.waitFor(
      async () => {
        const [v2, v3] = await counts();
        expect(v2).toBeGreaterThan(0);
        expect(v3).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  test('TCP: 4 MB on each VLAN arrive intact', async () => {
    expect(await tcpTransfer(tb, vm1, vm2, { bytes: MB4 })).toEqual({
      received: MB4,
      intact: true,
      server: 'vm2',
    });
    expect(await tcpTransfer(tb, vm4, vm3, { bytes: MB4, port: 7002 })).toEqual({
      received: MB4,
      intact: true,
      server: 'vm3',
    });
  });

  test('the switches hold exactly the flows the app meant', async () => {
    await expectIntended(ctl, [0x11n, 0x12n]);
    const has = vnetFlows(await host1.ovs.ofctl('dump-flows', 'br-eth1'));
    has(
      `priority=100,in_port=${vm1.ofport},vlan_tci=0x0000/0x1fff`,
      'actions=push_vlan:0x8100,set_field:4098->vlan_vid,goto_table:1',
    );
    has(`priority=100,in_port=${trunk1},dl_vlan=2 actions=goto_table:1`);
    has(`priority=100,in_port=${trunk1},dl_vlan=3 actions=goto_table:1`);
    has('table=2', `dl_vlan=2,dl_dst=${vm2.mac} actions=output:${trunk1}`);
    has('table=2', `dl_vlan=2,dl_dst=${vm1.mac} actions=pop_vlan,output:${vm1.ofport}`);
    has('table=3', `in_port=${vm3.ofport},dl_vlan=3 actions=output:${trunk1}`);
    has('table=3', `in_port=${trunk1},dl_vlan=3 actions=pop_vlan,output:${vm3.ofport}`);
  });

  test('the switch rejected nothing and the app logged no problem', () => {
    expect(ctl.problems()).toEqual([]);
  });
});
