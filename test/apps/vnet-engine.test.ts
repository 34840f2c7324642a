/**
 * The vnet flows run on the project's flow-table engine: every flow-mod the app makes is
 * accepted by the switch model, and frames go where the networks say, on one switch
 * (VLAN example, GRE example, a hub with two tunnels) and across two switches joined by
 * a trunk or a tunnel, with learning answered by the app's own functions.
 */
import { describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import { LEARN_MISS_COOKIE } from '../../apps/vnet/flows.js';
import { CookieKind, cookieKind } from '../../apps/vnet/pipeline.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import { type Delivery, Fabric, ModelSwitch, vlanOf } from './vnet-model.js';
import { exampleConfig } from './vnet-support.js';

const BCAST = 0xffffffffffff;
const mac = (n: number) => 0x020000000000 + n;

/** An ARP request from `src` (broadcast), optionally tagged and with another destination. */
function frame(src: number, dst = BCAST, vlan?: number): Uint8Array {
  return buildPacket({
    eth_dst: dst,
    eth_src: src,
    ...(vlan === undefined ? {} : { vlan_vid: 0x1000 | vlan }),
    eth_type: 0x0806,
    arp_op: 1,
    arp_sha: src,
    arp_spa: 0x0a000001,
    arp_tpa: 0x0a000002,
  });
}

const where = (ds: Delivery[]) =>
  ds.map((d) => `${d.sw}:${d.port}${vlanOf(d) === undefined ? '' : `/vlan${vlanOf(d)}`}`).sort();

function vlanSwitch(name: string, dpid: bigint) {
  return new ModelSwitch(name, exampleConfig('vnet-vlan.json'), dpid, [
    { name: 'vm1', number: 1 },
    { name: 'vm3', number: 3 },
    { name: 'eth1', number: 5 },
    { name: 'vm2', number: 2 },
    { name: 'vm4', number: 4 },
  ]);
}

describe('one switch, VLAN example (vm1=1 VLAN 2, vm3=3 VLAN 3, eth1=5 trunk)', () => {
  test('an untagged broadcast from vm1 leaves on the trunk tagged 2, nowhere else', () => {
    const sw = vlanSwitch('h1', 0x11n);
    const r = sw.model.process(frame(mac(1)), 1);
    expect(
      r.outputs.map((o) => [o.port, o.fields.find((f) => f.field === 'vlan_vid')?.value]),
    ).toEqual([[5, 0x1002]]);
    expect(r.packetIns).toHaveLength(1);
    expect(r.packetIns[0]).toMatchObject({ cookie: LEARN_MISS_COOKIE, tableId: 1, maxLen: 64 });
    // The controller's copy carries the internal tag: that is how learning knows the VLAN.
    expect(Buffer.from(r.packetIns[0]!.data.subarray(12, 16)).toString('hex')).toBe('81000002');
  });

  test('a VLAN 3 frame from the trunk reaches vm3 untagged only', () => {
    const sw = vlanSwitch('h1', 0x11n);
    const r = sw.model.process(frame(mac(4), BCAST, 3), 5);
    expect(r.outputs.map((o) => o.port)).toEqual([3]);
    expect(r.outputs[0]!.fields.some((f) => f.field === 'vlan_vid')).toBe(false);
  });

  test.each([
    ['a VLAN the trunk does not carry', 5, 7, 5],
    ['a tagged frame on an access port', 1, 2, 1],
  ])('%s is dropped by the port drop flow', (_what, inPort, vlan, dropPort) => {
    const sw = vlanSwitch('h1', 0x11n);
    const r = sw.model.process(frame(mac(9), BCAST, vlan), inPort);
    expect(r.dropped).toBe(true);
    const entry = r.visits.at(-1)!.entry!;
    expect(cookieKind(entry.cookie)).toBe(CookieKind.DROP);
    expect(Number(entry.cookie & 0xffffffffn)).toBe(dropPort);
  });

  test('once learned, unicast goes straight to the port without the controller', () => {
    const sw = vlanSwitch('h1', 0x11n);
    sw.receive(frame(mac(1)), 1); // vm1 is learned on port 1
    sw.receive(frame(mac(2), mac(1), 2), 5); // the answer from behind the trunk
    expect(sw.packetIns).toBe(2);
    const r = sw.receive(frame(mac(2), mac(1), 2), 5);
    expect(r.outputs.map((o) => o.port)).toEqual([1]);
    expect(r.packetIns).toEqual([]);
    const back = sw.receive(frame(mac(1), mac(2)), 1);
    expect(back.outputs.map((o) => [o.port, vlanOf({ ...o, sw: '' })])).toEqual([[5, 2]]);
    expect(back.packetIns).toEqual([]);
  });
});

describe('one switch, GRE example (vm1=1 tenant-a, vm3=3 tenant-b, gre0=10)', () => {
  const gre = () =>
    new ModelSwitch('h1', exampleConfig('vnet-gre.json'), 1n, [
      { name: 'vm1', number: 1 },
      { name: 'vm3', number: 3 },
      { name: 'gre0', number: 10 },
    ]);

  test('a broadcast from vm1 enters the tunnel untagged with key 100', () => {
    const r = gre().model.process(frame(mac(1)), 1);
    expect(
      r.outputs.map((o) => [o.port, o.fields.find((f) => f.field === 'tunnel_id')?.value]),
    ).toEqual([[10, 100n]]);
    expect(r.outputs[0]!.fields.some((f) => f.field === 'vlan_vid')).toBe(false);
  });

  test('the tunnel key picks the tenant; an unknown key is dropped', () => {
    const sw = gre();
    expect(
      sw.model.process(frame(mac(4)), 10, { tunnelId: 200n }).outputs.map((o) => o.port),
    ).toEqual([3]);
    expect(
      sw.model.process(frame(mac(2)), 10, { tunnelId: 100n }).outputs.map((o) => o.port),
    ).toEqual([1]);
    expect(sw.model.process(frame(mac(5)), 10, { tunnelId: 300n }).dropped).toBe(true);
  });
});

test('split horizon on a hub: tunnel to tunnel never, tunnel to local always', () => {
  const config = configFromJson(
    {
      networks: { a: { vlan: 10, tunnelKey: 100 } },
      datapaths: {
        hub: {
          dpid: 9,
          ports: {
            vm1: { mode: 'access', network: 'a', number: 1 },
            gre1: { mode: 'tunnel', networks: ['a'], number: 11 },
            gre2: { mode: 'tunnel', networks: ['a'], number: 12 },
          },
        },
      },
    },
    'hub:',
  );
  const sw = new ModelSwitch('hub', config, 9n, [
    { name: 'vm1', number: 1 },
    { name: 'gre1', number: 11 },
    { name: 'gre2', number: 12 },
  ]);
  expect(
    sw.model.process(frame(mac(7)), 11, { tunnelId: 100n }).outputs.map((o) => o.port),
  ).toEqual([1]);
  expect(
    sw.model
      .process(frame(mac(1)), 1)
      .outputs.map((o) => o.port)
      .sort(),
  ).toEqual([11, 12]);
});

describe('two switches', () => {
  test('VLAN: VLAN 2 crosses the trunk to VLAN 2 only; learned unicast reaches one VM', () => {
    const fabric = new Fabric()
      .add(vlanSwitch('h1', 0x11n))
      .add(vlanSwitch('h2', 0x12n))
      .link({ sw: 'h1', port: 5 }, { sw: 'h2', port: 5 });
    // host2's vm2/vm4 are ports 2 and 4 in this model (vm1/vm3 do not exist there).
    expect(where(fabric.send({ sw: 'h1', port: 1 }, frame(mac(1))))).toEqual(['h2:2']);
    expect(where(fabric.send({ sw: 'h2', port: 4 }, frame(mac(4))))).toEqual(['h1:3']);
    expect(where(fabric.send({ sw: 'h2', port: 2 }, frame(mac(2), mac(1))))).toEqual(['h1:1']);
    const before = fabric.get('h1').packetIns + fabric.get('h2').packetIns;
    expect(where(fabric.send({ sw: 'h1', port: 1 }, frame(mac(1), mac(2))))).toEqual(['h2:2']);
    expect(fabric.get('h1').packetIns + fabric.get('h2').packetIns).toBe(before);
    // A VLAN 3 VM sending to vm2's MAC never reaches vm2.
    expect(where(fabric.send({ sw: 'h1', port: 3 }, frame(mac(3), mac(2))))).toEqual(['h2:4']);
  });

  test('GRE: each tenant reaches only its own VMs, even with the same addresses', () => {
    const config = exampleConfig('vnet-gre.json');
    const fabric = new Fabric()
      .add(
        new ModelSwitch('h1', config, 1n, [
          { name: 'vm1', number: 1 },
          { name: 'vm3', number: 3 },
          { name: 'gre0', number: 10 },
        ]),
      )
      .add(
        new ModelSwitch('h2', config, 2n, [
          { name: 'vm2', number: 2 },
          { name: 'vm4', number: 4 },
          { name: 'gre0', number: 10 },
        ]),
      )
      .link({ sw: 'h1', port: 10 }, { sw: 'h2', port: 10 });
    expect(where(fabric.send({ sw: 'h1', port: 1 }, frame(mac(1))))).toEqual(['h2:2']);
    expect(where(fabric.send({ sw: 'h1', port: 3 }, frame(mac(3))))).toEqual(['h2:4']);
    expect(where(fabric.send({ sw: 'h2', port: 2 }, frame(mac(2), mac(1))))).toEqual(['h1:1']);
    expect(where(fabric.send({ sw: 'h2', port: 4 }, frame(mac(4), mac(3))))).toEqual(['h1:3']);
    // tenant-b sending to tenant-a's MAC floods within tenant-b only.
    expect(where(fabric.send({ sw: 'h1', port: 3 }, frame(mac(3), mac(2))))).toEqual(['h2:4']);
    const learned = [...fabric.get('h2').macs.entries()].map((e) => [e.vlan, e.mac, e.port]);
    expect(learned).toContainEqual([10, mac(1), 10]);
    expect(learned).toContainEqual([20, mac(3), 10]);
  });
});
