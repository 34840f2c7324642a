/**
 * Message templates: a FLOW_MOD or PACKET_OUT encoded once, whose few varying fields
 * ("slots") are patched in place before each send. For a controller answering a
 * packet-in with the same kind of flow every time (a learning switch: the same
 * priority, timeouts, cookie and match shape, only the MACs and ports differ), sending
 * becomes a copy of ~100 bytes plus a few stores, instead of building a message object
 * and encoding it field by field.
 *
 * Slots: every match entry that is an exact (unmasked) OpenFlow-basic field of up to
 * 48 bits, by its position in the match; every output action, by its position among
 * the output actions (of all instructions, in order); and for a PACKET_OUT its
 * buffer_id and in_port. The xid is given per send, and a PACKET_OUT's data is
 * appended per send. Setting a slot writes the bytes at once, as the encoder would
 * (fixed-width fields keep their low bits; a 48-bit value out of range throws).
 *
 * A template is mutable and meant to be filled and sent synchronously, e.g. within one
 * packet-in handler; toMessage() gives the message its current bytes encode (what a
 * flow model or a test records), decoded by the codec itself.
 */
import { decodeMessage, encodeMessage } from './message.js';
import type { FlowMod, PacketOut } from './messages/commands.js';
import { OXM_CLASS_OPENFLOW_BASIC } from './oxm-fields.js';
import { putU16, putU32, putUint, type Writer } from './writer.js';

/**
 * Where a FLOW_MOD template's slots sit in its bytes, for a reader that wants the values
 * without a message object (the controller's flow model: see engine/slot-add.ts).
 * `fieldAt[i]` is the byte offset of match entry i's value, or -1 when entry i is not a
 * slot (it keeps the source's value); `outputAt[k]` that of the k-th output action's port.
 */
export interface FlowModTemplateLayout {
  /** The message as first encoded (decoded once); slots hold their values as encoded then. */
  readonly source: FlowMod;
  /** The template's current bytes (live: setField and setOutput write here). */
  readonly bytes: Buffer;
  readonly fieldAt: readonly number[];
  readonly fieldWidth: readonly number[];
  readonly outputAt: readonly number[];
}

/** What the runtime needs of a template to send it. */
export interface MessageTemplate {
  readonly type: 'flow_mod' | 'packet_out';
  /** Appends the current bytes with `xid` (and, for a PACKET_OUT, `data`) to `w`. */
  writeTo(w: Writer, xid: number, data?: Uint8Array): void;
}

/** Byte offsets inside ofp_flow_mod / ofp_packet_out (OpenFlow 1.3.5 section 7.3). */
const FLOW_MOD_MATCH = 48;
const PACKET_OUT_BUFFER_ID = 8;
const PACKET_OUT_IN_PORT = 12;
const PACKET_OUT_ACTIONS_LEN = 16;
const PACKET_OUT_ACTIONS = 24;
const OFPIT_WRITE_ACTIONS = 3;
const OFPIT_APPLY_ACTIONS = 4;
const OFPAT_OUTPUT = 0;
const EMPTY = new Uint8Array(0);

/** Offsets of the output actions' port fields in b[start, end). */
function outputPorts(b: Buffer, start: number, end: number, into: number[]): void {
  for (let p = start; p + 4 <= end; ) {
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    if (((b[p]! << 8) | b[p + 1]!) === OFPAT_OUTPUT) into.push(p + 4);
    p += Math.max(len, 8);
  }
}

function slotOf(slots: readonly number[], i: number, what: string): number {
  const at = slots[i];
  if (at === undefined || at < 0) throw new RangeError(`template has no ${what} slot ${i}`);
  return at;
}

abstract class Template {
  protected readonly fieldAt: number[] = [];
  protected readonly fieldWidth: number[] = [];
  protected readonly outputAt: number[] = [];

  constructor(protected readonly bytes: Buffer) {}

  /** Sets the value of the match entry at position `i` (an exact field of <= 48 bits). */
  setField(i: number, value: number): this {
    putUint(this.bytes, slotOf(this.fieldAt, i, 'match field'), this.fieldWidth[i]!, value);
    return this;
  }

  /** Sets the port of the `i`-th output action. */
  setOutput(i: number, port: number): this {
    putU32(this.bytes, slotOf(this.outputAt, i, 'output action'), port);
    return this;
  }

  protected copyTo(w: Writer, xid: number, extra: number): number {
    const n = this.bytes.length;
    w.ensure(n + extra);
    const p = w.pos;
    w.buf.set(this.bytes, p);
    putU32(w.buf, p + 4, xid);
    w.pos = p + n;
    return p;
  }

  /** The match slots of the ofp_match at `m` (entries that are not exact basic fields get -1). */
  protected scanMatch(m: number): number {
    const b = this.bytes;
    const end = m + ((b[m + 2]! << 8) | b[m + 3]!);
    for (let p = m + 4; p < end; ) {
      const basic = ((b[p]! << 8) | b[p + 1]!) === OXM_CLASS_OPENFLOW_BASIC;
      const len = b[p + 3]!;
      const exact = basic && (b[p + 2]! & 1) === 0 && len <= 6;
      this.fieldAt.push(exact ? p + 4 : -1);
      this.fieldWidth.push(len);
      p += 4 + len;
    }
    return m + ((end - m + 7) & ~7);
  }
}

