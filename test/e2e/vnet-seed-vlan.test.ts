/**
 * The seed's VLAN mode, typed as the seed types it, with vnet taking every port from
 * OVSDB: on each host `br-eth1` holds the NIC eth1 (up, no IP), fake bridges `vlan2`
 * (tag 2) and `vlan3` (tag 3) carry the VMs, and the host is pointed at the controller
 * with set-controller, set-fail-mode secure and set-manager only. The controller (the
 * built ofctl-ts, in a management namespace) has a config with two networks and no
 * ports. Then: VLAN 2 VMs ping and move 4 MB across the hosts, VLAN 3 cannot reach them,
 * a VM plugged afterwards (`add-port vlan2 vm9`) pings soon after the command with only
 * its own flows added, and bad input (a tag nobody declares, malformed JSON-RPC on the
 * manager port, a database that goes away) leaves the rest alone.
 *
 *   host1: vm1 10.0.0.1 (vlan2)  vm3 10.0.0.3 (vlan3)  eth1 ══ eth1  host2: vm2 10.0.0.2 (vlan2)  vm4 10.0.0.4 (vlan3)
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  addBridgeArgs,
  convergences,
  dpidOf,
  expectIsolated,
  expectPings,
  MANAGER_PORT,
  msUntilPing,
  type SeedBed,
  startSeedBed,
  vnetShow,
} from '../apps/vnet-seed-support.js';
import { createTestbed, type Host, run } from '../harness/index.js';
import type { PhysicalHost } from '../harness/two-hosts.js';
import { tcpTransfer } from '../harness/two-hosts.js';

const TIMEOUT = 120_000;
const MB4 = 4 * 1024 * 1024;

const CONFIG = {
  description: 'the seed VLAN mode: networks only, every port from OVSDB',
  networks: { vlan2: { vlan: 2 }, vlan3: { vlan: 3 } },
  ovsdb: {},
};

describe('seed VLAN mode: br-eth1 + fake bridge vlan2, ports from OVSDB', {
  timeout: TIMEOUT,
}, () => {
  const tb = createTestbed();
  let bed: SeedBed;
  let vm1: Host;
  let vm2: Host;
  let vm3: Host;
  let vm4: Host;
  let dpid2: string;

  const seed = async (h: PhysicalHost) => {
    await bed.vsctl(h, ...addBridgeArgs('br-eth1'));
    await bed.pointAtController(h, 'br-eth1');
    await bed.vsctl(h, 'add-port', 'br-eth1', 'eth1');
    await bed.vsctl(h, 'add-br', 'vlan2', 'br-eth1', '2');
    await bed.vsctl(h, 'add-br', 'vlan3', 'br-eth1', '3');
  };
  const vm = (h: PhysicalHost, bridge: string, name: string, n: number) =>
    tb.addHost(h.ovs, bridge, {
      name,
      ip: `10.0.0.${n}/24`,
      mac: `02:00:00:00:0${h.index}:${n.toString(16).padStart(2, '0')}`,
    }); // types `ovs-vsctl add-port vlan2 vmN`

  beforeAll(async () => {
    bed = await startSeedBed(tb, CONFIG);
    await seed(bed.host1);
    await seed(bed.host2);
    vm1 = await vm(bed.host1, 'vlan2', 'vm1', 1);
    vm3 = await vm(bed.host1, 'vlan3', 'vm3', 3);
    vm2 = await vm(bed.host2, 'vlan2', 'vm2', 2);
    vm4 = await vm(bed.host2, 'vlan3', 'vm4', 4);
    dpid2 = await dpidOf(bed.host2.ovs, 'br-eth1');
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('the databases dialed the controller and it placed every port without a port list', async () => {
    await bed.ctl.waitForLog(
      (r) => r.msg === 'vnet flows converged' && r.dpid === dpid2 && r.datapath !== undefined,
      'host2 br-eth1 planned from OVSDB',
    );
    expect(bed.typed.filter((t) => t.includes('manager'))).toEqual([
      'host1$ ovs-vsctl set-manager tcp:172.31.1.1:6640',
      'host2$ ovs-vsctl set-manager tcp:172.31.2.1:6640',
    ]);
  });

  test('VLAN 2: vm1 on host1 pings vm2 on host2, and 4 MB of TCP arrive intact', async () => {
    await expectPings(vm1, vm2);
    expect(await tcpTransfer(tb, vm1, vm2, { bytes: MB4 })).toEqual({
      received: MB4,
      intact: true,
      server: 'vm2',
    });
  });

  test('VLAN 3 on both hosts reaches its own, never VLAN 2', async () => {
    await expectPings(vm3, vm4);
    await expectIsolated(vm3, vm1);
    await expectIsolated(vm4, vm2);
    await expectIsolated(vm3, vm2);
  });

  test('add-port vlan2 vm9 on host2: vm1 pings it soon after, and only vm9 flows are added', async () => {
    const vm9 = await tb.addHost(bed.host2.ovs, 'vlan2', {
      name: 'vm9',
      ip: '10.0.0.9/24',
      mac: '02:00:00:00:02:09',
      plug: false,
    });
    const from = bed.ctl.records.length;
    const ms = await msUntilPing(() => bed.vsctl(bed.host2, 'add-port', 'vlan2', 'vm9'), vm1, vm9);
    console.info(`add-port vlan2 vm9 -> first ping answered after ${Math.round(ms)} ms`);
    // The 1 s of the issue is the figure to watch (reported above); the bound here is
    // generous so a loaded machine does not make the test flaky.
    expect(ms).toBeLessThan(10_000);
    const changes = convergences(bed.ctl, from).filter((r) => r.dpid === dpid2);
    expect(changes.length).toBeGreaterThan(0);
    // Adding a port deletes nothing: its two table-0 flows, its flood flow, and the flood
    // flows of the other VLAN 2 members (eth1, vlan2, vm2) rewritten to include it.
    expect(changes.map((r) => r.removed)).toEqual(changes.map(() => 0));
    const added = changes.reduce((n, r) => n + (r.added as number), 0);
    expect(added).toBe(2 + 1 + 3);
    const others = convergences(bed.ctl, from).filter((r) => r.dpid !== dpid2);
    expect(others.every((r) => r.added === 0 && r.removed === 0)).toBe(true);
  });

  test('a tag no network declares: logged once, no flows for it, the others unaffected', async () => {
    const from = bed.ctl.records.length;
    const dpid1 = await dpidOf(bed.host1.ovs, 'br-eth1');
    await bed.vsctl(bed.host1, 'add-br', 'vlan7', 'br-eth1', '7');
    await bed.vsctl(
      bed.host1,
      'add-port',
      'vlan7',
      'vm7',
      '--',
      'set',
      'Interface',
      'vm7',
      'type=internal',
    );
    const warned = (name: string) =>
      bed.ctl.records
        .slice(from)
        .filter(
          (r) =>
            r.level === 40 &&
            r.dpid === dpid1 &&
            String(r.msg).startsWith(`vnet: port ${name} gets no flows`),
        );
    await vi.waitFor(() => expect(warned('vm7')).toHaveLength(1), { timeout: 10_000 });
    await bed.vsctl(bed.host1, 'set', 'Port', 'vm3', 'tag=3'); // another change on host1
    await expectPings(vm1, vm2);
    expect(warned('vm7')).toHaveLength(1);
    expect(warned('vlan7')).toHaveLength(1);
    const ofport = await bed.host1.ovs.ofport('vm7');
    const dump = await bed.host1.ovs.ofctl('dump-flows', 'br-eth1');
    expect(dump).not.toMatch(new RegExp(`in_port=${ofport}[ ,]`));
  });

  test('malformed JSON-RPC on the manager port: closed and logged once, OpenFlow unaffected', async () => {
    const from = bed.ctl.records.length;
    const send = `const s=require('net').connect(${MANAGER_PORT},'172.31.1.1',()=>s.write('{"id":1,"method":"echo","params":[]}{"id":}'));s.resume();s.on('close',()=>process.exit(0));setTimeout(()=>process.exit(3),5000);`;
    const r = await run(
      'ip',
      ['netns', 'exec', bed.host1.ovs.netns, process.execPath, '-e', send],
      {
        allowFailure: true,
      },
    );
    expect(r.code, 'the controller closed the connection').toBe(0);
    await vi.waitFor(() =>
      expect(
        bed.ctl.records
          .slice(from)
          .filter((x) => String(x.msg).startsWith('malformed OVSDB input')),
      ).toHaveLength(1),
    );
    await expectPings(vm1, vm2);
  });

  test('the database goes away (del-manager) and comes back: flows stay, nothing re-sent', async () => {
    await bed.vsctl(bed.host2, 'del-manager');
    await expectPings(vm2, vm1);
    const from = bed.ctl.records.length;
    await bed.vsctl(bed.host2, 'set-manager', 'tcp:172.31.2.1:6640');
    await bed.ctl.waitForLog((r) => r.msg === 'OVSDB monitor running', 'host2 back', from);
    await expectPings(vm2, vm1);
    const after = convergences(bed.ctl, from).filter((r) => r.dpid === dpid2);
    expect(after.every((r) => r.added === 0 && r.removed === 0)).toBe(true);
  });

  test('ofctl-ts vnet show: networks, their ports per host, where each MAC was learned', async () => {
    const text = await vnetShow(tb, bed);
    const lines = text.split('\n');
    const block = (name: string) => {
      const at = lines.findIndex((l) => l.startsWith(`network ${name} `));
      const end = lines.findIndex((l, i) => i > at && !l.startsWith(' '));
      return lines.slice(at, end);
    };
    const v2 = block('vlan2');
    expect(v2[0]).toBe('network vlan2 (VLAN 2)');
    const host2 = v2.find((l) => l.includes(`dpid ${dpid2}, from OVSDB`));
    expect(host2, text).toMatch(
      / br-eth1 \[dpid [0-9a-f]{16}, from OVSDB\]: eth1\(\d+ tagged\) vlan2\(\d+\) vm2\(\d+\) vm9\(\d+\)$/,
    );
    expect(
      v2.filter((l) => /^ {4}02:00:00:00:01:01 on vm1\(\d+\)$/.test(l)),
      text,
    ).toHaveLength(1);
    expect(
      v2.filter((l) => /^ {4}02:00:00:00:01:01 on eth1\(\d+\)$/.test(l)),
      text,
    ).toHaveLength(1);
    expect(block('vlan3').join('\n')).not.toMatch(/vm1|vm2|vm9/);
    expect(text).toContain('\nports without flows\n');
    expect(text).toMatch(/\] vm7: tag 7: no network declares it/);
  });

  test('what was typed: the seed commands and the three that point a host at us', () => {
    const host1 = bed.typed.filter((t) => t.startsWith('host1$')).slice(0, 7);
    expect(host1).toEqual([
      'host1$ ovs-vsctl add-br br-eth1 -- set Bridge br-eth1 datapath_type=netdev protocols=OpenFlow13',
      'host1$ ovs-vsctl set-fail-mode br-eth1 secure',
      'host1$ ovs-vsctl set-controller br-eth1 tcp:172.31.1.1:6653',
      'host1$ ovs-vsctl set-manager tcp:172.31.1.1:6640',
      'host1$ ovs-vsctl add-port br-eth1 eth1',
      'host1$ ovs-vsctl add-br vlan2 br-eth1 2',
      'host1$ ovs-vsctl add-br vlan3 br-eth1 3',
    ]);
  });

  test('the controller logged no error', () => {
    expect(bed.ctl.records.filter((r) => (r.level as number) >= 50)).toEqual([]);
  });
});
