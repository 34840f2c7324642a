/**
 * The desired static flow set: exact flows for the VLAN example, tunnel classification
 * by tun_id for the GRE example, split horizon between tunnels, native trunk VLANs, and
 * properties every flood flow must have for any config.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { configFromJson, type VnetConfig } from '../../apps/vnet/config.js';
import { floodActions } from '../../apps/vnet/egress.js';
import { desiredFlows } from '../../apps/vnet/flows.js';
import { CookieKind, cookieKind, TABLE } from '../../apps/vnet/pipeline.js';
import { membersOf, planDatapath } from '../../apps/vnet/plan.js';
import { type Action, matchGet } from '../../src/codec/index.js';
import {
  exampleConfig,
  fmtFlow,
  GRE_HOST1_PORTS,
  switchPorts,
  VLAN_HOST1_PORTS,
} from './vnet-support.js';

const C = (kind: number, detail: number) =>
  `0x564e${kind.toString(16).padStart(2, '0')}00${detail.toString(16).padStart(8, '0')}`;

describe('VLAN example, host1 (vm1=1 on VLAN 2, vm3=3 on VLAN 3, eth1=5 trunk)', () => {
  const plan = planDatapath(exampleConfig('vnet-vlan.json'), 0x11n, VLAN_HOST1_PORTS)!;

  test('resolves the datapath by dpid and the ports by name', () => {
    expect(plan.name).toBe('host1-br-eth1');
    expect(plan.missing).toEqual([]);
    expect(plan.ports.map((p) => [p.name, p.number, p.mode])).toEqual([
      ['vm1', 1, 'access'],
      ['vm3', 3, 'access'],
      ['eth1', 5, 'trunk'],
    ]);
  });

  test('the whole static flow set', () => {
    expect(desiredFlows(plan).map(fmtFlow)).toEqual([
      `t0 p100 in_port=1,vlan_vid=0x0000 -> push_vlan:0x8100,set_field:vlan_vid=0x1002,goto:1 [${C(1, 1)}]`,
      `t0 p100 in_port=3,vlan_vid=0x0000 -> push_vlan:0x8100,set_field:vlan_vid=0x1003,goto:1 [${C(1, 3)}]`,
      `t0 p100 in_port=5,vlan_vid=0x1002 -> goto:1 [${C(1, 5)}]`,
      `t0 p100 in_port=5,vlan_vid=0x1003 -> goto:1 [${C(1, 5)}]`,
      `t0 p10 in_port=1 -> drop [${C(0x0d, 1)}]`,
      `t0 p10 in_port=3 -> drop [${C(0x0d, 3)}]`,
      `t0 p10 in_port=5 -> drop [${C(0x0d, 5)}]`,
      `t0 p0 * -> drop [${C(0x0d, 0xffff0000)}]`,
      `t1 p0 * -> CONTROLLER:64,goto:2 [${C(2, 1)}]`,
      `t2 p0 * -> goto:3 [${C(2, 2)}]`,
      `t3 p100 in_port=1,vlan_vid=0x1002 -> output:5 [${C(3, 2)}]`,
      `t3 p100 in_port=5,vlan_vid=0x1002 -> pop_vlan,output:1 [${C(3, 2)}]`,
      `t3 p100 in_port=3,vlan_vid=0x1003 -> output:5 [${C(3, 3)}]`,
      `t3 p100 in_port=5,vlan_vid=0x1003 -> pop_vlan,output:3 [${C(3, 3)}]`,
      `t3 p0 * -> drop [${C(0x0d, 0xffff0003)}]`,
    ]);
  });

  test('every flow carries a vnet cookie; drops have the drop cookie and no instructions', () => {
    for (const f of desiredFlows(plan)) {
      expect(cookieKind(f.cookie)).toBeDefined();
      if (f.instructions.length === 0) expect(cookieKind(f.cookie)).toBe(CookieKind.DROP);
    }
  });
});

describe('GRE example, host1 (vm1=1 tenant-a, vm3=3 tenant-b, gre0=10)', () => {
  const flows = desiredFlows(planDatapath(exampleConfig('vnet-gre.json'), 1n, GRE_HOST1_PORTS)!);
  const lines = flows.map(fmtFlow);

  test('the tunnel port classifies by tun_id into each tenant', () => {
    expect(lines).toContain(
      `t0 p100 in_port=10,vlan_vid=0x0000,tunnel_id=100 -> push_vlan:0x8100,set_field:vlan_vid=0x100a,goto:1 [${C(1, 10)}]`,
    );
    expect(lines).toContain(
      `t0 p100 in_port=10,vlan_vid=0x0000,tunnel_id=200 -> push_vlan:0x8100,set_field:vlan_vid=0x1014,goto:1 [${C(1, 10)}]`,
    );
  });

  test('flooding pops the internal tag and sets the tenant key before the tunnel', () => {
    const flood = lines.filter((l) => l.startsWith('t3 p100'));
    expect(flood).toEqual([
      `t3 p100 in_port=1,vlan_vid=0x100a -> pop_vlan,set_field:tunnel_id=100,output:10 [${C(3, 10)}]`,
      `t3 p100 in_port=10,vlan_vid=0x100a -> pop_vlan,output:1 [${C(3, 10)}]`,
      `t3 p100 in_port=3,vlan_vid=0x1014 -> pop_vlan,set_field:tunnel_id=200,output:10 [${C(3, 20)}]`,
      `t3 p100 in_port=10,vlan_vid=0x1014 -> pop_vlan,output:3 [${C(3, 20)}]`,
    ]);
  });

  test('a datapath the config does not name gets no plan', () => {
    expect(planDatapath(exampleConfig('vnet-gre.json'), 99n, GRE_HOST1_PORTS)).toBeUndefined();
  });

  test('configured ports the switch lacks are reported and get no flows', () => {
    const plan = planDatapath(
      exampleConfig('vnet-gre.json'),
      1n,
      switchPorts('br-gre', { vm1: 1, gre0: 10 }),
    )!;
    expect(plan.missing).toEqual(['vm3']);
    const text = desiredFlows(plan).map(fmtFlow).join('\n');
    expect(text).not.toContain('in_port=3');
    expect(text).not.toContain('vlan_vid=0x1014 -> pop_vlan,output');
  });
});

describe('several tunnels and native VLANs', () => {
  const config = configFromJson(
    {
      networks: { a: { vlan: 10, tunnelKey: 100 }, n: { vlan: 99 } },
      datapaths: {
        'br-hub': {
          ports: {
            vm1: { mode: 'access', network: 'a' },
            gre1: { mode: 'tunnel', networks: ['a'], number: 11 },
            gre2: { mode: 'tunnel', networks: ['a'], number: 12 },
            up: { mode: 'trunk', networks: ['a'], native: 'n', number: 20 },
            srv: { mode: 'access', network: 'n', number: 21 },
          },
        },
      },
    },
    'hub.json:',
  );
  const plan = planDatapath(config, 7n, switchPorts('br-hub', { vm1: 1 }))!;

  test('a datapath without dpid is found by its bridge name (the LOCAL port)', () => {
    expect(plan.name).toBe('br-hub');
    expect(plan.ports.map((p) => p.number)).toEqual([1, 11, 12, 20, 21]);
  });

  test('split horizon: a frame from one tunnel never floods to another', () => {
    const lines = desiredFlows(plan).map(fmtFlow);
    expect(lines).toContain(
      `t3 p100 in_port=11,vlan_vid=0x100a -> output:20,pop_vlan,output:1 [${C(3, 10)}]`,
    );
    expect(lines).toContain(
      `t3 p100 in_port=1,vlan_vid=0x100a -> output:20,pop_vlan,set_field:tunnel_id=100,output:11,output:12 [${C(3, 10)}]`,
    );
  });

  test('a native VLAN enters untagged and leaves untagged', () => {
    const lines = desiredFlows(plan).map(fmtFlow);
    expect(lines).toContain(
      `t0 p100 in_port=20,vlan_vid=0x0000 -> push_vlan:0x8100,set_field:vlan_vid=0x1063,goto:1 [${C(1, 20)}]`,
    );
    expect(lines).toContain(`t0 p100 in_port=20,vlan_vid=0x100a -> goto:1 [${C(1, 20)}]`);
    expect(lines).toContain(
      `t3 p100 in_port=21,vlan_vid=0x1063 -> pop_vlan,output:20 [${C(3, 99)}]`,
    );
  });
});

/** Random configs: networks, one datapath, ports of every mode with random memberships. */
const arbConfig: fc.Arbitrary<VnetConfig> = fc
  .record({
    nets: fc.integer({ min: 1, max: 4 }),
    ports: fc.array(
      fc.record({
        mode: fc.constantFrom('access', 'trunk', 'tunnel'),
        picks: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
        native: fc.boolean(),
      }),
      { minLength: 1, maxLength: 7 },
    ),
  })
  .map(({ nets, ports }) => {
    const names = Array.from({ length: nets }, (_, i) => `n${i}`);
    const networks = Object.fromEntries(
      names.map((n, i) => [n, { vlan: 100 + i, tunnelKey: 1000 + i }]),
    );
    const portDefs = Object.fromEntries(
      ports.map((p, i) => {
        const chosen = [...new Set(p.picks.map((x) => names[x % nets]!))];
        const number = i + 1;
        if (p.mode === 'access') return [`p${i}`, { mode: 'access', network: chosen[0], number }];
        if (p.mode === 'tunnel') return [`p${i}`, { mode: 'tunnel', networks: chosen, number }];
        const native = p.native && chosen.length > 1 ? chosen[0] : undefined;
        const tagged = native ? chosen.slice(1) : chosen;
        return [`p${i}`, { mode: 'trunk', networks: tagged, native, number }];
      }),
    );
    return configFromJson({ networks, datapaths: { br: { dpid: 1, ports: portDefs } } }, 'x:');
  });

