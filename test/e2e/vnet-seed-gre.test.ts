/**
 * The seed's GRE mode, typed as the seed types it, with vnet taking every port from
 * OVSDB: on each host `br-gre` has no NIC, a `gre0` port whose remote_ip is the other
 * host (options:key=flow, so OpenFlow picks the key per tenant), and the VMs; the host
 * is pointed at the controller with set-controller, set-fail-mode secure and
 * set-manager only. Tenant A's VMs are tagged (`tag=10`); tenant B's carry the
 * `external_ids:iface-id` a cloud writes. The controller's config declares the two
 * tenants with their keys and lists no port. The underlay (`br-phy` holding the wire
 * with the host's IP) is the testbed's stand-in for the hosts' own network.
 *
 *   host1: vm1 10.0.0.1 (A, tag 10)  vm3 10.0.0.3 (B, iface-id)  gre0 ══ gre0  host2: vm2 (A)  vm4 (B)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  addBridgeArgs,
  dpidOf,
  expectIsolated,
  expectPings,
  type SeedBed,
  startSeedBed,
} from '../apps/vnet-seed-support.js';
import { createTestbed, type Host } from '../harness/index.js';
import {
  addGreUnderlay,
  GRE_VM_MTU,
  type PhysicalHost,
  tcpTransfer,
} from '../harness/two-hosts.js';

const TIMEOUT = 120_000;
const MB4 = 4 * 1024 * 1024;

const CONFIG = {
  networks: {
    'tenant-a': { vlan: 10, tunnelKey: 100 },
    'tenant-b': { vlan: 20, tunnelKey: 200, ifaceIdPrefix: 'tenant-b-' },
  },
  ovsdb: {},
};

describe('seed GRE mode: br-gre + gre0 remote_ip, ports from OVSDB', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let bed: SeedBed;
  let vm1: Host;
  let vm2: Host;
  let vm3: Host;
  let vm4: Host;

  const seed = async (h: PhysicalHost, peer: PhysicalHost) => {
    await addGreUnderlay(h, peer);
    await bed.vsctl(h, ...addBridgeArgs('br-gre'));
    await bed.pointAtController(h, 'br-gre');
    await bed.vsctl(
      h,
      ...['add-port', 'br-gre', 'gre0', '--', 'set', 'interface', 'gre0', 'type=gre'],
      `options:remote_ip=${peer.underlayIp}`,
      'options:key=flow',
    );
  };
  const vm = (h: PhysicalHost, name: string, n: number, tenant: 'a' | 'b') =>
    tb.addHost(h.ovs, 'br-gre', {
      name,
      ip: `10.0.0.${n}/24`,
      mac: `02:00:00:00:0${h.index}:0${n}`,
      mtu: GRE_VM_MTU,
      ...(tenant === 'a'
        ? { vlan: 10 } // add-port br-gre vmN tag=10
        : { interfaceSettings: [`external_ids:iface-id=tenant-b-${name}`] }),
    });

  beforeAll(async () => {
    bed = await startSeedBed(tb, CONFIG);
    await seed(bed.host1, bed.host2);
    await seed(bed.host2, bed.host1);
    vm1 = await vm(bed.host1, 'vm1', 1, 'a');
    vm3 = await vm(bed.host1, 'vm3', 3, 'b');
    vm2 = await vm(bed.host2, 'vm2', 2, 'a');
    vm4 = await vm(bed.host2, 'vm4', 4, 'b');
    const dpid = await dpidOf(bed.host2.ovs, 'br-gre');
    await bed.ctl.waitForLog(
      (r) => r.msg === 'vnet flows converged' && r.dpid === dpid,
      'host2 br-gre planned from OVSDB',
    );
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('tenant A (tagged): vm1 pings vm2 across the tunnel, 4 MB of TCP arrive intact', async () => {
    await expectPings(vm1, vm2);
    expect(await tcpTransfer(tb, vm1, vm2, { bytes: MB4 })).toEqual({
      received: MB4,
      intact: true,
      server: 'vm2',
    });
  });

  test('tenant B (iface-id): vm3 pings vm4 across the same tunnel', async () => {
    await expectPings(vm3, vm4);
  });

  test('the tenants never reach each other, on one host or across the tunnel', async () => {
    await expectIsolated(vm1, vm4);
    await expectIsolated(vm3, vm2);
    await expectIsolated(vm1, vm3);
  });

  test('tunnel frames carry each tenant its key: host2 classifies them by tun_id', async () => {
    const gre = await bed.host2.ovs.ofport('gre0');
    const dump = await bed.host2.ovs.ofctl('dump-flows', 'br-gre', 'table=0');
    for (const key of ['0x64', '0xc8']) {
      const line = dump.split('\n').find((l) => l.includes(`tun_id=${key},in_port=${gre}`));
      expect(line, dump).toBeDefined();
      expect(Number(/n_packets=(\d+)/.exec(line!)![1])).toBeGreaterThan(0);
    }
  });

  test('the controller logged no error and no port it could not place', () => {
    expect(bed.ctl.records.filter((r) => (r.level as number) >= 50)).toEqual([]);
    expect(bed.ctl.records.filter((r) => String(r.msg).includes('gets no flows'))).toEqual([]);
  });
});
