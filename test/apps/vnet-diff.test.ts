/**
 * Reload as a diff of desired flow sets: an unchanged config changes nothing, a change
 * to VLAN 3 touches only VLAN 3's flows, and for random pairs of configs applying the
 * diff to the old set gives exactly the new one, touching nothing that stays.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import { diffFlows, type FlowSpec, flowKey, flowValue } from '../../apps/vnet/flow-set.js';
import { desiredFlows } from '../../apps/vnet/flows.js';
import { planDatapath } from '../../apps/vnet/plan.js';
import { clone, exampleConfig, exampleSection, fmtFlow, VLAN_HOST1_PORTS } from './vnet-support.js';

const ports = [...VLAN_HOST1_PORTS, { name: 'vm5', number: 7 }];
const flowsOf = (raw: unknown) =>
  desiredFlows(planDatapath(configFromJson(raw, 'vnet.json:'), 0x11n, ports)!);

type Section = {
  networks: Record<string, { vlan: number }>;
  datapaths: Record<string, { ports: Record<string, unknown> }>;
};
const base = exampleSection('vnet-vlan.json') as Section;

describe('reload diffs', () => {
  test('the same config changes nothing', () => {
    const flows = desiredFlows(planDatapath(exampleConfig('vnet-vlan.json'), 0x11n, ports)!);
    expect(diffFlows(flows, flowsOf(clone(base)))).toEqual({
      remove: [],
      add: [],
      unchanged: flows.length,
    });
  });

  test('a second VLAN 3 port: only VLAN 3 flows and the new port change', () => {
    const next = clone(base);
    next.datapaths['host1-br-eth1']!.ports.vm5 = { mode: 'access', network: 'vlan3' };
    const d = diffFlows(flowsOf(base), flowsOf(next));
    expect(d.remove).toEqual([]);
    expect(d.add.map(fmtFlow)).toEqual([
      't0 p100 in_port=7,vlan_vid=0x0000 -> push_vlan:0x8100,set_field:vlan_vid=0x1003,goto:1 [0x564e010000000007]',
      't0 p10 in_port=7 -> drop [0x564e0d0000000007]',
      't3 p100 in_port=3,vlan_vid=0x1003 -> output:5,pop_vlan,output:7 [0x564e030000000003]',
      't3 p100 in_port=5,vlan_vid=0x1003 -> pop_vlan,output:3,output:7 [0x564e030000000003]',
      't3 p100 in_port=7,vlan_vid=0x1003 -> output:5,pop_vlan,output:3 [0x564e030000000003]',
    ]);
  });

  test('VLAN 3 off the trunk: its trunk flows go, VLAN 2 is untouched', () => {
    const next = clone(base);
    next.datapaths['host1-br-eth1']!.ports.eth1 = { mode: 'trunk', networks: ['vlan2'] };
    const d = diffFlows(flowsOf(base), flowsOf(next));
    expect(d.remove.map(fmtFlow)).toEqual([
      't0 p100 in_port=5,vlan_vid=0x1003 -> goto:1 [0x564e010000000005]',
      't3 p100 in_port=5,vlan_vid=0x1003 -> pop_vlan,output:3 [0x564e030000000003]',
    ]);
    expect(d.add.map(fmtFlow)).toEqual([
      't3 p100 in_port=3,vlan_vid=0x1003 -> drop [0x564e030000000003]',
    ]);
    for (const f of [...d.remove, ...d.add]) expect(fmtFlow(f)).not.toContain('0x1002');
  });
});

/** Random section: up to 3 networks, ports vm0..vm4 and a trunk with random memberships. */
const arbSection = fc
  .record({
    access: fc.array(fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }), {
      minLength: 5,
      maxLength: 5,
    }),
    trunk: fc.subarray([0, 1, 2]),
    vlanShift: fc.boolean(),
  })
  .map(({ access, trunk, vlanShift }) => {
    const vlans = [2, 3, vlanShift ? 40 : 4];
    const networks = Object.fromEntries(vlans.map((v, i) => [`n${i}`, { vlan: v }]));
    const p: Record<string, unknown> = {};
    access.forEach((n, i) => {
      if (n !== undefined) p[`vm${i}`] = { mode: 'access', network: `n${n}`, number: i + 1 };
    });
    if (trunk.length > 0)
      p.eth1 = { mode: 'trunk', networks: trunk.map((n) => `n${n}`), number: 9 };
    if (Object.keys(p).length === 0) p.vm0 = { mode: 'access', network: 'n0', number: 1 };
    return { networks, datapaths: { h: { dpid: 1, ports: p } } };
  });

function applyDiff(prev: readonly FlowSpec[], d: ReturnType<typeof diffFlows>) {
  const table = new Map(prev.map((f) => [flowKey(f), flowValue(f)]));
  for (const f of d.remove) table.delete(flowKey(f));
  for (const f of d.add) table.set(flowKey(f), flowValue(f));
  return table;
}

test('applying the diff to the old flow set gives the new one, and touches no kept flow', () => {
  fc.assert(
    fc.property(arbSection, arbSection, (a, b) => {
      const prev = desiredFlows(planDatapath(configFromJson(a, 'a:'), 1n, [])!);
      const next = desiredFlows(planDatapath(configFromJson(b, 'b:'), 1n, [])!);
      const d = diffFlows(prev, next);
      expect(applyDiff(prev, d)).toEqual(new Map(next.map((f) => [flowKey(f), flowValue(f)])));
      const before = new Map(prev.map((f) => [flowKey(f), flowValue(f)]));
      const nextKeys = new Set(next.map(flowKey));
      for (const f of d.remove) expect(nextKeys.has(flowKey(f))).toBe(false);
      for (const f of d.add) expect(before.get(flowKey(f))).not.toBe(flowValue(f));
      expect(d.unchanged + d.add.length).toBe(next.length);
    }),
    { numRuns: 300 },
  );
});
