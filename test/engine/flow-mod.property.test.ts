/**
 * FLOW_MOD on the switch model against a list-of-entries oracle (OpenFlow 1.3.5 section
 * 6.4 written out plainly), over random sequences of ADD (new, and over an identical
 * entry: a replace), MODIFY, MODIFY_STRICT, DELETE and DELETE_STRICT with cookies,
 * cookie masks, out_port and OFPTT_ALL. Matches come from small pools with masks, in a
 * random field order (the identity of a match must not depend on it), so ops often hit
 * the same entries. After every op the model's flow stats must list the oracle's
 * entries in the same order (table, priority, then the entry installed first: a
 * replaced entry counts as new), with the same cookie, instructions and duration, and
 * FLOW_REMOVED must be reported for exactly the deleted entries that asked for it. The
 * clock starts at a Date.now()-sized value and moves.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  type Instruction,
  type Match,
  OFPTT_ALL,
  type OxmBasic,
} from '../../src/codec/index.js';
import type { FlowRemovedEvent } from '../../src/engine/switch-model.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { apply, fakeClock, flowMod, out } from './helpers.js';
import { referenceKey } from './key-reference.js';

const N_TABLES = 3;
const ANY = 0xffffffff;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;
const MACS = [0x0200_0000_0001, 0x0200_0000_0002, 0xffff_ffff_ffff];

/** Fields from small pools, masked now and then; each shape's prerequisites come along. */
const learningFields: fc.Arbitrary<OxmBasic[]> = fc
  .record({
    inPort: fc.option(fc.constantFrom(1, 2, 3), { nil: undefined }),
    src: fc.option(fc.constantFrom(...MACS), { nil: undefined }),
    dst: fc.option(
      fc.oneof(
        fc.constantFrom(...MACS).map((value) => ({ value, mask: undefined })),
        fc.constant({ value: 0x0100_0000_0000, mask: 0x0100_0000_0000 }),
      ),
      { nil: undefined },
    ),
  })
  .map(({ inPort, src, dst }) => {
    const m: OxmBasic[] = [];
    if (inPort !== undefined) m.push({ field: 'in_port', value: inPort });
    if (src !== undefined) m.push({ field: 'eth_src', value: src });
    if (dst !== undefined) {
      m.push(
        dst.mask === undefined
          ? { field: 'eth_dst', value: dst.value }
          : { field: 'eth_dst', ...dst },
      );
    }
    return m;
  });

const ipFields: fc.Arbitrary<OxmBasic[]> = fc
  .record({
    net: fc.constantFrom(
      { value: 0x0a000000, mask: 0xff000000 },
      { value: 0x0a010000, mask: 0xffff0000 },
      { value: 0x0a010203, mask: undefined },
    ),
    tcpDst: fc.option(fc.constantFrom(22, 80), { nil: undefined }),
  })
  .map(({ net, tcpDst }) => {
    const m: OxmBasic[] = [
      { field: 'eth_type', value: 0x0800 },
      net.mask === undefined
        ? { field: 'ipv4_dst', value: net.value }
        : { field: 'ipv4_dst', value: net.value, mask: net.mask },
    ];
    if (tcpDst !== undefined) {
      m.push({ field: 'ip_proto', value: 6 }, { field: 'tcp_dst', value: tcpDst });
    }
    return m;
  });

/** A match from the pools, its fields shuffled. */
const matchArb: fc.Arbitrary<Match> = fc
  .oneof(learningFields, ipFields, fc.constant<OxmBasic[]>([]))
  .chain((fields) => fc.shuffledSubarray(fields, { minLength: fields.length }));

const INSTRUCTIONS: readonly (readonly Instruction[])[] = [
  [apply(out(1))],
  [apply(out(2))],
  [apply(out(1), out(3))],
  [],
];

const opArb = fc.record({
  command: fc.constantFrom(
    FlowModCommand.ADD,
    FlowModCommand.ADD,
    FlowModCommand.ADD,
    FlowModCommand.MODIFY,
    FlowModCommand.MODIFY_STRICT,
    FlowModCommand.DELETE,
    FlowModCommand.DELETE_STRICT,
  ),
  table: fc.constantFrom(0, 1, 2, OFPTT_ALL),
  priority: fc.integer({ min: 0, max: 2 }),
  match: matchArb,
  cookie: fc.constantFrom(1n, 2n, 0x4c32_0000_0000_0001n),
  cookieMask: fc.constantFrom(0n, ALL_ONES, 0xffff_0000_0000_0000n),
  outPort: fc.constantFrom(ANY, ANY, 1, 3),
  instructions: fc.constantFrom(...INSTRUCTIONS),
  notify: fc.boolean(),
  advanceMs: fc.constantFrom(0, 0, 1, 999, 1500),
});
type Op = Omit<typeof opArb extends fc.Arbitrary<infer T> ? T : never, 'table'> & {
  readonly table: number;
};

interface OracleEntry {
  readonly table: number;
  readonly priority: number;
  readonly key: string;
  readonly value: readonly number[];
  readonly mask: readonly number[];
  readonly cookie: bigint;
  readonly flags: number;
  instructions: readonly Instruction[];
  readonly installedAt: number;
}

function keyOf(match: Match): { key: string; value: number[]; mask: number[] } {
  const k = referenceKey(match);
  if ('error' in k) throw new Error(`pool match refused: ${k.error}`);
  return { key: `${k.value}/${k.mask}`, ...k };
}

/** The entries, in the order flow stats list them: table, priority desc, oldest first. */
class Oracle {
  entries: OracleEntry[] = [];

