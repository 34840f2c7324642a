/**
 * The flow model's fast way in for templates (engine slot-add.ts) against its general
 * path: two models on the same clock, one fed `applyTemplate(layout)`, the other the
 * message the template encodes, through random sequences of template sends (slot values
 * drawn from small sets so that flows collide, are renewed and replaced) mixed with
 * general FLOW_MODs (loose and strict deletes, modifies, a full table, a conflicting
 * prerequisite slot). Their flow stats must agree field by field, counters and durations
 * included, and so must where a packet goes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  FlowModTemplate,
  type FlowStats,
  OFP_NO_BUFFER,
  OFPP,
} from '../../src/codec/index.js';
import { SlotFlowEntry, SwitchModel } from '../../src/engine/index.js';
import { flowIdentity } from '../../src/runtime/index.js';

const OFPG_ANY = 0xffffffff;

function base(over: Partial<FlowMod>): Omit<FlowMod, 'type' | 'xid'> {
  return {
    cookie: 0x4c32_0000_0000_0001n,
    cookieMask: 0n,
    tableId: 0,
    command: FlowModCommand.ADD,
    idleTimeout: 60,
    hardTimeout: 0,
    priority: 100,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: FlowModFlags.SEND_FLOW_REM,
    match: [],
    instructions: [],
    ...over,
  };
}

const out = (port: number) => [
  { type: 'apply_actions' as const, actions: [{ type: 'output' as const, port, maxLen: 0 }] },
];

/** The learning switch's template: in_port + eth_src + eth_dst -> output. */
const l2 = () =>
  new FlowModTemplate(
    base({
      match: [
        { field: 'in_port', value: 1 },
        { field: 'eth_src', value: 1 },
        { field: 'eth_dst', value: 2 },
      ],
      instructions: out(1),
    }),
  );

/** An IPv4 template in table 1 whose eth_type slot is a prerequisite, with RESET_COUNTS. */
const ip = () =>
  new FlowModTemplate(
    base({
      tableId: 1,
      priority: 200,
      flags: FlowModFlags.RESET_COUNTS,
      idleTimeout: 0,
      hardTimeout: 30,
      match: [
        { field: 'eth_type', value: 0x0800 },
        { field: 'ipv4_dst', value: 0x0a000001 },
        { field: 'ip_dscp', value: 0 },
      ],
      instructions: [{ type: 'goto_table', tableId: 2 }, ...out(3)],
    }),
  );

type Step =
  | { kind: 'l2'; inPort: number; src: number; dst: number; port: number }
  | { kind: 'ip'; type: number; dst: number; dscp: number; port: number }
  | { kind: 'general'; fm: FlowMod }
  | { kind: 'tick'; ms: number }
  | { kind: 'again'; which: 'l2' | 'ip' }
  | { kind: 'hit'; inPort: number };

const mac = fc.constantFrom(0x0200_0000_0001, 0x0200_0000_0002, 0xffff_ffff_fffe);
const port = fc.constantFrom(1, 2, 3, 2, OFPP.IN_PORT, OFPP.CONTROLLER, 0);

const general: fc.Arbitrary<FlowMod> = fc
  .record({
    command: fc.constantFrom(0, 1, 2, 3, 4),
    tableId: fc.constantFrom(0, 1, 0xff),
    priority: fc.constantFrom(100, 200, 5),
    dst: fc.option(mac, { nil: undefined }),
    cookieMask: fc.constantFrom(0n, 0xffff_ffff_ffff_ffffn),
    flags: fc.constantFrom(0, FlowModFlags.RESET_COUNTS, FlowModFlags.CHECK_OVERLAP),
    outPort: fc.constantFrom(OFPP.ANY, 1, 2),
  })
  .map((r) => ({
    type: 'flow_mod' as const,
    xid: 0,
    ...base({
      command: r.command,
      tableId: r.command <= 2 && r.tableId === 0xff ? 0 : r.tableId,
      priority: r.priority,
      cookieMask: r.cookieMask,
      flags: r.flags,
      outPort: r.outPort,
      match: r.dst === undefined ? [] : [{ field: 'eth_dst', value: r.dst }],
      instructions: out(2),
    }),
  }));

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('l2' as const),
      inPort: fc.constantFrom(1, 2, 3),
      src: mac,
      dst: mac,
      port,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ip' as const),
      type: fc.constantFrom(0x0800, 0x0800, 0x86dd),
      dst: fc.constantFrom(1, 2, 0xffffffff),
      dscp: fc.constantFrom(0, 10, 63, 64, 255),
      port,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('general' as const), fm: general }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(40_000) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('again' as const),
      which: fc.constantFrom('l2', 'ip'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('hit' as const), inPort: fc.constantFrom(1, 2, 3) }),
  },
);

