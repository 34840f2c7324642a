/**
 * MAC learning on real Open vSwitch (VLAN topology, two VLAN 2 VMs on host1): a MAC that
 * moves to another port is relearned (old source flow deleted, destination repointed),
 * and a MAC that falls silent is forgotten on both switches when its source flow idles
 * out (FLOW_REMOVED makes the app delete the destination flow too).
 *
 *   host1: vm1 10.0.0.1, vm5 10.0.0.5 (VLAN 2), eth1 trunk
 *   host2: vm2 10.0.0.2 (VLAN 2), eth1 trunk
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import { parseMac } from '../../apps/vnet/mac-table.js';
import {
  compareWithIntent,
  expectPings,
  startVlanPair,
  type VnetController,
  waitSettled,
} from '../apps/vnet-e2e-support.js';
import { createTestbed, exec, type Host, ping } from '../harness/index.js';
import type { PhysicalHost } from '../harness/two-hosts.js';

const TIMEOUT = 120_000;
/** Short enough to watch a MAC expire, long enough for the move to happen first. */
const IDLE = 6;
const M1 = '02:00:00:00:01:01';

const config = configFromJson(
  {
    macIdleTimeout: IDLE,
    networks: { vlan2: { vlan: 2 } },
    datapaths: {
      host1: {
        dpid: '0x11',
        ports: {
          vm1: { mode: 'access', network: 'vlan2' },
          vm5: { mode: 'access', network: 'vlan2' },
          eth1: { mode: 'trunk', networks: ['vlan2'] },
        },
      },
      host2: {
        dpid: '0x12',
        ports: {
          vm2: { mode: 'access', network: 'vlan2' },
          eth1: { mode: 'trunk', networks: ['vlan2'] },
        },
      },
    },
  },
  'vnet-learning.test.ts:',
);

describe('vnet MAC learning on real switches', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let host1: PhysicalHost;
  let host2: PhysicalHost;
  let ctl: VnetController;
  let trunk1: number;
  let vm1: Host;
  let vm2: Host;
  let vm5: Host;

  const dump = (h: PhysicalHost) => h.ovs.ofctl('dump-flows', 'br-eth1');

  beforeAll(async () => {
    ({ host1, host2, ctl, trunk1 } = await startVlanPair(tb, config));
    vm1 = await tb.addHost(host1.ovs, 'br-eth1', { name: 'vm1', ip: '10.0.0.1/24', mac: M1 });
    vm5 = await tb.addHost(host1.ovs, 'br-eth1', {
      name: 'vm5',
      ip: '10.0.0.5/24',
      mac: '02:00:00:00:01:05',
    });
    vm2 = await tb.addHost(host2.ovs, 'br-eth1', {
      name: 'vm2',
      ip: '10.0.0.2/24',
      mac: '02:00:00:00:02:02',
    });
    // No IPv6 chatter (router solicitations, MLD) keeping MACs alive behind our back.
    for (const vm of [vm1, vm2, vm5]) {
      await exec(vm, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    }
    await waitSettled(ctl, [
      [0x11n, 3],
      [0x12n, 2],
    ]);
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('a MAC that moves to another port is relearned there', async () => {
    await ping(vm1, vm2.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
    expect(ctl.handlers.macTable(0x11n)?.get(2, parseMac(M1))?.port).toBe(vm1.ofport);
    // vm1 takes another MAC (its link stays up) and vm5 takes vm1's: M1 moved to vm5.
    await exec(vm1, 'ip', 'link', 'set', 'eth0', 'address', '02:00:00:00:01:99');
    await exec(vm5, 'ip', 'link', 'set', 'eth0', 'address', M1);
    await expectPings(vm5, vm2);

    expect(ctl.records.some((x) => x.msg === 'learning: moved' && x.mac === M1)).toBe(true);
    expect(ctl.handlers.macTable(0x11n)?.get(2, parseMac(M1))?.port).toBe(vm5.ofport);
    const flows = await dump(host1);
    expect(flows).toContain(`in_port=${vm5.ofport},dl_vlan=2,dl_src=${M1} actions=goto_table:2`);
    expect(flows).not.toContain(`in_port=${vm1.ofport},dl_vlan=2,dl_src=${M1}`);
    expect(flows).toContain(`dl_vlan=2,dl_dst=${M1} actions=pop_vlan,output:${vm5.ofport}`);
    // host2 still sees M1 behind its trunk.
    expect(ctl.handlers.macTable(0x12n)?.get(2, parseMac(M1))?.port).not.toBe(undefined);
    for (const dpid of [0x11n, 0x12n])
      expect((await compareWithIntent(ctl, dpid)).equal).toBe(true);
  });

  test('a silent MAC is forgotten everywhere when its source flow idles out', async () => {
    await ping(vm5, vm2.ip, { count: 2, interval: 0.2, timeoutSec: 2 });
    expect(await dump(host1)).toContain(`dl_dst=${M1}`);
    // Nothing is sent now: after IDLE seconds the table-1 entries expire, OVS reports
    // FLOW_REMOVED, and the app deletes the matching table-2 entries.
    await vi.waitFor(
      async () => {
        for (const h of [host1, host2]) {
          const flows = await dump(h);
          expect(flows).not.toContain(`dl_src=${M1}`);
          expect(flows).not.toContain(`dl_dst=${M1}`);
          expect(flows).not.toContain('dl_dst=02:00:00:00:02:02');
        }
      },
      { timeout: (IDLE + 15) * 1000, interval: 500 },
    );
    expect(ctl.handlers.macTable(0x11n)?.size).toBe(0);
    expect(ctl.handlers.macTable(0x12n)?.size).toBe(0);
    // Flooding still works, and the next frames are learned again.
    const r = await ping(vm2, vm5.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
    expect(r.lossPct, r.output).toBe(0);
    expect(await dump(host1)).toContain(
      `dl_vlan=2,dl_dst=02:00:00:00:02:02 actions=output:${trunk1}`,
    );
  });

  test('the switch rejected nothing and the app logged no problem', () => {
    expect(ctl.problems()).toEqual([]);
  });
});
