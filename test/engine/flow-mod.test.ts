/**
 * FLOW_MOD semantics of OpenFlow 1.3.5 section 6.4 on the switch model: ADD replacing
 * an identical entry, CHECK_OVERLAP, MODIFY/MODIFY_STRICT with cookies, DELETE and
 * DELETE_STRICT with out_port, out_group, cookie mask and OFPTT_ALL, FLOW_REMOVED
 * reasons and timeouts on an injected clock (errors: flow-mod-errors.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { FlowModCommand, FlowModFlags, type Match } from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import type { FlowRemovedEvent } from '../../src/engine/switch-model.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { apply, bucket, errName, fakeClock, flowMod, groupMod, meterMod, out } from './helpers.js';

const ip: Match = [{ field: 'eth_type', value: 0x0800 }];
const net = (n: number, len: number): Match => [
  ...ip,
  { field: 'ipv4_dst', value: n, mask: len === 32 ? undefined : (0xffffffff << (32 - len)) >>> 0 },
];
const { MODIFY, MODIFY_STRICT, DELETE, DELETE_STRICT } = FlowModCommand;

function model() {
  const clock = fakeClock();
  const events: FlowRemovedEvent[] = [];
  const m = new SwitchModel({
    nTables: 4,
    ports: [1, 2, 3],
    clock: clock.now,
    onFlowRemoved: (e) => events.push(e),
  });
  return { m, clock, events };
}

const flows = (m: SwitchModel) => {
  const r = m.flowStats();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const packet = (dst: number) => buildPacket({ eth_type: 0x0800, ip_proto: 17, ipv4_dst: dst });

describe('ADD', () => {
  test('identical match and priority replaces: counters kept, duration restarted, no FLOW_REMOVED', () => {
    const { m, clock, events } = model();
    m.applyFlowMod(
      flowMod({
        match: net(0x0a000000, 8),
        instructions: [apply(out(1))],
        flags: FlowModFlags.SEND_FLOW_REM,
      }),
    );
    m.process(packet(0x0a000001), 3);
    clock.advance(5000);
    expect(
      m.applyFlowMod(
        flowMod({ match: net(0x0a000000, 8), instructions: [apply(out(2))], cookie: 7n }),
      ),
    ).toBeUndefined();
    const [f] = flows(m);
    expect(flows(m)).toHaveLength(1);
    expect(f!.packetCount).toBe(1n);
    expect(f!.durationSec).toBe(0);
    expect(f!.cookie).toBe(7n);
    expect(f!.instructions).toEqual([apply(out(2))]);
    expect(events).toEqual([]);
  });

  test('RESET_COUNTS on a replacing ADD clears the counters', () => {
    const { m } = model();
    m.applyFlowMod(flowMod({ match: ip, instructions: [apply(out(1))] }));
    m.process(packet(1), 3);
    m.applyFlowMod(flowMod({ match: ip, flags: FlowModFlags.RESET_COUNTS }));
    expect(flows(m)[0]!.packetCount).toBe(0n);
  });

  test('same match, other priority: a second entry', () => {
    const { m } = model();
    m.applyFlowMod(flowMod({ match: ip, priority: 1 }));
    m.applyFlowMod(flowMod({ match: ip, priority: 2 }));
    expect(flows(m).map((f) => f.priority)).toEqual([2, 1]);
  });

  test('CHECK_OVERLAP refuses an overlapping entry of equal priority', () => {
    const { m } = model();
    m.applyFlowMod(flowMod({ match: net(0x0a000000, 8) }));
    const co = FlowModFlags.CHECK_OVERLAP;
    expect(errName(m.applyFlowMod(flowMod({ match: net(0x0a010000, 16), flags: co })))).toBe(
      'OFPFMFC_OVERLAP',
    );
    expect(errName(m.applyFlowMod(flowMod({ match: net(0x0a000000, 8), flags: co })))).toBe(
      'OFPFMFC_OVERLAP',
    );
    expect(m.applyFlowMod(flowMod({ match: net(0x0b000000, 8), flags: co }))).toBeUndefined();
    expect(
      m.applyFlowMod(flowMod({ match: net(0x0a010000, 16), flags: co, priority: 101 })),
    ).toBeUndefined();
    expect(flows(m)).toHaveLength(3);
  });

  test('a full table answers TABLE_FULL, but replacing still works', () => {
    const m = new SwitchModel({ nTables: 2, tableSize: 2 });
    m.applyFlowMod(flowMod({ match: net(1, 32) }));
    m.applyFlowMod(flowMod({ match: net(2, 32) }));
    expect(errName(m.applyFlowMod(flowMod({ match: net(3, 32) })))).toBe('OFPFMFC_TABLE_FULL');
    expect(m.applyFlowMod(flowMod({ match: net(2, 32), cookie: 1n }))).toBeUndefined();
    expect(m.applyFlowMod(flowMod({ match: net(3, 32), tableId: 1 }))).toBeUndefined();
  });
});

describe('MODIFY', () => {
  function three(m: SwitchModel) {
    m.applyFlowMod(
      flowMod({ match: net(0x0a000000, 8), cookie: 0x11n, instructions: [apply(out(1))] }),
    );
    m.applyFlowMod(
      flowMod({
        match: net(0x0a010000, 16),
        priority: 200,
        cookie: 0x12n,
        instructions: [apply(out(1))],
      }),
    );
    m.applyFlowMod(
      flowMod({
        match: net(0x0a010000, 16),
        priority: 5,
        cookie: 0x21n,
        instructions: [apply(out(1))],
      }),
    );
  }

  test('non-strict: every entry at least as specific; cookie and counters stay', () => {
    const { m } = model();
    three(m);
    m.process(packet(0x0a010101), 3);
    m.applyFlowMod(
      flowMod({ command: MODIFY, match: net(0x0a010000, 16), instructions: [apply(out(2))] }),
    );
    const fs = flows(m);
    const port = (i: number) => {
      const ins = fs[i]!.instructions[0];
      const a = ins?.type === 'apply_actions' ? ins.actions[0] : undefined;
      return a?.type === 'output' ? a.port : undefined;
    };
    expect(fs.map((f, i) => [f.priority, f.cookie, port(i)])).toEqual([
      [200, 0x12n, 2],
      [100, 0x11n, 1],
      [5, 0x21n, 2],
    ]);
    expect(fs[0]!.packetCount).toBe(1n);
  });

  test('strict: identical match and priority only; cookie mask filters', () => {
    const { m } = model();
    three(m);
    m.applyFlowMod(
      flowMod({
        command: MODIFY_STRICT,
        match: net(0x0a010000, 16),
        priority: 5,
        instructions: [],
      }),
    );
    expect(flows(m).map((f) => f.instructions.length)).toEqual([1, 1, 0]);
    m.applyFlowMod(
      flowMod({
        command: MODIFY_STRICT,
        match: net(0x0a010000, 16),
        priority: 6,
        instructions: [],
      }),
    );
    expect(flows(m).map((f) => f.instructions.length)).toEqual([1, 1, 0]);
    m.applyFlowMod(
      flowMod({ command: MODIFY, match: ip, cookie: 0x10n, cookieMask: 0xf0n, instructions: [] }),
    );
    expect(flows(m).map((f) => f.instructions.length)).toEqual([0, 0, 0]);
  });

  test('no match: nothing happens and no error', () => {
    const { m } = model();
    expect(m.applyFlowMod(flowMod({ command: MODIFY, match: ip }))).toBeUndefined();
    expect(flows(m)).toEqual([]);
  });

  test('RESET_COUNTS on MODIFY clears counters', () => {
    const { m } = model();
    m.applyFlowMod(flowMod({ match: ip, instructions: [apply(out(1))] }));
    m.process(packet(1), 3);
    m.applyFlowMod(
      flowMod({ command: MODIFY, match: ip, flags: FlowModFlags.RESET_COUNTS, instructions: [] }),
    );
    expect(flows(m)[0]!.packetCount).toBe(0n);
  });
});

describe('DELETE', () => {
  function setup() {
    const ctx = model();
    const { m } = ctx;
    m.applyGroupMod(groupMod({ groupId: 5, buckets: [bucket([out(3)])] }));
    m.applyFlowMod(
      flowMod({
        match: net(0x0a000000, 8),
        instructions: [apply(out(1))],
        flags: FlowModFlags.SEND_FLOW_REM,
        cookie: 1n,
      }),
    );
    m.applyFlowMod(
      flowMod({ match: net(0x0a010000, 16), instructions: [apply(out(2))], cookie: 2n }),
    );
    m.applyFlowMod(
      flowMod({
        match: net(0x0a010000, 16),
        priority: 7,
        instructions: [apply({ type: 'group', groupId: 5 })],
      }),
    );
    m.applyFlowMod(flowMod({ tableId: 1, match: ip, instructions: [apply(out(1))], cookie: 1n }));
    return ctx;
  }
  const left = (m: SwitchModel) => flows(m).map((f) => `${f.tableId}:${f.priority}:${f.cookie}`);

  test('non-strict in one table; FLOW_REMOVED reason DELETE with the message only when asked', () => {
    const { m, events } = setup();
    m.applyFlowMod(flowMod({ command: DELETE, match: ip }));
    expect(left(m)).toEqual(['1:100:1']);
    expect(events.map((e) => [e.reason, e.message !== undefined])).toEqual([
      [2, true],
      [2, false],
      [2, false],
    ]);
    expect(events[0]!.message).toMatchObject({
      type: 'flow_removed',
      reason: 2,
      cookie: 1n,
      tableId: 0,
    });
  });

  test('strict needs priority and identical match', () => {
    const { m } = setup();
    m.applyFlowMod(flowMod({ command: DELETE_STRICT, match: net(0x0a010000, 16), priority: 7 }));
    expect(left(m)).toEqual(['0:100:1', '0:100:2', '1:100:1']);
    m.applyFlowMod(flowMod({ command: DELETE_STRICT, match: net(0x0a000000, 16) }));
    expect(left(m)).toHaveLength(3);
  });

  test('out_port, out_group and cookie mask filter; OFPTT_ALL reaches every table', () => {
    const { m } = setup();
    m.applyFlowMod(flowMod({ command: DELETE, tableId: 0xff, outPort: 1 }));
    expect(left(m)).toEqual(['0:100:2', '0:7:0']);
    m.applyFlowMod(flowMod({ command: DELETE, tableId: 0xff, outGroup: 5 }));
    expect(left(m)).toEqual(['0:100:2']);
    m.applyFlowMod(flowMod({ command: DELETE, tableId: 0xff, cookie: 3n, cookieMask: 0xffn }));
    expect(left(m)).toEqual(['0:100:2']);
    m.applyFlowMod(flowMod({ command: DELETE, tableId: 0xff, cookie: 2n, cookieMask: 0xffn }));
    expect(left(m)).toEqual([]);
  });

  test('deleting a group removes its flows with reason GROUP_DELETE', () => {
    const { m, events } = setup();
    expect(m.applyGroupMod(groupMod({ command: 2, groupId: 5 }))).toBeUndefined();
    expect(left(m)).toEqual(['0:100:1', '0:100:2', '1:100:1']);
    expect(events.map((e) => e.reason)).toEqual([3]);
  });

  test('deleting a meter removes the flows that use it', () => {
    const { m, events } = model();
    m.applyMeterMod(meterMod({ meterId: 9, bands: [{ type: 'drop', rate: 10, burstSize: 0 }] }));
    m.applyFlowMod(
      flowMod({ match: ip, instructions: [{ type: 'meter', meterId: 9 }, apply(out(1))] }),
    );
    m.applyMeterMod(meterMod({ command: 2, meterId: 9 }));
    expect(flows(m)).toEqual([]);
    expect(events.map((e) => e.reason)).toEqual([2]);
  });
});

describe('timeouts', () => {
  test('idle timeout counts from the last packet, hard from installation', () => {
    const { m, clock, events } = model();
    m.applyFlowMod(flowMod({ match: net(1, 32), idleTimeout: 10, instructions: [apply(out(1))] }));
    m.applyFlowMod(flowMod({ match: net(2, 32), hardTimeout: 15, idleTimeout: 0 }));
    clock.advance(9000);
    m.process(packet(1), 3);
    expect(m.expire()).toEqual([]);
    clock.advance(6000); // 15 s since install: hard expires; idle at 6 s since last use
    expect(m.expire().map((e) => [e.entry.priority, e.reason])).toEqual([[100, 1]]);
    clock.advance(4000);
    expect(m.expire().map((e) => e.reason)).toEqual([0]);
    expect(events).toHaveLength(2);
    expect(flows(m)).toEqual([]);
  });

  test('durations come from the clock', () => {
    const { m, clock } = model();
    m.applyFlowMod(flowMod({ match: ip }));
    clock.advance(2500);
    expect(flows(m)[0]).toMatchObject({ durationSec: 2, durationNsec: 500_000_000 });
  });
});