const frame = (src: number, dst: number) => {
  const b = Buffer.alloc(60);
  b.writeUIntBE(dst, 0, 6);
  b.writeUIntBE(src, 6, 6);
  b.writeUInt16BE(0x0806, 12);
  return b;
};

const sorted = (fs: readonly FlowStats[]) =>
  [...fs].sort((a, b) => (flowIdentity(a) < flowIdentity(b) ? -1 : 1));

describe('template ADDs read from slots (slot-add.ts)', () => {
  test('agree with the general path on flows, counters, durations and forwarding', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.constantFrom(undefined, 3),
        (steps, size) => {
          let now = 1_000;
          const clock = () => now;
          const opts = { nTables: 4, ports: [1, 2, 3], clock, tableSize: size };
          const fast = new SwitchModel(opts);
          const slow = new SwitchModel(opts);
          const t1 = l2();
          const t2 = ip();
          let fastHits = 0;
          for (const s of steps) {
            if (s.kind === 'tick') {
              now += s.ms;
              fast.expire();
              slow.expire();
              continue;
            }
            if (s.kind === 'hit') {
              const b = frame(0x0200_0000_0001, 0x0200_0000_0002);
              const a = fast.process(b, s.inPort).outputs;
              const c = slow.process(b, s.inPort).outputs;
              expect(a).toEqual(c);
              continue;
            }
            if (s.kind === 'general') {
              expect(fast.applyFlowMod(s.fm)).toEqual(slow.applyFlowMod(s.fm));
              continue;
            }
            const t = s.kind === 'l2' || (s.kind === 'again' && s.which === 'l2') ? t1 : t2;
            if (s.kind === 'again') {
              // the template's bytes as they are: the same flow once more
            } else if (s.kind === 'l2')
              t.setField(0, s.inPort).setField(1, s.src).setField(2, s.dst);
            else t.setField(0, s.type).setField(1, s.dst).setField(2, s.dscp);
            if (s.kind !== 'again') t.setOutput(0, s.port);
            if (fast.applyTemplate(t.layout)) fastHits++;
            else fast.applyFlowMod(t.toMessage(0));
            slow.applyFlowMod(t.toMessage(0));
          }
          expect(
            sorted(fast.flowStats().ok ? (fast.flowStats() as { value: FlowStats[] }).value : []),
          ).toEqual(
            sorted(slow.flowStats().ok ? (slow.flowStats() as { value: FlowStats[] }).value : []),
          );
          return fastHits >= 0;
        },
      ),
      { numRuns: 400 },
    );
  });

  test('the learning-switch shape takes the fast path and stores no Match of its own', () => {
    const m = new SwitchModel({ nTables: 1, ports: [1, 2] });
    const t = l2();
    t.setField(0, 1).setField(1, 0x0200_0000_0001).setField(2, 0x0200_0000_0002).setOutput(0, 2);
    expect(m.applyTemplate(t.layout)).toBe(true);
    t.setField(0, 2).setField(1, 0x0200_0000_0002).setField(2, 0x0200_0000_0001).setOutput(0, 1);
    expect(m.applyTemplate(t.layout)).toBe(true);
    const entries = m.allEntries();
    expect(entries.every((e) => e instanceof SlotFlowEntry)).toBe(true);
    expect(entries.map((e) => e.match)).toContainEqual([
      { field: 'in_port', value: 2 },
      { field: 'eth_src', value: 0x0200_0000_0002 },
      { field: 'eth_dst', value: 0x0200_0000_0001 },
    ]);
    // The same flow again renews the entry in place.
    const before = m.allEntries();
    expect(m.applyTemplate(t.layout)).toBe(true);
    expect(m.allEntries()).toEqual(before);
  });
});
