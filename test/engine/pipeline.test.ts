/**
 * Packets through the switch model: goto_table chains, apply-actions in order against
 * the action set in spec order, write_metadata, table misses, counters and reserved
 * ports. Every assertion is about where the packet goes and with which headers.
 */
import { describe, expect, test } from 'vitest';
import { OFPP } from '../../src/codec/index.js';
import { PortConfig, PortState } from '../../src/engine/ports.js';
import { apply, bucket, goto, groupMod, out, write } from './helpers.js';
import { fieldOf, ip, ports, setf, sw, udp } from './pipeline-helpers.js';

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

  test('missRunsActionSet (Open vSwitch): a later miss still runs the action set', () => {
    const { m, add } = sw({ missRunsActionSet: true });
    add({ instructions: [write(out(2)), goto(1)] });
    const r = m.process(udp(), 1);
    expect(r.visits.map((v) => v.entry === undefined)).toEqual([false, true]);
    expect(ports(r)).toEqual([2]);
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
