/**
 * Message templates against the encoder: for random FLOW_MODs and PACKET_OUTs, a
 * template with every slot set to a random new value must produce exactly the bytes
 * encodeMessage() gives for the message with those values, and toMessage() the message
 * those bytes decode to. Plus the slot and length errors.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Action,
  decodeMessage,
  encodeMessage,
  type FlowMod,
  FlowModTemplate,
  type Instruction,
  type Match,
  OXM_BY_NAME,
  type PacketOut,
  PacketOutTemplate,
  Writer,
} from '../../src/codec/index.js';
import { MESSAGES, oxmValue, u32 } from './arbitraries.js';

/** Whether a match entry is a template slot: an exact basic field of at most 48 bits. */
const isSlot = (e: Match[number]) =>
  e.field !== 'raw' && e.mask === undefined && !OXM_BY_NAME.get(e.field)!.big;

const outputsOf = (ins: readonly Instruction[]) =>
  ins.flatMap((i) =>
    i.type === 'apply_actions' || i.type === 'write_actions'
      ? i.actions.filter((a) => a.type === 'output')
      : [],
  ).length;

/** New values for a message's slots: one per match slot (of its width), one port per output. */
const slotValues = (match: Match, outputs: number) =>
  fc.record({
    fields: fc.tuple(
      ...match.map((e) =>
        isSlot(e) && e.field !== 'raw'
          ? (oxmValue(OXM_BY_NAME.get(e.field)!) as fc.Arbitrary<number>)
          : fc.constant(undefined),
      ),
    ),
    ports: fc.array(u32, { minLength: outputs, maxLength: outputs }),
    xid: u32,
  });

function withPorts(actions: readonly Action[], ports: number[]): Action[] {
  return actions.map((a) => (a.type === 'output' ? { ...a, port: ports.shift()! } : a));
}

function withFields(match: Match, fields: readonly (number | undefined)[]): Match {
  return match.map((e, i) => (fields[i] === undefined ? e : { ...e, value: fields[i]! }));
}

const bytesOf = (write: (w: Writer) => void) => {
  const w = new Writer(16);
  w.u8(0xaa); // something before, as in a batch
  write(w);
  return w.takeView().subarray(1);
};

describe('FlowModTemplate', () => {
  test('random flow-mods with every slot re-set encode as the message with those values', () => {
    const arb = MESSAGES.flow_mod.chain((m) =>
      fc.tuple(fc.constant(m), slotValues(m.match, outputsOf(m.instructions))),
    );
    fc.assert(
      fc.property(arb, ([m, v]) => {
        const t = new FlowModTemplate(m);
        v.fields.forEach((x, i) => {
          if (x !== undefined) t.setField(i, x);
        });
        for (const [i, p] of v.ports.entries()) t.setOutput(i, p);
        const ports = [...v.ports];
        const expected: FlowMod = {
          ...m,
          xid: v.xid,
          match: withFields(m.match, v.fields),
          instructions: m.instructions.map((i) =>
            i.type === 'apply_actions' || i.type === 'write_actions'
              ? { ...i, actions: withPorts(i.actions, ports) }
              : i,
          ),
        };
        const want = encodeMessage(expected);
        expect(bytesOf((w) => t.writeTo(w, v.xid))).toEqual(want);
        const decoded = decodeMessage(want);
        expect(decoded.ok && decoded.value).toEqual(t.toMessage(v.xid));
      }),
      { numRuns: 500 },
    );
  });

  test('slots that do not exist, and values that do not fit, throw', () => {
    const t = new FlowModTemplate({
      cookie: 0n,
      cookieMask: 0n,
      tableId: 0,
      command: 0,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: 1,
      bufferId: 0xffffffff,
      outPort: 0xffffffff,
      outGroup: 0xffffffff,
      flags: 0,
      match: [
        { field: 'eth_src', value: 1 },
        { field: 'ipv6_src', value: 1n },
        { field: 'vlan_vid', value: 0x1001, mask: 0x1fff },
      ],
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] }],
    });
    expect(() => t.setField(0, 2 ** 48)).toThrow(RangeError);
    expect(() => t.setField(1, 5)).toThrow(/no match field slot 1/);
    expect(() => t.setField(2, 5)).toThrow(/no match field slot 2/);
    expect(() => t.setField(3, 5)).toThrow(/no match field slot 3/);
    expect(() => t.setOutput(1, 5)).toThrow(/no output action slot 1/);
    t.setField(0, 0x0a0b0c0d0e0f).setOutput(0, 7);
    expect(t.toMessage(9)).toMatchObject({
      xid: 9,
      match: [{ field: 'eth_src', value: 0x0a0b0c0d0e0f }, { field: 'ipv6_src' }, { mask: 0x1fff }],
      instructions: [{ actions: [{ port: 7 }] }],
    });
  });
});

describe('PacketOutTemplate', () => {
  test('random packet-outs with buffer id, in_port, ports and data set encode as the message', () => {
    const arb = MESSAGES.packet_out.chain((m) =>
      fc.tuple(
        fc.constant(m),
        slotValues([], m.actions.filter((a) => a.type === 'output').length),
        u32,
        u32,
        fc.uint8Array({ maxLength: 200 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([m, v, bufferId, inPort, data]) => {
        const t = new PacketOutTemplate({ ...m, bufferId: 0, inPort: 0 });
        t.setBufferId(bufferId).setInPort(inPort);
        for (const [i, p] of v.ports.entries()) t.setOutput(i, p);
        const expected: PacketOut = {
          ...m,
          xid: v.xid,
          bufferId,
          inPort,
          actions: withPorts(m.actions, [...v.ports]),
          data,
        };
        const want = encodeMessage(expected);
        expect(bytesOf((w) => t.writeTo(w, v.xid, data))).toEqual(want);
        const decoded = decodeMessage(want);
        expect(decoded.ok && decoded.value).toEqual(t.toMessage(v.xid, data));
      }),
      { numRuns: 500 },
    );
  });

  test('data that makes the message longer than 65535 bytes is refused, nothing written', () => {
    const t = new PacketOutTemplate({ bufferId: 0, inPort: 0, actions: [] });
    const w = new Writer(16);
    expect(() => t.writeTo(w, 1, new Uint8Array(0xffff))).toThrow(RangeError);
    expect(w.pos).toBe(0);
    expect(() => t.toMessage(1, new Uint8Array(0xffff))).toThrow(RangeError);
  });
});
