/**
 * The codec's three hot paths written again with the two libraries a TypeScript author
 * would reach for first, to compare against our hand-written Reader/Writer:
 * binary-parser (declarative, compiled to a function; it only parses) and smart-buffer
 * (a cursor over a Buffer). Each decodes to the same shape ours gives (typed OXM
 * entries, bigint counters, a view of the frame) so the figures compare like with like.
 * Minimal on purpose: matches of basic fields, apply-actions of output actions.
 */
import { createRequire } from 'node:module';
import type { Parser as ParserClass } from 'binary-parser/dist/binary_parser.js';
import { SmartBuffer } from 'smart-buffer';
import {
  type Action,
  type FlowMod,
  type FlowStats,
  type Instruction,
  OXM_BY_CODE,
  OXM_BY_NAME,
  type OxmBasic,
  type PacketIn,
  Writer,
  writeValue,
} from '../src/codec/index.js';

// binary-parser ships types only beside its CommonJS build; load that one.
const { Parser } = createRequire(import.meta.url)('binary-parser') as {
  Parser: typeof ParserClass;
};

/** An OXM TLV's value bytes as the codec's value type (number up to 48 bits, else bigint). */
function oxmEntry(header: number, value: Buffer): OxmBasic {
  const info = OXM_BY_CODE[(header >>> 9) & 0x7f]!;
  const n = info.bytes;
  const read = (at: number) =>
    n <= 6 ? value.readUIntBE(at, n) : n === 8 ? value.readBigUInt64BE(at) : bigOf(value, at);
  if (header & 0x100) return { field: info.name, value: read(0), mask: read(n) };
  return { field: info.name, value: read(0) };
}
const bigOf = (b: Buffer, at: number) => (b.readBigUInt64BE(at) << 64n) | b.readBigUInt64BE(at + 8);

// --- binary-parser -------------------------------------------------------------------

const bpOxm = new Parser().uint32be('header').buffer('value', {
  length: function (this: { header: number }) {
    return this.header & 0xff;
  },
});

/** ofp_match: type, length, OXM TLVs, padding to 8. */
const bpMatch = new Parser()
  .uint16be('type')
  .uint16be('length')
  .array('fields', {
    type: bpOxm,
    lengthInBytes: function (this: { length: number }) {
      return this.length - 4;
    },
    formatter: (list: { header: number; value: Buffer }[]) =>
      list.map((o) => oxmEntry(o.header, o.value)),
  })
  .seek(function (this: { length: number }) {
    return ((this.length + 7) & ~7) - this.length;
  });

const bpPacketIn = new Parser()
  .seek(4)
  .uint32be('xid')
  .uint32be('bufferId')
  .uint16be('totalLen')
  .uint8('reason')
  .uint8('tableId')
  .uint64be('cookie')
  .nest('match', { type: bpMatch, formatter: (m: { fields: OxmBasic[] }) => m.fields })
  .seek(2)
  .buffer('data', { readUntil: 'eof' });

export function bpDecodePacketIn(buf: Buffer): PacketIn {
  const r = bpPacketIn.parse(buf) as Omit<PacketIn, 'type'>;
  return { type: 'packet_in', ...r };
}

const bpAction = new Parser()
  .uint16be('type')
  .uint16be('len')
  .uint32be('port')
  .uint16be('maxLen')
  .seek(6);

const bpInstruction = new Parser()
  .uint16be('type')
  .uint16be('len')
  .seek(4)
  .array('actions', {
    type: bpAction,
    lengthInBytes: function (this: { len: number }) {
      return this.len - 8;
    },
    formatter: (list: { port: number; maxLen: number }[]) =>
      list.map((a): Action => ({ type: 'output', port: a.port, maxLen: a.maxLen })),
  });

const bpFlowStats = new Parser()
  .uint16be('length')
  .uint8('tableId')
  .seek(1)
  .uint32be('durationSec')
  .uint32be('durationNsec')
  .uint16be('priority')
  .uint16be('idleTimeout')
  .uint16be('hardTimeout')
  .uint16be('flags')
  .seek(4)
  .uint64be('cookie')
  .uint64be('packetCount')
  .uint64be('byteCount')
  .saveOffset('matchAt')
  .nest('match', { type: bpMatch, formatter: (m: { fields: OxmBasic[] }) => m.fields })
  .saveOffset('instructionsAt')
  .array('instructions', {
    type: bpInstruction,
    lengthInBytes: function (this: { length: number; matchAt: number; instructionsAt: number }) {
      return this.length - 48 - (this.instructionsAt - this.matchAt);
    },
    formatter: (list: { actions: Action[] }[]) =>
      list.map((i): Instruction => ({ type: 'apply_actions', actions: i.actions })),
  });

const bpFlowStatsReply = new Parser()
  .seek(4)
  .uint32be('xid')
  .seek(8)
  .array('flows', { type: bpFlowStats, readUntil: 'eof' });

export function bpDecodeFlowStats(buf: Buffer): FlowStats[] {
  return (bpFlowStatsReply.parse(buf) as { flows: FlowStats[] }).flows;
}

// --- smart-buffer --------------------------------------------------------------------

function sbMatch(s: SmartBuffer): OxmBasic[] {
  s.readUInt16BE();
  const length = s.readUInt16BE();
  const end = s.readOffset + length - 4;
  const fields: OxmBasic[] = [];
  while (s.readOffset < end) {
    const header = s.readUInt32BE();
    fields.push(oxmEntry(header, s.readBuffer(header & 0xff)));
  }
  s.readOffset += ((length + 7) & ~7) - length;
  return fields;
}

