/**
 * static-flows, the pure parts: a line becomes the FLOW_MOD the app sends (its cookie,
 * its ports resolved by name); a switch gets the right config entry and the lines that
 * resolve on it; and the plan from what a switch holds to what is wanted keeps what is
 * right, deletes only stale flows and adds only missing or changed ones. The plan is
 * checked by applying it to the project's flow-table engine (SwitchModel) as a switch,
 * and so is the example config: its flows, installed in the engine, forward as described.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/static-flows/config.js';
import {
  type FlowAdd,
  lineFlowMod,
  STATIC_COOKIE,
  STATIC_COOKIE_MASK,
} from '../../apps/static-flows/flow-lines.js';
import { resolveFlows } from '../../apps/static-flows/resolve.js';
import {
  flowKey,
  flowVersion,
  planSync,
  type WantedFlow,
} from '../../apps/static-flows/sync-plan.js';
import { type FlowMod, FlowModCommand, type FlowStats, OFPP } from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import { ALL_FLOWS } from '../../src/engine/stats.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { PortMap } from '../../src/text/ports.js';
import { flowMod } from '../engine/helpers.js';

const PORTS = [
  { portNo: 1, name: 'eth1' },
  { portNo: 2, name: 'vm1' },
  { portNo: 3, name: 'vm2' },
  { portNo: OFPP.LOCAL, name: 'br0' },
];
const MAP = new PortMap(PORTS);
const fm = (text: string) => lineFlowMod(text, MAP);
const wanted = (text: string, origin = 'f:1'): WantedFlow => ({
  line: { origin, text },
  fm: fm(text),
});

/** A switch (the engine) holding these flow-mods. */
function switchWith(mods: readonly FlowAdd[]): SwitchModel {
  const sw = new SwitchModel({ ports: PORTS.filter((p) => p.portNo !== OFPP.LOCAL) });
  for (const m of mods) expect(sw.applyFlowMod({ ...m, xid: 0 })).toBeUndefined();
  return sw;
}

