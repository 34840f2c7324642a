/** MULTIPART_REPLY bodies (OpenFlow 1.3.5 section 7.3.5). */
import { assertNever } from '../actions.js';
import { badRequestLen, fail, OFPERR } from '../errors.js';
import { readInstructions, writeInstructions } from '../instructions.js';
import { readMatch, writeMatch } from '../match.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type {
  FlowStats,
  MeterStats,
  MultipartReply,
  MultipartReplyBody,
} from './multipart-reply-types.js';
import { multipartCode, multipartKind } from './multipart-request.js';
import {
  PORT_LEN,
  readBuckets,
  readMeterBands,
  readPort,
  writeBuckets,
  writeMeterBands,
  writePort,
} from './structs.js';
import { readTableFeatures, writeTableFeatures } from './table-features.js';

export type * from './multipart-reply-types.js';

const PORT_COUNTERS = [
  'rxPackets',
  'txPackets',
  'rxBytes',
  'txBytes',
  'rxDropped',
  'txDropped',
  'rxErrors',
  'txErrors',
  'rxFrameErr',
  'rxOverErr',
  'rxCrcErr',
  'collisions',
] as const;

/** Reads `len`-prefixed entries: the u16 length is the entry's first field. */
function entries<T>(r: Reader, min: number, what: string, read: (e: Reader) => T): T[] {
  const out: T[] = [];
  while (r.remaining > 0) {
    r.need(min, what);
    const len = (r.buf[r.pos]! << 8) | r.buf[r.pos + 1]!;
    if (len < min) badRequestLen(`${what} length ${len} < ${min}`);
    const e = r.sub(len, what);
    e.skip(2);
    out.push(read(e));
  }
  return out;
}

function fixed<T>(r: Reader, size: number, what: string, read: (e: Reader) => T): T[] {
  if (r.remaining % size !== 0)
    badRequestLen(`${what} body ${r.remaining} not a multiple of ${size}`);
  const out: T[] = [];
  while (r.remaining > 0) out.push(read(r.sub(size, what)));
  return out;
}

function readFlowStats(e: Reader): FlowStats {
  const tableId = e.u8();
  e.skip(1);
  const durationSec = e.u32();
  const durationNsec = e.u32();
  const priority = e.u16();
  const idleTimeout = e.u16();
  const hardTimeout = e.u16();
  const flags = e.u16();
  e.skip(4);
  const cookie = e.u64();
  const packetCount = e.u64();
  const byteCount = e.u64();
  const match = readMatch(e);
  return {
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
    instructions: readInstructions(e),
  };
}

