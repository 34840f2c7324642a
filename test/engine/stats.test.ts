/**
 * Statistics in the codec's shapes (flow, aggregate, table) with the request's
 * selection, and the comparison of the model's flows with a switch's.
 */
import { describe, expect, test } from 'vitest';
import {
  FlowModFlags,
  type FlowStats,
  type FlowStatsFilter,
  type Match,
} from '../../src/codec/index.js';
import { compareFlows, normalMatch } from '../../src/engine/compare.js';
import { COUNTER_UNAVAILABLE } from '../../src/engine/flow-entry.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import { ALL_FLOWS } from '../../src/engine/stats.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { apply, errName, flowMod, flowStats, goto, out, write } from './helpers.js';

const ip: Match = [{ field: 'eth_type', value: 0x0800 }];
const frame = buildPacket({ eth_type: 0x0800, ip_proto: 17 });

function populated() {
  const m = new SwitchModel({ nTables: 3, ports: [1, 2, 3], clock: () => 0 });
  m.applyFlowMod(
    flowMod({
      match: [{ field: 'in_port', value: 1 }],
      instructions: [apply(out(2))],
      cookie: 0x101n,
    }),
  );
  m.applyFlowMod(
    flowMod({ match: ip, priority: 50, instructions: [write(out(3)), goto(1)], cookie: 0x202n }),
  );
  m.applyFlowMod(flowMod({ tableId: 1, match: ip, instructions: [apply(out(2))], cookie: 0x102n }));
  m.applyFlowMod(
    flowMod({
      tableId: 2,
      priority: 0,
      flags: FlowModFlags.NO_PKT_COUNTS | FlowModFlags.NO_BYT_COUNTS,
    }),
  );
  m.process(frame, 1);
  m.process(frame, 2);
  return m;
}
const filter = (f: Partial<FlowStatsFilter>): FlowStatsFilter => ({ ...ALL_FLOWS, ...f });
const cookies = (r: ReturnType<SwitchModel['flowStats']>) =>
  r.ok ? r.value.map((f) => f.cookie) : errName(r.error);

describe('flow, aggregate and table stats', () => {
  test('selection by table, out_port, cookie and loose match', () => {
    const m = populated();
    expect(cookies(m.flowStats())).toEqual([0x101n, 0x202n, 0x102n, 0n]);
    expect(cookies(m.flowStats(filter({ tableId: 1 })))).toEqual([0x102n]);
    expect(cookies(m.flowStats(filter({ outPort: 2 })))).toEqual([0x101n, 0x102n]);
    expect(cookies(m.flowStats(filter({ outPort: 3 })))).toEqual([0x202n]);
    expect(cookies(m.flowStats(filter({ cookie: 0x100n, cookieMask: 0xf00n })))).toEqual([
      0x101n,
      0x102n,
    ]);
    expect(cookies(m.flowStats(filter({ match: ip })))).toEqual([0x202n, 0x102n]);
    expect(cookies(m.flowStats(filter({ tableId: 3 })))).toBe('OFPBRC_BAD_TABLE_ID');
  });

  test('counters, and all-ones for counters an entry does not keep', () => {
    const m = populated();
    const r = m.flowStats();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((f) => f.packetCount)).toEqual([1n, 1n, 1n, COUNTER_UNAVAILABLE]);
    expect(r.value[0]!.byteCount).toBe(BigInt(frame.length));
    expect(r.value[3]!.flags).toBe(FlowModFlags.NO_PKT_COUNTS | FlowModFlags.NO_BYT_COUNTS);
    const agg = m.aggregate();
    expect(agg.ok && agg.value).toEqual({
      packetCount: 3n,
      byteCount: BigInt(3 * frame.length),
      flowCount: 4,
    });
  });

  test('table stats for every table', () => {
    const m = populated();
    expect(m.tableStats()).toEqual([
      { tableId: 0, activeCount: 2, lookupCount: 2n, matchedCount: 2n },
      { tableId: 1, activeCount: 1, lookupCount: 1n, matchedCount: 1n },
      { tableId: 2, activeCount: 1, lookupCount: 0n, matchedCount: 0n },
    ]);
  });
});

describe('compareFlows', () => {
  const base = flowStats({
    durationSec: 1,
    priority: 10,
    cookie: 1n,
    packetCount: 5n,
    byteCount: 500n,
    match: [
      { field: 'eth_type', value: 0x0800 },
      { field: 'ipv4_dst', value: 0x0a000000, mask: 0xff000000 },
    ],
    instructions: [goto(1), apply(out(2))],
  });

  test('equal up to counters, durations, field order, full masks and instruction order', () => {
    const real: FlowStats = {
      ...base,
      durationSec: 99,
      packetCount: 0n,
      byteCount: 0n,
      match: [
        { field: 'ipv4_dst', value: 0x0a000000, mask: 0xff000000 },
        { field: 'eth_type', value: 0x0800 },
        { field: 'ipv4_src', value: 0, mask: 0 },
      ],
      instructions: [apply(out(2)), goto(1)],
    };
    expect(compareFlows([base], [real]).equal).toBe(true);
    expect(normalMatch([{ field: 'in_port', value: 3 }])).toBe(
      normalMatch([{ field: 'in_port', value: 3, mask: 0xffffffff }]),
    );
  });

  test('reports flows missing on either side and fields that differ', () => {
    const other = { ...base, priority: 11 };
    const changed = { ...base, cookie: 2n, instructions: [apply(out(3))], idleTimeout: 5 };
    const r = compareFlows([base, other], [changed, { ...base, tableId: 1 }]);
    expect(r.equal).toBe(false);
    expect(r.onlyInModel).toEqual([other]);
    expect(r.onlyInSwitch).toEqual([{ ...base, tableId: 1 }]);
    expect(r.different).toHaveLength(1);
    expect(r.different[0]!.fields).toEqual(['cookie', 'timeouts', 'instructions']);
    const lenient = compareFlows([base], [changed], {
      ignore: ['cookie', 'timeouts', 'instructions'],
    });
    expect(lenient.equal).toBe(true);
  });

  test('the model compared with its own stats is equal', () => {
    const m = populated();
    const r = m.flowStats();
    expect(r.ok && compareFlows(r.value, [...r.value].reverse()).equal).toBe(true);
  });
});
