/**
 * Groups of every type (with liveness and chaining), GROUP_MOD and METER_MOD errors,
 * meters on an injected clock, TTL expiry, VLAN push on the wire bytes, and packet-out
 * with OFPP_TABLE.
 */
import { describe, expect, test } from 'vitest';
import { OFPP } from '../../src/codec/index.js';
import { PortConfig, PortState } from '../../src/engine/ports.js';
import { apply, bucket, fakeClock, groupMod, meterMod, out } from './helpers.js';
import { fieldOf, ip, ports, setf, sw, udp } from './pipeline-helpers.js';

describe('groups', () => {
  test('ALL: every bucket on its own copy', () => {
    const { m, add } = sw();
    m.applyGroupMod(
      groupMod({ groupId: 1, buckets: [bucket([setf('ipv4_dst', 1), out(2)]), bucket([out(3)])] }),
    );
    add({ instructions: [apply({ type: 'group', groupId: 1 }, out(4))] });
    const r = m.process(udp(), 1);
    expect(ports(r)).toEqual([2, 3, 4]);
    expect([
      fieldOf(r, 0, 'ipv4_dst'),
      fieldOf(r, 1, 'ipv4_dst'),
      fieldOf(r, 2, 'ipv4_dst'),
    ]).toEqual([1, 0x0a000002, 0x0a000002]);
    expect(m.groupStats()[0]).toMatchObject({ groupId: 1, refCount: 1, packetCount: 1n });
  });

  test('SELECT: one live bucket per flow, the same for the same flow, by weight', () => {
    const { m, add } = sw();
    m.applyGroupMod(
      groupMod({
        groupId: 1,
        groupType: 1,
        buckets: [
          bucket([out(2)], { weight: 1 }),
          bucket([out(3)], { weight: 1 }),
          bucket([out(4)], { weight: 0 }),
        ],
      }),
    );
    add({ instructions: [apply({ type: 'group', groupId: 1 })] });
    const seen = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const a = ports(m.process(udp({ udp_src: i }), 1));
      expect(a).toHaveLength(1);
      expect(ports(m.process(udp({ udp_src: i }), 1))).toEqual(a);
      seen.add(a[0]!);
    }
    expect([...seen].sort()).toEqual([2, 3]);
    m.setPortState(2, PortState.LINK_DOWN);
    m.applyGroupMod(
      groupMod({
        command: 1,
        groupId: 1,
        groupType: 1,
        buckets: [
          bucket([out(2)], { weight: 1, watchPort: 2 }),
          bucket([out(3)], { weight: 1, watchPort: 3 }),
        ],
      }),
    );
    for (let i = 0; i < 16; i++) expect(ports(m.process(udp({ udp_src: i }), 1))).toEqual([3]);
  });

  test('FAST-FAILOVER: the first bucket whose watched port or group is live', () => {
    const { m, add } = sw();
    m.applyGroupMod(groupMod({ groupId: 7, groupType: 2, buckets: [bucket([out(4)])] }));
    m.applyGroupMod(
      groupMod({
        groupId: 1,
        groupType: 3,
        buckets: [
          bucket([out(2)], { watchPort: 2 }),
          bucket([out(3)], { watchPort: 3 }),
          bucket([{ type: 'group', groupId: 7 }], { watchGroup: 7 }),
        ],
      }),
    );
    add({ instructions: [apply({ type: 'group', groupId: 1 })] });
    expect(ports(m.process(udp(), 1))).toEqual([2]);
    m.setPortState(2, PortState.LINK_DOWN);
    expect(ports(m.process(udp(), 1))).toEqual([3]);
    m.applyPortMod({
      type: 'port_mod',
      xid: 0,
      portNo: 3,
      hwAddr: 0,
      config: PortConfig.PORT_DOWN,
      mask: PortConfig.PORT_DOWN,
      advertise: 0,
    });
    expect(ports(m.process(udp(), 1))).toEqual([4]);
  });

  test('buckets are action sets by default, ordered lists with bucketsAsSets: false', () => {
    const b = [bucket([out(2), setf('ipv4_dst', 9), out(3)])];
    const spec = sw();
    spec.m.applyGroupMod(groupMod({ groupId: 1, buckets: b }));
    spec.add({ instructions: [apply({ type: 'group', groupId: 1 })] });
    const r1 = spec.m.process(udp(), 1);
    expect(ports(r1)).toEqual([3]);
    expect(fieldOf(r1, 0, 'ipv4_dst')).toBe(9);
    const ovs = sw({ bucketsAsSets: false });
    ovs.m.applyGroupMod(groupMod({ groupId: 1, buckets: b }));
    ovs.add({ instructions: [apply({ type: 'group', groupId: 1 })] });
    expect(ports(ovs.m.process(udp(), 1))).toEqual([2, 3]);
  });

  test('GROUP_MOD errors', () => {
    const { m } = sw();
    const err = (gm: Parameters<typeof groupMod>[0]) => {
      const e = m.applyGroupMod(groupMod(gm));
      return e && `${e.type}/${e.code}`;
    };
    expect(err({ groupId: 1, buckets: [bucket([out(1)])] })).toBeUndefined();
    expect(err({ groupId: 1 })).toBe('6/0'); // GROUP_EXISTS
    expect(err({ command: 1, groupId: 2 })).toBe('6/8'); // UNKNOWN_GROUP
    expect(err({ groupId: 0xfffffffc })).toBe('6/1'); // INVALID_GROUP (reserved id)
    expect(err({ groupId: 3, groupType: 2, buckets: [] })).toBe('6/1'); // indirect needs 1 bucket
    expect(err({ groupId: 3, buckets: [bucket([], { weight: 2 })] })).toBe('6/1'); // weight outside select
    expect(err({ groupId: 3, groupType: 3, buckets: [bucket([])] })).toBe('6/13'); // BAD_WATCH
    expect(err({ groupId: 3, groupType: 7 })).toBe('6/10'); // BAD_TYPE
    expect(err({ command: 5, groupId: 3 })).toBe('6/11'); // BAD_COMMAND
    expect(err({ groupId: 3, buckets: [bucket([{ type: 'group', groupId: 99 }])] })).toBe('2/9');
    expect(err({ groupId: 2, buckets: [bucket([{ type: 'group', groupId: 1 }])] })).toBeUndefined();
    expect(
      err({ command: 1, groupId: 1, buckets: [bucket([{ type: 'group', groupId: 2 }])] }),
    ).toBe('6/7'); // LOOP
    expect(err({ command: 2, groupId: 0xfffffffc })).toBeUndefined();
    expect(m.groupDesc()).toEqual([]);
  });
});

