/**
 * Packets through the switch model: goto_table chains, apply-actions in order against
 * the action set in spec order, write_metadata, table misses, reserved ports, groups
 * of every type with liveness, meters, TTL expiry, packet-out with OFPP_TABLE. Every
 * assertion is about where the packet goes and with which headers.
 */
import { describe, expect, test } from 'vitest';
import {
  type Action,
  type Match,
  OFPP,
  type OxmName,
  type OxmValue,
} from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import type { PipelineResult } from '../../src/engine/pipeline.js';
import { PortConfig, PortState } from '../../src/engine/ports.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import {
  apply,
  bucket,
  fakeClock,
  flowMod,
  goto,
  groupMod,
  meterMod,
  out,
  write,
} from './helpers.js';

const MAC1 = 0x020000000001;
const MAC2 = 0x020000000002;
const udp = (extra: Record<string, number> = {}) =>
  buildPacket({
    eth_src: MAC1,
    eth_dst: MAC2,
    eth_type: 0x0800,
    ip_proto: 17,
    ipv4_src: 0x0a000001,
    ipv4_dst: 0x0a000002,
    udp_src: 1,
    udp_dst: 2,
    ...extra,
  });
const ip: Match = [{ field: 'eth_type', value: 0x0800 }];
const setf = (field: OxmName, value: OxmValue): Action => ({
  type: 'set_field',
  field: { field, value },
});
const ports = (r: PipelineResult) => r.outputs.map((o) => o.port);
const fieldOf = (r: PipelineResult, i: number, f: OxmName) =>
  r.outputs[i]!.fields.find((x) => x.field === f)?.value;

function sw(opts: ConstructorParameters<typeof SwitchModel>[0] = {}) {
  const m = new SwitchModel({ nTables: 4, ports: [1, 2, 3, 4], ...opts });
  const add = (p: Parameters<typeof flowMod>[0]) => {
    const e = m.applyFlowMod(flowMod(p));
    if (e) throw new Error(e.message);
  };
  return { m, add };
}

describe('tables and instructions', () => {
  test('goto_table chain: the entry matched in each table is reported', () => {
    const { m, add } = sw();
    add({ match: [{ field: 'in_port', value: 1 }], instructions: [goto(2)], cookie: 1n });
    add({ tableId: 2, match: ip, instructions: [apply(out(3))], cookie: 2n });
    const r = m.process(udp(), 1);
    expect(r.visits.map((v) => [v.tableId, v.entry?.cookie])).toEqual([
      [0, 1n],
      [2, 2n],
    ]);
    expect(ports(r)).toEqual([3]);
  });

  test('table miss without a table-miss entry drops; the written action set is discarded', () => {
    const { m, add } = sw();
    add({ instructions: [write(out(2)), goto(1)] });
    const r = m.process(udp(), 1);
    expect(r.visits.map((v) => v.entry)).toEqual([expect.anything(), undefined]);
    expect(r.dropped).toBe(true);
    expect(r.outputs).toEqual([]);
  });

  test('a table-miss entry to CONTROLLER gives a packet-in with reason NO_MATCH', () => {
    const { m, add } = sw();
    add({ priority: 0, instructions: [apply(out(OFPP.CONTROLLER, 20))], cookie: 9n });
    add({
      priority: 5,
      match: [{ field: 'in_port', value: 2 }],
      instructions: [apply(out(OFPP.CONTROLLER))],
    });
    const miss = m.process(udp(), 1);
    expect(miss.packetIns).toHaveLength(1);
    expect(miss.packetIns[0]).toMatchObject({
      reason: 0,
      tableId: 0,
      cookie: 9n,
      maxLen: 20,
      totalLen: udp().length,
    });
    expect(miss.packetIns[0]!.data).toEqual(udp().subarray(0, 20));
    expect(miss.packetIns[0]!.match).toEqual([{ field: 'in_port', value: 1 }]);
    const hit = m.process(udp(), 2);
    expect(hit.packetIns[0]).toMatchObject({ reason: 1 });
    expect(hit.packetIns[0]!.data).toEqual(udp());
  });

  test('apply-actions run in order: an output sees the packet as modified so far', () => {
    const { m, add } = sw();
    add({ match: ip, instructions: [apply(out(1), setf('ipv4_dst', 0x0b000001), out(2))] });
    const r = m.process(udp(), 4);
    expect(ports(r)).toEqual([1, 2]);
    expect(fieldOf(r, 0, 'ipv4_dst')).toBe(0x0a000002);
    expect(fieldOf(r, 1, 'ipv4_dst')).toBe(0x0b000001);
  });

  test('the action set runs in spec order (push before set, output last) whatever the write order', () => {
    const { m, add } = sw();
    add({
      match: ip,
      instructions: [
        write(out(2), setf('vlan_vid', 0x1000 | 30), { type: 'push_vlan', ethertype: 0x8100 }),
      ],
    });
    const r = m.process(udp(), 1);
    expect(ports(r)).toEqual([2]);
    expect(fieldOf(r, 0, 'vlan_vid')).toBe(0x1000 | 30);
    expect(r.actionSet.map((a) => a.type)).toEqual(['push_vlan', 'set_field', 'output']);
  });

  test('write-actions across tables: later writes replace, clear-actions empties', () => {
    const { m, add } = sw();
    add({ match: ip, instructions: [write(out(1), setf('ipv4_dst', 5)), goto(1)] });
    add({ tableId: 1, match: ip, instructions: [write(out(2)), goto(2)] });
    add({ tableId: 2, instructions: [] });
    const r = m.process(udp(), 4);
    expect(ports(r)).toEqual([2]);
    expect(fieldOf(r, 0, 'ipv4_dst')).toBe(5);
    add({ tableId: 2, instructions: [{ type: 'clear_actions' }] });
    expect(m.process(udp(), 4).dropped).toBe(true);
  });

  test('a group in the action set wins over an output', () => {
    const { m, add } = sw();
    m.applyGroupMod(groupMod({ groupId: 1, groupType: 2, buckets: [bucket([out(3)])] }));
    add({ instructions: [write(out(2), { type: 'group', groupId: 1 })] });
    expect(ports(m.process(udp(), 1))).toEqual([3]);
  });

  test('write_metadata under mask, matched by the next table', () => {
    const { m, add } = sw();
    add({ instructions: [{ type: 'write_metadata', metadata: 0xab00n, mask: 0xff00n }, goto(1)] });
    add({
      tableId: 1,
      match: [{ field: 'metadata', value: 0xab00n, mask: 0xff00n }],
      instructions: [apply(out(2))],
    });
    const r = m.process(udp(), 1);
    expect(ports(r)).toEqual([2]);
    expect(r.visits[1]!.fields.find((f) => f.field === 'metadata')?.value).toBe(0xab00n);
  });

  test('a later table matches the rewritten header', () => {
    const { m, add } = sw();
    add({ match: ip, instructions: [apply(setf('ipv4_src', 0x0c000001)), goto(1)] });
    add({
      tableId: 1,
      match: [...ip, { field: 'ipv4_src', value: 0x0c000001 }],
      instructions: [apply(out(4))],
    });
    expect(ports(m.process(udp(), 1))).toEqual([4]);
  });

  test('counters: entry packets and bytes, table lookups and matches', () => {
    const { m, add } = sw();
    add({ match: [{ field: 'in_port', value: 1 }], instructions: [apply(out(2))] });
    m.process(udp(), 1);
    m.process(udp(), 1);
    m.process(udp(), 2);
    const f = m.flowStats();
    expect(f.ok && [f.value[0]!.packetCount, f.value[0]!.byteCount]).toEqual([
      2n,
      BigInt(2 * udp().length),
    ]);
    expect(m.tableStats()[0]).toMatchObject({ lookupCount: 3n, matchedCount: 2n, activeCount: 1 });
  });
});