function readBody(
  r: Reader,
  kind: NonNullable<ReturnType<typeof multipartKind>>,
): MultipartReplyBody {
  switch (kind) {
    case 'desc':
      r.need(1056, 'ofp_desc');
      return {
        kind,
        desc: {
          mfrDesc: r.str(256),
          hwDesc: r.str(256),
          swDesc: r.str(256),
          serialNum: r.str(32),
          dpDesc: r.str(256),
        },
      };
    case 'flow':
      return { kind, flows: entries(r, 56, 'flow stats', readFlowStats) };
    case 'aggregate': {
      const packetCount = r.u64();
      const byteCount = r.u64();
      const flowCount = r.u32();
      r.skip(4);
      return { kind, packetCount, byteCount, flowCount };
    }
    case 'table':
      return {
        kind,
        tables: fixed(r, 24, 'table stats', (e) => {
          const tableId = e.u8();
          e.skip(3);
          return { tableId, activeCount: e.u32(), lookupCount: e.u64(), matchedCount: e.u64() };
        }),
      };
    case 'port_stats':
      return {
        kind,
        ports: fixed(r, 112, 'port stats', (e) => {
          const portNo = e.u32();
          e.skip(4);
          const s: Record<string, bigint> = {};
          for (const k of PORT_COUNTERS) s[k] = e.u64();
          return {
            portNo,
            ...(s as Record<(typeof PORT_COUNTERS)[number], bigint>),
            durationSec: e.u32(),
            durationNsec: e.u32(),
          };
        }),
      };
    case 'queue':
      return {
        kind,
        queues: fixed(r, 40, 'queue stats', (e) => ({
          portNo: e.u32(),
          queueId: e.u32(),
          txBytes: e.u64(),
          txPackets: e.u64(),
          txErrors: e.u64(),
          durationSec: e.u32(),
          durationNsec: e.u32(),
        })),
      };
    case 'group':
      return {
        kind,
        groups: entries(r, 40, 'group stats', (e) => {
          e.skip(2);
          const groupId = e.u32();
          const refCount = e.u32();
          e.skip(4);
          const packetCount = e.u64();
          const byteCount = e.u64();
          const durationSec = e.u32();
          const durationNsec = e.u32();
          const bucketStats = fixed(e, 16, 'bucket counter', (b) => ({
            packetCount: b.u64(),
            byteCount: b.u64(),
          }));
          return {
            groupId,
            refCount,
            packetCount,
            byteCount,
            durationSec,
            durationNsec,
            bucketStats,
          };
        }),
      };
    case 'group_desc':
      return {
        kind,
        groups: entries(r, 8, 'group desc', (e) => {
          const groupType = e.u8();
          e.skip(1);
          return { groupType, groupId: e.u32(), buckets: readBuckets(e) };
        }),
      };
    case 'group_features':
      return {
        kind,
        features: {
          types: r.u32(),
          capabilities: r.u32(),
          maxGroups: [r.u32(), r.u32(), r.u32(), r.u32()],
          actions: [r.u32(), r.u32(), r.u32(), r.u32()],
        },
      };
    case 'meter': {
      const meters: MeterStats[] = [];
      while (r.remaining > 0) {
        r.need(40, 'meter stats');
        const meterId = r.u32();
        const len = r.u16();
        if (len < 40) badRequestLen(`meter stats length ${len}`);
        const e = r.sub(len - 6, 'meter stats');
        e.skip(6);
        const flowCount = e.u32();
        const packetInCount = e.u64();
        const byteInCount = e.u64();
        const durationSec = e.u32();
        const durationNsec = e.u32();
        const bandStats = fixed(e, 16, 'meter band stats', (b) => ({
          packetBandCount: b.u64(),
          byteBandCount: b.u64(),
        }));
        meters.push({
          meterId,
          flowCount,
          packetInCount,
          byteInCount,
          durationSec,
          durationNsec,
          bandStats,
        });
      }
      return { kind, meters };
    }
    case 'meter_config':
      return {
        kind,
        meters: entries(r, 8, 'meter config', (e) => ({
          flags: e.u16(),
          meterId: e.u32(),
          bands: readMeterBands(e),
        })),
      };
    case 'meter_features': {
      const maxMeter = r.u32();
      const bandTypes = r.u32();
      const capabilities = r.u32();
      const maxBands = r.u8();
      const maxColor = r.u8();
      r.skip(2);
      return { kind, features: { maxMeter, bandTypes, capabilities, maxBands, maxColor } };
    }
    case 'table_features':
      return { kind, tables: readTableFeatures(r) };
    case 'port_desc':
      return { kind, ports: fixed(r, PORT_LEN, 'port desc', readPort) };
    case 'experimenter':
      return { kind, experimenter: r.u32(), expType: r.u32(), data: r.rest() };
    default:
      return assertNever(kind);
  }
}

export function decodeMultipartReply(r: Reader, xid: number): MultipartReply {
  const code = r.u16();
  const flags = r.u16();
  r.skip(4);
  const kind = multipartKind(code);
  if (!kind) return fail(OFPERR.OFPBRC_BAD_MULTIPART, `unknown multipart type ${code}`);
  const body = readBody(r, kind);
  if (r.remaining !== 0)
    fail(OFPERR.OFPBRC_BAD_LEN, `${kind} reply has ${r.remaining} trailing bytes`);
  return { type: 'multipart_reply', xid, flags, body };
}

/** Writes a u16 length placeholder, runs `fn`, back-fills the length. */
function withLen(w: Writer, fn: () => void): void {
  const start = w.pos;
  w.u16(0);
  fn();
  w.patchU16(start, w.pos - start);
}