describe('meters, TTL, packet-out', () => {
  test('a drop band drops what exceeds the rate; the clock refills it', () => {
    const clock = fakeClock();
    const { m, add } = sw({ clock: clock.now });
    expect(
      m.applyMeterMod(
        meterMod({ meterId: 1, flags: 2 | 4, bands: [{ type: 'drop', rate: 2, burstSize: 2 }] }),
      ),
    ).toBeUndefined();
    add({ instructions: [{ type: 'meter', meterId: 1 }, apply(out(2))] });
    const sent = () => Array.from({ length: 5 }, () => m.process(udp(), 1).outputs.length).join('');
    expect(sent()).toBe('11000');
    clock.advance(1000);
    expect(sent()).toBe('11000');
    expect(m.meterStats()[0]).toMatchObject({ meterId: 1, flowCount: 1, packetInCount: 10n });
    expect(m.meterStats()[0]!.bandStats[0]!.packetBandCount).toBe(6n);
  });

  test('METER_MOD errors', () => {
    const { m } = sw();
    const code = (mm: Parameters<typeof meterMod>[0]) => m.applyMeterMod(meterMod(mm))?.code;
    expect(code({ meterId: 0 })).toBe(2); // INVALID_METER
    expect(code({ meterId: 1, bands: [{ type: 'drop', rate: 0, burstSize: 0 }] })).toBe(6); // BAD_RATE
    expect(code({ meterId: 1, bands: [{ type: 'drop', rate: 5, burstSize: 9 }] })).toBe(7); // BAD_BURST
    expect(code({ meterId: 1 })).toBeUndefined();
    expect(code({ meterId: 1 })).toBe(1); // METER_EXISTS
    expect(code({ command: 1, meterId: 2 })).toBe(3); // UNKNOWN_METER
  });

  test('dec_nw_ttl at TTL 1 stops the packet; optionally a packet-in INVALID_TTL', () => {
    const { m, add } = sw({ invalidTtlToController: true });
    add({ match: ip, instructions: [apply({ type: 'dec_nw_ttl' }, out(2))] });
    expect(ports(m.process(udp({ ttl: 2 }), 1))).toEqual([2]);
    const r = m.process(udp({ ttl: 1 }), 1);
    expect(r.outputs).toEqual([]);
    expect(r.packetIns.map((p) => p.reason)).toEqual([2]);
  });

  test('push_vlan then output: the bytes leaving carry the tag', () => {
    const { m, add } = sw();
    add({
      match: ip,
      instructions: [
        apply({ type: 'push_vlan', ethertype: 0x8100 }, setf('vlan_vid', 0x1000 | 100), out(2)),
      ],
    });
    const o = m.process(udp(), 1).outputs[0]!;
    expect(Array.from(o.bytes.subarray(12, 16))).toEqual([0x81, 0x00, 0x00, 100]);
    expect(o.bytes.length).toBe(udp().length + 4);
  });

  test('packet-out: actions on the data; output to TABLE runs the pipeline', () => {
    const { m, add } = sw();
    add({ match: [{ field: 'in_port', value: OFPP.CONTROLLER }], instructions: [apply(out(4))] });
    const r = m.packetOut({
      type: 'packet_out',
      xid: 0,
      bufferId: 0xffffffff,
      inPort: OFPP.CONTROLLER,
      actions: [out(1), out(OFPP.TABLE)],
      data: udp(),
    });
    expect(r.ok && ports(r.value)).toEqual([1, 4]);
    const bad = m.packetOut({
      type: 'packet_out',
      xid: 0,
      bufferId: 0xffffffff,
      inPort: OFPP.CONTROLLER,
      actions: [out(0)],
      data: udp(),
    });
    expect(bad.ok).toBe(false);
  });
});