describe('reserved ports', () => {
  test('FLOOD and ALL: every port but the ingress; output to the ingress needs IN_PORT', () => {
    const { m, add } = sw();
    add({ match: [{ field: 'in_port', value: 1 }], instructions: [apply(out(OFPP.FLOOD))] });
    add({ match: [{ field: 'in_port', value: 2 }], instructions: [apply(out(OFPP.ALL))] });
    add({
      match: [{ field: 'in_port', value: 3 }],
      instructions: [apply(out(3), out(OFPP.IN_PORT), out(OFPP.LOCAL))],
    });
    expect(ports(m.process(udp(), 1))).toEqual([2, 3, 4]);
    expect(m.process(udp(), 1).outputs.map((o) => o.via)).toEqual([
      OFPP.FLOOD,
      OFPP.FLOOD,
      OFPP.FLOOD,
    ]);
    expect(ports(m.process(udp(), 2))).toEqual([1, 3, 4]);
    const r = m.process(udp(), 3);
    expect(ports(r)).toEqual([3, OFPP.LOCAL]);
    expect(r.notes.some((n) => n.includes('ingress'))).toBe(true);
  });

  test('FLOOD skips blocked ports, both skip NO_FWD ports; floodToLocal adds LOCAL', () => {
    const { m, add } = sw({
      ports: [
        1,
        2,
        { portNo: 3, state: PortState.BLOCKED },
        { portNo: 4, config: PortConfig.NO_FWD },
      ],
      floodToLocal: true,
    });
    add({ match: [{ field: 'in_port', value: 1 }], instructions: [apply(out(OFPP.FLOOD))] });
    add({ match: [{ field: 'in_port', value: 2 }], instructions: [apply(out(OFPP.ALL))] });
    expect(ports(m.process(udp(), 1))).toEqual([2, OFPP.LOCAL]);
    expect(ports(m.process(udp(), 2))).toEqual([1, 3, OFPP.LOCAL]);
  });

  test('a packet on a port that is down or unknown goes nowhere', () => {
    const { m, add } = sw({ ports: [1, { portNo: 2, config: PortConfig.NO_RECV }] });
    add({ instructions: [apply(out(OFPP.ALL))] });
    expect(m.process(udp(), 2).visits).toEqual([]);
    expect(m.process(udp(), 9).dropped).toBe(true);
  });
});

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