export function sbDecodePacketIn(buf: Buffer): PacketIn {
  const s = SmartBuffer.fromBuffer(buf);
  s.readOffset = 4;
  const xid = s.readUInt32BE();
  const bufferId = s.readUInt32BE();
  const totalLen = s.readUInt16BE();
  const reason = s.readUInt8();
  const tableId = s.readUInt8();
  const cookie = s.readBigUInt64BE();
  const match = sbMatch(s);
  s.readOffset += 2;
  const data = s.readBuffer();
  return { type: 'packet_in', xid, bufferId, totalLen, reason, tableId, cookie, match, data };
}

function sbInstructions(s: SmartBuffer, end: number): Instruction[] {
  const out: Instruction[] = [];
  while (s.readOffset < end) {
    s.readUInt16BE();
    const len = s.readUInt16BE();
    s.readOffset += 4;
    const stop = s.readOffset + len - 8;
    const actions: Action[] = [];
    while (s.readOffset < stop) {
      s.readOffset += 4;
      actions.push({ type: 'output', port: s.readUInt32BE(), maxLen: s.readUInt16BE() });
      s.readOffset += 6;
    }
    out.push({ type: 'apply_actions', actions });
  }
  return out;
}

export function sbDecodeFlowStats(buf: Buffer): FlowStats[] {
  const s = SmartBuffer.fromBuffer(buf);
  s.readOffset = 16;
  const flows: FlowStats[] = [];
  while (s.remaining() > 0) {
    const start = s.readOffset;
    const length = s.readUInt16BE();
    const tableId = s.readUInt8();
    s.readOffset += 1;
    const durationSec = s.readUInt32BE();
    const durationNsec = s.readUInt32BE();
    const priority = s.readUInt16BE();
    const idleTimeout = s.readUInt16BE();
    const hardTimeout = s.readUInt16BE();
    const flags = s.readUInt16BE();
    s.readOffset += 4;
    const cookie = s.readBigUInt64BE();
    const packetCount = s.readBigUInt64BE();
    const byteCount = s.readBigUInt64BE();
    const match = sbMatch(s);
    const instructions = sbInstructions(s, start + length);
    flows.push({
      tableId,
      durationSec,
      durationNsec,
      priority,
      idleTimeout,
      hardTimeout,
      flags,
      cookie,
      packetCount,
      byteCount,
      match,
      instructions,
    });
  }
  return flows;
}

const sbOut = new SmartBuffer({ size: 256 });
const ZEROS = Buffer.alloc(8);
const valueScratch = new Writer(32);

/** FLOW_MOD into one reused SmartBuffer; returns a view, as our encodeInto path does. */
export function sbEncodeFlowMod(m: FlowMod): Buffer {
  const s = sbOut.clear();
  s.writeUInt8(4);
  s.writeUInt8(14);
  s.writeUInt16BE(0);
  s.writeUInt32BE(m.xid);
  s.writeBigUInt64BE(m.cookie);
  s.writeBigUInt64BE(m.cookieMask);
  s.writeUInt8(m.tableId);
  s.writeUInt8(m.command);
  s.writeUInt16BE(m.idleTimeout);
  s.writeUInt16BE(m.hardTimeout);
  s.writeUInt16BE(m.priority);
  s.writeUInt32BE(m.bufferId);
  s.writeUInt32BE(m.outPort);
  s.writeUInt32BE(m.outGroup);
  s.writeUInt16BE(m.flags);
  s.writeUInt16BE(0);
  const matchAt = s.writeOffset;
  s.writeUInt16BE(1);
  s.writeUInt16BE(0);
  for (const e of m.match as OxmBasic[]) {
    const info = OXM_BY_NAME.get(e.field)!;
    const masked = e.mask !== undefined;
    s.writeUInt32BE(
      ((0x8000 << 16) |
        (info.code << 9) |
        (masked ? 0x100 : 0) |
        (info.bytes * (masked ? 2 : 1))) >>>
        0,
    );
    valueScratch.pos = 0;
    writeValue(valueScratch, info, e.value);
    if (masked) writeValue(valueScratch, info, e.mask!);
    s.writeBuffer(valueScratch.buf.subarray(0, valueScratch.pos));
  }
  const matchLen = s.writeOffset - matchAt;
  s.writeUInt16BE(matchLen, matchAt + 2);
  s.writeBuffer(ZEROS.subarray(0, ((matchLen + 7) & ~7) - matchLen));
  for (const ins of m.instructions) {
    if (ins.type !== 'apply_actions') throw new TypeError('only apply-actions in this benchmark');
    const at = s.writeOffset;
    s.writeUInt16BE(4);
    s.writeUInt16BE(0);
    s.writeUInt32BE(0);
    for (const a of ins.actions) {
      if (a.type !== 'output') throw new TypeError('only output actions in this benchmark');
      s.writeUInt16BE(0);
      s.writeUInt16BE(16);
      s.writeUInt32BE(a.port);
      s.writeUInt16BE(a.maxLen);
      s.writeBuffer(ZEROS.subarray(0, 6));
    }
    s.writeUInt16BE(s.writeOffset - at, at + 2);
  }
  s.writeUInt16BE(s.writeOffset, 2);
  return s.toBuffer();
}