export function writeFlowStats(w: Writer, f: FlowStats): void {
  withLen(w, () => {
    w.u8(f.tableId);
    w.zeros(1);
    w.u32(f.durationSec);
    w.u32(f.durationNsec);
    w.u16(f.priority);
    w.u16(f.idleTimeout);
    w.u16(f.hardTimeout);
    w.u16(f.flags);
    w.zeros(4);
    w.u64(f.cookie);
    w.u64(f.packetCount);
    w.u64(f.byteCount);
    writeMatch(w, f.match);
    writeInstructions(w, f.instructions);
  });
}

export function encodeMultipartReply(w: Writer, m: MultipartReply): void {
  const b = m.body;
  w.u16(multipartCode(b.kind));
  w.u16(m.flags);
  w.zeros(4);
  switch (b.kind) {
    case 'desc':
      w.str(b.desc.mfrDesc, 256);
      w.str(b.desc.hwDesc, 256);
      w.str(b.desc.swDesc, 256);
      w.str(b.desc.serialNum, 32);
      return w.str(b.desc.dpDesc, 256);
    case 'flow':
      for (const f of b.flows) writeFlowStats(w, f);
      return;
    case 'aggregate':
      w.u64(b.packetCount);
      w.u64(b.byteCount);
      w.u32(b.flowCount);
      return w.zeros(4);
    case 'table':
      for (const t of b.tables) {
        w.u8(t.tableId);
        w.zeros(3);
        w.u32(t.activeCount);
        w.u64(t.lookupCount);
        w.u64(t.matchedCount);
      }
      return;
    case 'port_stats':
      for (const p of b.ports) {
        w.u32(p.portNo);
        w.zeros(4);
        for (const k of PORT_COUNTERS) w.u64(p[k]);
        w.u32(p.durationSec);
        w.u32(p.durationNsec);
      }
      return;
    case 'queue':
      for (const q of b.queues) {
        w.u32(q.portNo);
        w.u32(q.queueId);
        w.u64(q.txBytes);
        w.u64(q.txPackets);
        w.u64(q.txErrors);
        w.u32(q.durationSec);
        w.u32(q.durationNsec);
      }
      return;
    case 'group':
      for (const g of b.groups) {
        withLen(w, () => {
          w.zeros(2);
          w.u32(g.groupId);
          w.u32(g.refCount);
          w.zeros(4);
          w.u64(g.packetCount);
          w.u64(g.byteCount);
          w.u32(g.durationSec);
          w.u32(g.durationNsec);
          for (const s of g.bucketStats) {
            w.u64(s.packetCount);
            w.u64(s.byteCount);
          }
        });
      }
      return;
    case 'group_desc':
      for (const g of b.groups) {
        withLen(w, () => {
          w.u8(g.groupType);
          w.zeros(1);
          w.u32(g.groupId);
          writeBuckets(w, g.buckets);
        });
      }
      return;
    case 'group_features':
      w.u32(b.features.types);
      w.u32(b.features.capabilities);
      for (const x of b.features.maxGroups) w.u32(x);
      for (const x of b.features.actions) w.u32(x);
      return;
    case 'meter':
      for (const s of b.meters) {
        const start = w.pos;
        w.u32(s.meterId);
        w.u16(0);
        w.zeros(6);
        w.u32(s.flowCount);
        w.u64(s.packetInCount);
        w.u64(s.byteInCount);
        w.u32(s.durationSec);
        w.u32(s.durationNsec);
        for (const x of s.bandStats) {
          w.u64(x.packetBandCount);
          w.u64(x.byteBandCount);
        }
        w.patchU16(start + 4, w.pos - start);
      }
      return;
    case 'meter_config':
      for (const c of b.meters) {
        withLen(w, () => {
          w.u16(c.flags);
          w.u32(c.meterId);
          writeMeterBands(w, c.bands);
        });
      }
      return;
    case 'meter_features':
      w.u32(b.features.maxMeter);
      w.u32(b.features.bandTypes);
      w.u32(b.features.capabilities);
      w.u8(b.features.maxBands);
      w.u8(b.features.maxColor);
      return w.zeros(2);
    case 'table_features':
      return writeTableFeatures(w, b.tables);
    case 'port_desc':
      for (const p of b.ports) writePort(w, p);
      return;
    case 'experimenter':
      w.u32(b.experimenter);
      w.u32(b.expType);
      return w.bytes(b.data);
    default:
      return assertNever(b);
  }
}
