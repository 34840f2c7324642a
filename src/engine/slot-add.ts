/**
 * The flow model's fast way in for a FLOW_MOD template (codec templates.ts): an ADD read
 * straight from the template's slots, with no message object, no Match array and no
 * instruction objects per send. This is how a learning switch's flows reach the model at
 * the rate it sends them.
 *
 * A template is compiled once per model (SlotShape): what never changes between sends
 * is checked once (command, table, flags, the match's prerequisites, the instructions
 * apart from their output ports), the constant part of the match is converted to key form
 * once, and the slots are listed with their key writers. Per send, the slot values are
 * read from the template's bytes, written over the constant key, and the table is probed
 * for an entry of the same match and priority:
 *  - the same cookie, flags, timeouts and instructions: the ADD renews it in place
 *    (duration and idle time restart, counters stay unless RESET_COUNTS), which is what
 *    replacing it with an identical entry would do;
 *  - otherwise a SlotFlowEntry is installed (replacing the old one, counters carried over
 *    unless RESET_COUNTS), holding only its slot values: its Match is built when someone
 *    asks (stats, FLOW_REMOVED, the read view), and its instructions are shared by every
 *    entry of the shape with the same output ports.
 * Whatever the fast path cannot decide the same way as applyFlowMod (a slot value outside
 * its field, a prerequisite field whose slot changed, an output port the instruction
 * check refuses, a full table) makes `apply` return false: the caller then applies the
 * message the template encodes, through the general path, which gives the exact error.
 */
import {
  checkMatch,
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  type FlowModTemplateLayout,
  type Instruction,
  type Match,
  OXM_BY_NAME,
  type OxmEntry,
  type OxmName,
} from '../codec/index.js';
import type { CheckContext } from './action-facts.js';
import { FlowEntry, STATE_FLAGS } from './flow-entry.js';
import type { FlowTable } from './flow-table.js';
import { checkInstructions } from './instruction-check.js';
import { type FieldWriter, fieldWriter, MatchKey } from './match-key.js';
import { SlotIndex } from './slot-index.js';

const NO_MATCH: Match = Object.freeze([]);
/** Distinct output-port combinations remembered per shape (a bound, not a working-set size). */
const MAX_OUTPUT_SETS = 4096;
/** Output ports below this are looked up in an array (a switch's physical ports). */
const SMALL_PORTS = 1024;

/** A flow entry installed from a template: its match is the shape's, with its slot values. */
export class SlotFlowEntry extends FlowEntry {
  constructor(
    private readonly shape: SlotShape,
    /** The values of the shape's match slots, in slot order. */
    readonly values: readonly number[],
    instructions: readonly Instruction[],
    now: number,
  ) {
    const s = shape.source;
    super({
      tableId: s.tableId,
      priority: s.priority,
      match: NO_MATCH,
      instructions,
      cookie: s.cookie,
      flags: s.flags,
      idleTimeout: s.idleTimeout,
      hardTimeout: s.hardTimeout,
      now,
    });
  }

  override get match(): Match {
    return this.shape.matchOf(this.values);
  }

  override detached(): void {
    this.shape.index.delete(this.values, this);
  }
}

interface Slot {
  /** Position in the match. */
  readonly entry: number;
  readonly at: number;
  readonly width: number;
  readonly writer: FieldWriter;
  readonly field: OxmName;
  /** The largest valid value (below 2^(8 * width) - 1 for fields narrower than their bytes). */
  readonly max: number;
  /** A prerequisite of another field: the value must stay the source's. */
  readonly fixed: number | undefined;
}

/** A template compiled for one model (see the top of the file); `undefined` shapes are not eligible. */
export class SlotShape {
  readonly source: FlowMod;
  private readonly bytes: Buffer;
  private readonly slots: readonly Slot[];
  private readonly outputAt: readonly number[];
  private readonly base = new MatchKey();
  private readonly resetCounts: boolean;
  /** Instructions by output ports (one port: the number; several: joined), with their check. */
  private readonly byOutputs = new Map<number | string, Instruction[] | null>();
  private readonly byPort: (Instruction[] | null | undefined)[] = [];
  private readonly scratch: number[];
  /** This shape's installed entries by slot values. */
  readonly index: SlotIndex<SlotFlowEntry>;

  private constructor(
    layout: FlowModTemplateLayout,
    slots: readonly Slot[],
    private readonly table: FlowTable,
    private readonly ctx: CheckContext,
  ) {
    this.source = layout.source;
    this.bytes = layout.bytes;
    this.slots = slots;
    this.outputAt = layout.outputAt;
    this.resetCounts = (layout.source.flags & FlowModFlags.RESET_COUNTS) !== 0;
    this.scratch = slots.map(() => 0);
    this.index = new SlotIndex(slots.length);
    const constant = layout.source.match.filter((_, i) => !slots.some((s) => s.entry === i));
    this.base.set(constant);
  }