  apply(op: Op, now: number): OracleEntry[] {
    const { key, value, mask } = keyOf(op.match);
    const cookieOk = (e: OracleEntry) => (e.cookie & op.cookieMask) === (op.cookie & op.cookieMask);
    const covers = (e: OracleEntry) =>
      mask.every((m, i) => (m & ~e.mask[i]!) === 0 && (e.value[i]! & m) >>> 0 === value[i]);
    const exact = (e: OracleEntry) => e.priority === op.priority && e.key === key;
    const outputs = (e: OracleEntry) =>
      op.outPort === ANY ||
      e.instructions.some(
        (i) =>
          i.type === 'apply_actions' &&
          i.actions.some((a) => a.type === 'output' && a.port === op.outPort),
      );
    const inTable = (e: OracleEntry, t: number) => t === OFPTT_ALL || e.table === t;
    switch (op.command) {
      case FlowModCommand.ADD: {
        this.entries = this.entries.filter((e) => !(e.table === op.table && exact(e)));
        this.entries.push({
          table: op.table,
          priority: op.priority,
          key,
          value,
          mask,
          cookie: op.cookie,
          flags: op.notify ? FlowModFlags.SEND_FLOW_REM : 0,
          instructions: op.instructions,
          installedAt: now,
        });
        return [];
      }
      case FlowModCommand.MODIFY:
      case FlowModCommand.MODIFY_STRICT: {
        const strict = op.command === FlowModCommand.MODIFY_STRICT;
        for (const e of this.entries) {
          if (e.table === op.table && (strict ? exact(e) : covers(e)) && cookieOk(e)) {
            e.instructions = op.instructions;
          }
        }
        return [];
      }
      default: {
        const strict = op.command === FlowModCommand.DELETE_STRICT;
        const gone = (e: OracleEntry) =>
          inTable(e, op.table) && (strict ? exact(e) : covers(e)) && cookieOk(e) && outputs(e);
        const removed = this.entries.filter(gone);
        this.entries = this.entries.filter((e) => !gone(e));
        return removed;
      }
    }
  }

  /** Flow-stats order: stable sort by table, then priority descending. */
  listed(): OracleEntry[] {
    return [...this.entries].sort((a, b) => a.table - b.table || b.priority - a.priority);
  }
}

const show = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
const seconds = (ms: number) => Math.floor(ms / 1000);
const view = (
  table: number,
  priority: number,
  key: string,
  cookie: bigint,
  instructions: readonly Instruction[],
  durationSec: number,
) => `${table}/${priority}/${key}/${cookie}/${show(instructions)}/${durationSec}`;

function toFlowMod(op: Op): FlowMod {
  const isAdd = op.command === FlowModCommand.ADD;
  return flowMod({
    command: op.command,
    // ADD and MODIFY name one table; OFPTT_ALL stands for table 0 there.
    tableId: op.table === OFPTT_ALL && op.command < FlowModCommand.DELETE ? 0 : op.table,
    priority: op.priority,
    match: op.match,
    cookie: op.cookie,
    cookieMask: isAdd ? 0n : op.cookieMask,
    outPort: op.command >= FlowModCommand.DELETE ? op.outPort : ANY,
    flags: isAdd && op.notify ? FlowModFlags.SEND_FLOW_REM : 0,
    instructions: op.instructions as Instruction[],
  });
}

describe('FLOW_MOD vs the list oracle', () => {
  test('random sequences: same entries, same order, same FLOW_REMOVEDs', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        const clock = fakeClock(1_700_000_000_000);
        const events: FlowRemovedEvent[] = [];
        const m = new SwitchModel({
          nTables: N_TABLES,
          ports: [1, 2, 3],
          clock: clock.now,
          onFlowRemoved: (e) => events.push(e),
        });
        const oracle = new Oracle();
        for (const raw of ops) {
          clock.advance(raw.advanceMs);
          const fm = toFlowMod(raw);
          const op = { ...raw, table: fm.tableId };
          events.length = 0;
          const error = m.applyFlowMod(fm);
          if (error) expect.fail(`refused ${show(op)}: ${error.message}`);
          const removed = oracle.apply(op, clock.now());

          const got = m.flowStats();
          if (!got.ok) expect.fail(got.error.message);
          const gotView = got.value.map((f) =>
            view(
              f.tableId,
              f.priority,
              keyOf(f.match).key,
              f.cookie,
              f.instructions,
              f.durationSec,
            ),
          );
          const wantView = oracle
            .listed()
            .map((e) =>
              view(
                e.table,
                e.priority,
                e.key,
                e.cookie,
                e.instructions,
                seconds(clock.now() - e.installedAt),
              ),
            );
          if (gotView.join('\n') !== wantView.join('\n')) {
            expect(gotView, show(op)).toEqual(wantView);
          }

          const told = (list: readonly { table: number; priority: number; key: string }[]) =>
            list.map((e) => `${e.table}/${e.priority}/${e.key}`).sort();
          const gotRemoved = events.map((e) => ({
            table: e.entry.tableId,
            priority: e.entry.priority,
            key: keyOf(e.entry.match).key,
            message: e.message !== undefined,
          }));
          const wantRemoved = removed.map((e) => ({
            ...e,
            message: (e.flags & FlowModFlags.SEND_FLOW_REM) !== 0,
          }));
          const gotSent = told(gotRemoved.filter((e) => e.message));
          const wantSent = told(wantRemoved.filter((e) => e.message));
          if (
            told(gotRemoved).join() !== told(wantRemoved).join() ||
            gotSent.join() !== wantSent.join()
          ) {
            expect({ removed: told(gotRemoved), sent: gotSent }, show(op)).toEqual({
              removed: told(wantRemoved),
              sent: wantSent,
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