function dump(sw: SwitchModel, cookie = 0n, cookieMask = 0n): FlowStats[] {
  const r = sw.flowStats({ ...ALL_FLOWS, cookie, cookieMask });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('a line as a FLOW_MOD', () => {
  test('the app cookie, port names, table and defaults', () => {
    const m = fm('table=2,priority=7,in_port=vm1,actions=output:eth1');
    expect(m).toMatchObject({
      type: 'flow_mod',
      command: FlowModCommand.ADD,
      cookie: STATIC_COOKIE,
      cookieMask: 0n,
      tableId: 2,
      priority: 7,
      match: [{ field: 'in_port', value: 2 }],
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
    });
    expect('xid' in m).toBe(false);
  });

  test("a line's own cookie fills the low 48 bits", () => {
    expect(fm('cookie=0x2a,actions=drop').cookie).toBe(0x5346_0000_0000_002an);
    expect(fm('cookie=0x534600000000002a,actions=drop').cookie).toBe(0x5346_0000_0000_002an);
    expect(() => fm('cookie=0xffff000000000001,actions=drop')).toThrow(/top 16/);
  });

  test('an unknown port name is the parser error', () => {
    expect(() => fm('in_port=vm9,actions=drop')).toThrow(
      'vm9: invalid or unknown port for in_port',
    );
  });
});

describe('flow identity and version', () => {
  test('match field order and a redundant full mask do not change the identity', () => {
    const a = fm('priority=5,ip,nw_src=10.0.0.1,tcp,tp_dst=80,actions=drop');
    const reordered = { ...a, match: [...a.match].reverse() };
    expect(flowKey(reordered)).toBe(flowKey(a));
    expect(flowKey(fm('priority=5,tcp,nw_src=10.0.0.1/32,tp_dst=80,actions=drop'))).toBe(
      flowKey(a),
    );
    expect(flowKey(a)).toBe('table=0 priority=5,tcp,nw_src=10.0.0.1,tp_dst=80');
  });

  test('table and priority are part of the identity; cookie, timeouts, flags, actions the version', () => {
    const base = fm('priority=5,arp,actions=NORMAL');
    expect(flowKey(fm('table=1,priority=5,arp,actions=NORMAL'))).not.toBe(flowKey(base));
    expect(flowKey(fm('priority=6,arp,actions=NORMAL'))).not.toBe(flowKey(base));
    for (const other of [
      'cookie=0x1,priority=5,arp,actions=NORMAL',
      'idle_timeout=10,priority=5,arp,actions=NORMAL',
      'hard_timeout=10,priority=5,arp,actions=NORMAL',
      'send_flow_rem,priority=5,arp,actions=NORMAL',
      'priority=5,arp,actions=FLOOD',
    ]) {
      expect(flowKey(fm(other)), other).toBe(flowKey(base));
      expect(flowVersion(fm(other)), other).not.toBe(flowVersion(base));
    }
  });
});

describe('which flows a switch gets', () => {
  const config = configFromJson(
    {
      datapaths: {
        '0x1': { lines: ['priority=1,actions=output:eth1'] },
        br0: { lines: ['priority=2,actions=drop'] },
        br7: { lines: ['priority=7,actions=drop'] },
      },
      default: { lines: ['priority=0,actions=drop'] },
    },
    'c.json: appConfig.static-flows',
  );
  const entryOf = (dpid: bigint, bridge: string) =>
    resolveFlows(config, dpid, [...PORTS.slice(0, 3), { portNo: OFPP.LOCAL, name: bridge }]);

  test('its dpid entry first, then its bridge name, then the default', () => {
    expect(entryOf(1n, 'br0').entry).toBe('datapaths.0x1');
    expect(entryOf(2n, 'br0').entry).toBe('datapaths.br0');
    expect(entryOf(2n, 'br7').wanted.map((w) => w.fm.priority)).toEqual([7]);
    expect(entryOf(3n, 'br-other').entry).toBe('default');
  });

  test('without a default, a switch the config does not name gets nothing', () => {
    const c = configFromJson({ datapaths: { br0: { lines: ['actions=drop'] } } }, 'c.json:');
    expect(resolveFlows(c, 9n, [{ portNo: OFPP.LOCAL, name: 'br9' }])).toEqual({
      entry: undefined,
      wanted: [],
      skipped: [],
    });
  });

  test('a line naming a port the switch lacks is skipped with the reason', () => {
    const c = configFromJson(
      {
        default: {
          lines: ['priority=1,in_port=vm1,actions=drop', 'priority=2,actions=output:vm7'],
        },
      },
      'c.json: appConfig.static-flows',
    );
    const r = resolveFlows(c, 1n, PORTS);
    expect(r.wanted.map((w) => w.line.origin)).toEqual([
      'c.json: appConfig.static-flows.default.lines[0]',
    ]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.line.origin).toBe('c.json: appConfig.static-flows.default.lines[1]');
    expect(r.skipped[0]!.reason).toMatch(/vm7/);
  });

  test('two lines that are one flow on this switch: the later one stays', () => {
    const c = configFromJson(
      { default: { lines: ['in_port=1,actions=drop', 'in_port=eth1,actions=NORMAL'] } },
      'c.json:',
    );
    const r = resolveFlows(c, 1n, PORTS);
    expect(r.wanted.map((w) => w.line.text)).toEqual(['in_port=eth1,actions=NORMAL']);
    expect(r.skipped.map((s) => s.line.text)).toEqual(['in_port=1,actions=drop']);
    expect(r.skipped[0]!.reason).toMatch(/^replaced by c\.json: default\.lines\[1\]/);
  });
});

/** The flow-mods a plan sends, in order: strict deletes of stale flows, then adds. */
function planMods(plan: ReturnType<typeof planSync>): FlowMod[] {
  const dels = plan.stale.map((f) =>
    flowMod({
      cookie: f.cookie,
      cookieMask: 0xffff_ffff_ffff_ffffn,
      tableId: f.tableId,
      command: FlowModCommand.DELETE_STRICT,
      priority: f.priority,
      match: f.match,
    }),
  );
  const adds = [...plan.replaced, ...plan.added].map((w): FlowMod => ({ ...w.fm, xid: 0 }));
  return [...dels, ...adds];
}

describe('the plan from what a switch holds to what is wanted', () => {
  test('kept, stale, added and replaced', () => {
    const sw = switchWith([
      fm('priority=1,actions=drop'),
      fm('priority=2,in_port=vm1,actions=output:eth1'),
      fm('priority=3,arp,actions=NORMAL'),
    ]);
    const plan = planSync(dump(sw), [
      wanted('priority=1,actions=drop'),
      wanted('priority=2,in_port=vm1,actions=output:eth1,output:vm2'),
      wanted('table=1,priority=3,arp,actions=NORMAL'),
    ]);
    expect(plan.kept.map(flowKey)).toEqual(['table=0 priority=1']);
    expect(plan.stale.map(flowKey)).toEqual(['table=0 priority=3,arp']);
    expect(plan.replaced.map((w) => w.line.text)).toEqual([
      'priority=2,in_port=vm1,actions=output:eth1,output:vm2',
    ]);
    expect(plan.added.map((w) => w.line.text)).toEqual(['table=1,priority=3,arp,actions=NORMAL']);
  });

  test('the same flows in another order: nothing to do', () => {
    const lines = ['priority=1,actions=drop', 'priority=9,ip,nw_dst=10.0.0.0/8,actions=drop'];
    const sw = switchWith(lines.map(fm));
    const plan = planSync(
      dump(sw),
      lines.reverse().map((l) => wanted(l)),
    );
    expect([plan.stale, plan.added, plan.replaced].map((x) => x.length)).toEqual([0, 0, 0]);
    expect(plan.kept).toHaveLength(2);
  });

  // A pool of flows, each in two versions: a switch holds some, the config wants some.
  const POOL = [
    ['priority=0,actions=drop', 'priority=0,actions=CONTROLLER:128'],
    ['priority=10,in_port=vm1,actions=output:eth1', 'priority=10,in_port=vm1,actions=output:vm2'],
    [
      'table=1,priority=10,in_port=vm1,actions=drop',
      'table=1,priority=10,in_port=vm1,idle_timeout=60,actions=drop',
    ],
    [
      'priority=20,tcp,tp_dst=80,actions=NORMAL',
      'cookie=0x7,priority=20,tcp,tp_dst=80,actions=NORMAL',
    ],
    [
      'priority=20,dl_vlan=2,actions=strip_vlan,output:vm1',
      'priority=20,dl_vlan=2,actions=strip_vlan,output:vm2',
    ],
    ['priority=30,arp,actions=FLOOD', 'priority=30,arp,send_flow_rem,actions=FLOOD'],
  ] as const;
  const choice = fc.array(fc.constantFrom(undefined, 0, 1), {
    minLength: POOL.length,
    maxLength: POOL.length,
  });

  test('applied to a switch, the plan leaves exactly the wanted flows, sending nothing else', () => {
    fc.assert(
      fc.property(choice, choice, (has, want) => {
        const other = fm('priority=99,actions=drop');
        const foreign = { ...other, cookie: 0x1234n };
        const held = has.flatMap((v, i) => (v === undefined ? [] : [fm(POOL[i]![v])]));
        const sw = switchWith([...held, foreign]);
        const wants = want.flatMap((v, i) => (v === undefined ? [] : [wanted(POOL[i]![v])]));
        const plan = planSync(dump(sw, STATIC_COOKIE, STATIC_COOKIE_MASK), wants);
        for (const m of planMods(plan)) expect(sw.applyFlowMod(m)).toBeUndefined();
        const after = dump(sw, STATIC_COOKIE, STATIC_COOKIE_MASK);
        const text = (f: FlowStats | FlowAdd) => `${flowKey(f)} ${flowVersion(f)}`;
        expect(after.map(text).sort()).toEqual(wants.map((w) => text(w.fm)).sort());
        // The flow of another cookie is untouched.
        expect(dump(sw, 0x1234n, ~0n).map(text)).toEqual([text(foreign)]);
        // Minimal: a flow held in the wanted version is never sent.
        const sends = has.filter((v, i) => v !== want[i]).length;
        expect(planMods(plan)).toHaveLength(sends);
        expect(plan.kept).toHaveLength(
          has.filter((v, i) => v !== undefined && v === want[i]).length,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('the example (apps/static-flows/example) on the engine', () => {
  const file = fileURLToPath(
    new URL('../../apps/static-flows/example/controller.json', import.meta.url),
  );
  const section = JSON.parse(readFileSync(file, 'utf8')).appConfig['static-flows'];
  const config = configFromJson(section, `${file}: appConfig.static-flows`);
  const ports = [
    { portNo: 1, name: 'vm1' },
    { portNo: 3, name: 'vm3' },
    { portNo: 5, name: 'eth1' },
    { portNo: OFPP.LOCAL, name: 'br-trunk' },
  ];
  const frame = (vlan?: number) =>
    buildPacket({
      eth_dst: 0x0200_0000_0002,
      eth_src: 0x0200_0000_0001,
      eth_type: 0x0800,
      ipv4_src: 0x0a00_0001,
      ipv4_dst: 0x0a00_0002,
      ip_proto: 17,
      udp_src: 1000,
      udp_dst: 2000,
      ...(vlan === undefined ? {} : { vlan_vid: 0x1000 | vlan }),
    });

  function trunkSwitch(): SwitchModel {
    const r = resolveFlows(config, 1n, ports);
    expect([r.entry, r.wanted.length, r.skipped]).toEqual(['datapaths.0000000000000001', 5, []]);
    const sw = new SwitchModel({ ports: [1, 3, 5] });
    for (const w of r.wanted) expect(sw.applyFlowMod({ ...w.fm, xid: 0 })).toBeUndefined();
    return sw;
  }

  /** Where a frame from `inPort` leaves, with its VLAN (undefined: untagged). */
  function forward(sw: SwitchModel, inPort: number, vlan?: number) {
    return sw.process(frame(vlan), inPort).outputs.map((o) => {
      const vid = o.fields.find((f) => f.field === 'vlan_vid')?.value;
      return [o.port, vid === undefined ? undefined : Number(vid) & 0xfff];
    });
  }

  test('access ports are tagged onto the trunk; the trunk is untagged to the VLAN port', () => {
    const sw = trunkSwitch();
    expect(forward(sw, 1)).toEqual([[5, 2]]);
    expect(forward(sw, 3)).toEqual([[5, 3]]);
    expect(forward(sw, 5, 2)).toEqual([[1, undefined]]);
    expect(forward(sw, 5, 3)).toEqual([[3, undefined]]);
  });

  test('anything else is dropped: other VLANs, tagged frames on access ports', () => {
    const sw = trunkSwitch();
    expect(forward(sw, 5, 4)).toEqual([]);
    expect(forward(sw, 5)).toEqual([]);
    expect(forward(sw, 1, 2)).toEqual([]);
  });

  test('another switch gets only the default drop flow', () => {
    const r = resolveFlows(config, 2n, ports);
    expect(r.entry).toBe('default');
    expect(r.wanted.map((w) => w.line.text)).toEqual(['priority=0,actions=drop']);
  });
});