  /**
   * Compiles `layout` for the model whose tables and check context are given; undefined
   * when the template's ADDs cannot take the fast path (another command, a table the
   * model lacks, CHECK_OVERLAP, groups or meters, a match the switch would refuse).
   */
  static compile(
    layout: FlowModTemplateLayout,
    tables: readonly FlowTable[],
    ctx: CheckContext,
  ): SlotShape | undefined {
    const s = layout.source;
    if (s.command !== FlowModCommand.ADD) return undefined;
    if (s.flags & FlowModFlags.CHECK_OVERLAP || (s.flags & ~0x1f) !== 0) return undefined;
    const table = tables[s.tableId];
    if (table === undefined) return undefined;
    if (checkMatch(s.match) !== undefined || new MatchKey().set(s.match) !== undefined) {
      return undefined;
    }
    for (const ins of s.instructions) {
      if (ins.type === 'meter') return undefined;
      if (ins.type === 'apply_actions' || ins.type === 'write_actions') {
        if (ins.actions.some((a) => a.type === 'group')) return undefined;
      }
    }
    // The instructions are checked per set of output ports (instructionsNow): the
    // source's own ports are placeholders (often 0, which no switch takes).
    const prereqs = new Set<string>();
    for (const e of s.match) {
      if (e.field !== 'raw')
        for (const p of OXM_BY_NAME.get(e.field)!.prereqs) prereqs.add(p.field);
    }
    const slots: Slot[] = [];
    for (const [i, e] of s.match.entries()) {
      const at = layout.fieldAt[i]!;
      if (at < 0 || e.field === 'raw' || e.mask !== undefined) continue;
      const info = OXM_BY_NAME.get(e.field)!;
      const writer = fieldWriter(e.field);
      if (info.big || writer === undefined || typeof e.value !== 'number') return undefined;
      slots.push({
        entry: i,
        at,
        width: layout.fieldWidth[i]!,
        writer,
        field: e.field,
        max: 2 ** info.bits - 1,
        fixed: prereqs.has(e.field) ? e.value : undefined,
      });
    }
    return new SlotShape(layout, slots, table, ctx);
  }

  /**
   * Applies the template's current bytes as an ADD at model time `now`, using `key` as
   * scratch; false when the general path must decide (see the top of the file).
   */
  apply(now: number, key: MatchKey): boolean {
    const b = this.bytes;
    const slots = this.slots;
    const values = this.scratch;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const v = readUint(b, s.at, s.width);
      if (v > s.max || (s.fixed !== undefined && v !== s.fixed)) return false;
      values[i] = v;
    }
    const instructions = this.instructionsNow();
    if (instructions === null) return false;
    const known = this.index.get(values);
    if (known !== undefined && known.instructions === instructions) {
      // The same flow again (cookie, flags and timeouts are the shape's own).
      known.reinstall(now, this.resetCounts);
      return true;
    }
    key.copyFrom(this.base);
    for (let i = 0; i < slots.length; i++) key.putExact(slots[i]!.writer, values[i]!);
    const src = this.source;
    const table = this.table;
    const old = table.findStrict(key, src.priority);
    if (
      old !== undefined &&
      old.instructions === instructions &&
      old.cookie === src.cookie &&
      old.flags === (src.flags & STATE_FLAGS) &&
      old.idleTimeout === src.idleTimeout &&
      old.hardTimeout === src.hardTimeout
    ) {
      old.reinstall(now, this.resetCounts);
      return true;
    }
    if (old === undefined && table.full) return false;
    const entry = new SlotFlowEntry(this, values.slice(), instructions, now);
    if (old === undefined) table.insert(entry, key);
    else {
      if (!this.resetCounts) {
        entry.packetCount = old.packetCount;
        entry.byteCount = old.byteCount;
      }
      table.replace(old, entry);
    }
    this.index.set(entry.values, entry);
    return true;
  }

  /** The match of an entry with slot values `values`. */
  matchOf(values: readonly number[]): Match {
    const out: OxmEntry[] = [...this.source.match];
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      out[s.entry] = { field: s.field, value: values[i]! } as OxmEntry;
    }
    return out;
  }

  /** The instructions for the current output ports (shared), or null when the check refuses them. */
  private instructionsNow(): Instruction[] | null {
    const at = this.outputAt;
    const b = this.bytes;
    let k: number | string;
    if (at.length === 0) k = 0;
    else if (at.length === 1) {
      k = b.readUInt32BE(at[0]!);
      // Physical ports below SMALL_PORTS: an array probe instead of a Map's.
      if (k < SMALL_PORTS) {
        const hit = this.byPort[k];
        if (hit !== undefined) return hit;
      }
    } else k = at.map((p) => b.readUInt32BE(p)).join(',');
    const known = this.byOutputs.get(k);
    if (known !== undefined) return known;
    const ins = this.withOutputs(at.map((p) => b.readUInt32BE(p)));
    const ok =
      checkInstructions(ins, this.source.match, this.source.tableId, this.ctx) === undefined;
    const v = ok ? ins : null;
    if (typeof k === 'number' && k < SMALL_PORTS && at.length === 1) this.byPort[k] = v;
    else {
      if (this.byOutputs.size >= MAX_OUTPUT_SETS) this.byOutputs.clear();
      this.byOutputs.set(k, v);
    }
    return v;
  }

  private withOutputs(ports: readonly number[]): Instruction[] {
    let k = 0;
    return this.source.instructions.map((ins) =>
      ins.type === 'write_actions' || ins.type === 'apply_actions'
        ? {
            ...ins,
            actions: ins.actions.map((a) =>
              a.type === 'output' ? { ...a, port: ports[k++]! } : a,
            ),
          }
        : ins,
    );
  }
}

/** An unsigned big-endian integer of `width` (1..6) bytes at `at`. */
function readUint(b: Buffer, at: number, width: number): number {
  switch (width) {
    case 4:
      return b.readUInt32BE(at);
    case 6:
      return ((b[at]! << 8) | b[at + 1]!) * 0x1_0000_0000 + b.readUInt32BE(at + 2);
    case 2:
      return (b[at]! << 8) | b[at + 1]!;
    case 1:
      return b[at]!;
    default:
      return b.readUIntBE(at, width);
  }
}