function outputs(actions: readonly Action[]): number[] {
  return actions.flatMap((a) => (a.type === 'output' ? [a.port] : []));
}

test('flood lists: every other member once, never in_port, no tunnel to tunnel, tags right', () => {
  fc.assert(
    fc.property(arbConfig, (config) => {
      const plan = planDatapath(config, 1n, [])!;
      for (const f of desiredFlows(plan).filter((x) => x.tableId === TABLE.FLOOD)) {
        if (f.match.length === 0) continue;
        const inPort = matchGet(f.match, 'in_port')!.value as number;
        const vlan = (matchGet(f.match, 'vlan_vid')!.value as number) & 0xfff;
        const members = membersOf(plan, vlan);
        const from = members.find((m) => m.port.number === inPort)!;
        const expected = members
          .filter((m) => m.port.number !== inPort)
          .filter((m) => !(from.membership.encap === 'tunnel' && m.membership.encap === 'tunnel'))
          .map((m) => m.port.number);
        const actions = floodActions(members, inPort);
        expect(f.instructions).toEqual(actions.length ? [{ type: 'apply_actions', actions }] : []);
        expect(outputs(actions).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        // A port is reached tagged iff it is a tagged member: outputs before the pop.
        const pop = actions.findIndex((a) => a.type === 'pop_vlan');
        actions.forEach((a, i) => {
          if (a.type !== 'output') return;
          const m = members.find((x) => x.port.number === a.port)!;
          expect(m.membership.encap === 'tagged').toBe(pop === -1 || i < pop);
        });
      }
    }),
    { numRuns: 300 },
  );
});