/** A FLOW_MOD template (see the top of the file). */
export class FlowModTemplate extends Template implements MessageTemplate {
  readonly type = 'flow_mod' as const;
  readonly command: number;

  /** The message as the template's bytes first encoded it (decoded once, normalised). */
  private readonly source: FlowMod;

  constructor(m: Omit<FlowMod, 'type' | 'xid'>) {
    super(Buffer.from(encodeMessage({ ...m, type: 'flow_mod', xid: 0 })));
    this.command = m.command;
    const b = this.bytes;
    const decoded = decodeMessage(b);
    if (!decoded.ok || decoded.value.type !== 'flow_mod') {
      throw new Error(
        `template does not decode: ${decoded.ok ? decoded.value.type : decoded.error.message}`,
      );
    }
    this.source = decoded.value;
    // Instructions follow the padded match; actions sit 8 bytes into (write|apply)_actions.
    for (let p = this.scanMatch(FLOW_MOD_MATCH); p + 4 <= b.length; ) {
      const type = (b[p]! << 8) | b[p + 1]!;
      const len = (b[p + 2]! << 8) | b[p + 3]!;
      if (type === OFPIT_WRITE_ACTIONS || type === OFPIT_APPLY_ACTIONS) {
        outputPorts(b, p + 8, p + len, this.outputAt);
      }
      p += Math.max(len, 8);
    }
  }

  writeTo(w: Writer, xid: number): void {
    this.copyTo(w, xid, 0);
  }

  /** Where the slots are (see FlowModTemplateLayout); the same object on every call. */
  get layout(): FlowModTemplateLayout {
    this.layoutCache ??= Object.freeze({
      source: this.source,
      bytes: this.bytes,
      fieldAt: Object.freeze([...this.fieldAt]),
      fieldWidth: Object.freeze([...this.fieldWidth]),
      outputAt: Object.freeze([...this.outputAt]),
    });
    return this.layoutCache;
  }
  private layoutCache: FlowModTemplateLayout | undefined;

  /**
   * The FLOW_MOD the current bytes encode, with `xid`: the decoded source with the slots'
   * current values read back from the bytes (no decode per call: a flow model asks for
   * this on every send).
   */
  toMessage(xid: number): FlowMod {
    const b = this.bytes;
    const src = this.source;
    const match = src.match.map((e, i) => {
      const at = this.fieldAt[i]!;
      return at < 0 || e.field === 'raw'
        ? e
        : { field: e.field, value: b.readUIntBE(at, this.fieldWidth[i]!) };
    });
    let k = 0;
    const instructions = src.instructions.map((ins) =>
      ins.type === 'write_actions' || ins.type === 'apply_actions'
        ? {
            ...ins,
            actions: ins.actions.map((a) =>
              a.type === 'output' ? { ...a, port: b.readUInt32BE(this.outputAt[k++]!) } : a,
            ),
          }
        : ins,
    );
    return { ...src, xid, match, instructions };
  }
}

/** A PACKET_OUT template (see the top of the file); the data is given per send. */
export class PacketOutTemplate extends Template implements MessageTemplate {
  readonly type = 'packet_out' as const;

  constructor(m: Omit<PacketOut, 'type' | 'xid' | 'data'>) {
    super(Buffer.from(encodeMessage({ ...m, type: 'packet_out', xid: 0, data: EMPTY })));
    const b = this.bytes;
    const actionsLen = (b[PACKET_OUT_ACTIONS_LEN]! << 8) | b[PACKET_OUT_ACTIONS_LEN + 1]!;
    outputPorts(b, PACKET_OUT_ACTIONS, PACKET_OUT_ACTIONS + actionsLen, this.outputAt);
  }

  setBufferId(bufferId: number): this {
    putU32(this.bytes, PACKET_OUT_BUFFER_ID, bufferId);
    return this;
  }

  setInPort(port: number): this {
    putU32(this.bytes, PACKET_OUT_IN_PORT, port);
    return this;
  }

  /** Throws RangeError (and writes nothing) when the data makes it longer than 65535 bytes. */
  writeTo(w: Writer, xid: number, data: Uint8Array = EMPTY): void {
    const len = this.bytes.length + data.length;
    if (len > 0xffff) throw new RangeError(`OFPT_PACKET_OUT of ${len} bytes exceeds 65535`);
    const p = this.copyTo(w, xid, data.length);
    putU16(w.buf, p + 2, len);
    w.buf.set(data, w.pos);
    w.pos += data.length;
  }

  /** The PACKET_OUT the current bytes encode, with `xid` and `data`. */
  toMessage(xid: number, data: Uint8Array = EMPTY): PacketOut {
    const len = this.bytes.length + data.length;
    if (len > 0xffff) throw new RangeError(`OFPT_PACKET_OUT of ${len} bytes exceeds 65535`);
    const b = Buffer.concat([this.bytes, data]);
    putU32(b, 4, xid);
    putU16(b, 2, b.length);
    const r = decodeMessage(b);
    if (!r.ok || r.value.type !== 'packet_out') throw new Error('template bytes do not decode');
    return r.value;
  }
}
