/**
 * Structures shared by several messages: ofp_port (7.2.1), ofp_bucket (7.3.4.2),
 * meter bands (7.3.4.4) and queue descriptions (7.2.2).
 */
import { type Action, readActions, writeActions } from '../actions.js';
import { badRequestLen, fail, OFPERR } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface Port {
  readonly portNo: number;
  readonly hwAddr: number;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

export const PORT_LEN = 64;

export function readPort(r: Reader): Port {
  r.need(PORT_LEN, 'ofp_port');
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = r.u48();
  r.skip(2);
  return {
    portNo,
    hwAddr,
    name: r.str(16),
    config: r.u32(),
    state: r.u32(),
    curr: r.u32(),
    advertised: r.u32(),
    supported: r.u32(),
    peer: r.u32(),
    currSpeed: r.u32(),
    maxSpeed: r.u32(),
  };
}

export function writePort(w: Writer, p: Port): void {
  w.u32(p.portNo);
  w.zeros(4);
  w.u48(p.hwAddr);
  w.zeros(2);
  w.str(p.name, 16);
  w.u32(p.config);
  w.u32(p.state);
  w.u32(p.curr);
  w.u32(p.advertised);
  w.u32(p.supported);
  w.u32(p.peer);
  w.u32(p.currSpeed);
  w.u32(p.maxSpeed);
}

export interface Bucket {
  readonly weight: number;
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly Action[];
}

export function readBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    r.need(16, 'ofp_bucket');
    const len = r.u16();
    if (len < 16 || len % 8 !== 0)
      fail(OFPERR.OFPGMFC_BAD_BUCKET, `bucket length ${len} is invalid`);
    const b = r.sub(len - 2, 'ofp_bucket', (what) =>
      fail(OFPERR.OFPGMFC_BAD_BUCKET, `bad bucket: ${what}`),
    );
    const weight = b.u16();
    const watchPort = b.u32();
    const watchGroup = b.u32();
    b.skip(4);
    out.push({ weight, watchPort, watchGroup, actions: readActions(b) });
  }
  return out;
}

export function writeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    const start = w.pos;
    w.u16(0);
    w.u16(b.weight);
    w.u32(b.watchPort);
    w.u32(b.watchGroup);
    w.zeros(4);
    writeActions(w, b.actions);
    w.patchU16(start, w.pos - start);
  }
}

export type MeterBand =
  | {
      readonly type: 'drop';
      readonly rate: number;
      readonly burstSize: number;
    }
  | {
      readonly type: 'dscp_remark';
      readonly rate: number;
      readonly burstSize: number;
      readonly precLevel: number;
    }
  | {
      readonly type: 'experimenter';
      readonly rate: number;
      readonly burstSize: number;
      readonly experimenter: number;
      readonly data: Uint8Array;
    };

export function readMeterBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    r.need(16, 'meter band');
    const type = r.u16();
    const len = r.u16();
    if (len < 16 || len % 8 !== 0)
      fail(OFPERR.OFPMMFC_BAD_BAND, `meter band length ${len} is invalid`);
    const b = r.sub(len - 4, 'meter band', (what) =>
      fail(OFPERR.OFPMMFC_BAD_BAND, `bad meter band: ${what}`),
    );
    const rate = b.u32();
    const burstSize = b.u32();
    if (type === 1) {
      out.push({ type: 'drop', rate, burstSize });
    } else if (type === 2) {
      out.push({ type: 'dscp_remark', rate, burstSize, precLevel: b.u8() });
    } else if (type === 0xffff) {
      out.push({ type: 'experimenter', rate, burstSize, experimenter: b.u32(), data: b.rest() });
    } else {
      fail(OFPERR.OFPMMFC_BAD_BAND, `unknown meter band type ${type}`);
    }
  }
  return out;
}

export function writeMeterBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) {
    const start = w.pos;
    w.u16(b.type === 'drop' ? 1 : b.type === 'dscp_remark' ? 2 : 0xffff);
    w.u16(0);
    w.u32(b.rate);
    w.u32(b.burstSize);
    if (b.type === 'drop') w.zeros(4);
    else if (b.type === 'dscp_remark') {
      w.u8(b.precLevel);
      w.zeros(3);
    } else {
      w.u32(b.experimenter);
      w.bytes(b.data);
      w.padTo(start, 8);
    }
    w.patchU16(start + 2, w.pos - start);
  }
}

export type QueueProperty =
  | { readonly type: 'min_rate'; readonly rate: number }
  | { readonly type: 'max_rate'; readonly rate: number }
  | { readonly type: 'experimenter'; readonly experimenter: number; readonly data: Uint8Array }
  | { readonly type: 'unknown'; readonly property: number; readonly data: Uint8Array };

export interface PacketQueue {
  readonly queueId: number;
  readonly port: number;
  readonly properties: readonly QueueProperty[];
}

export function readQueues(r: Reader): PacketQueue[] {
  const out: PacketQueue[] = [];
  while (r.remaining > 0) {
    r.need(16, 'ofp_packet_queue');
    const queueId = r.u32();
    const port = r.u32();
    const len = r.u16();
    if (len < 16) badRequestLen(`packet queue length ${len}`);
    const q = r.sub(len - 10, 'ofp_packet_queue');
    q.skip(6);
    const properties: QueueProperty[] = [];
    while (q.remaining > 0) {
      const property = q.u16();
      const plen = q.u16();
      if (plen < 8) badRequestLen(`queue property length ${plen}`);
      const p = q.sub(plen - 4, 'queue property');
      p.skip(4);
      if (property === 1 || property === 2) {
        const rate = p.u16();
        properties.push(property === 1 ? { type: 'min_rate', rate } : { type: 'max_rate', rate });
        p.skip(p.remaining);
      } else if (property === 0xffff) {
        const experimenter = p.u32();
        p.skip(4);
        properties.push({ type: 'experimenter', experimenter, data: p.rest() });
      } else {
        properties.push({ type: 'unknown', property, data: p.rest() });
      }
    }
    out.push({ queueId, port, properties });
  }
  return out;
}

export function writeQueues(w: Writer, queues: readonly PacketQueue[]): void {
  for (const q of queues) {
    const start = w.pos;
    w.u32(q.queueId);
    w.u32(q.port);
    w.u16(0);
    w.zeros(6);
    for (const p of q.properties) {
      const ps = w.pos;
      if (p.type === 'min_rate' || p.type === 'max_rate') {
        w.u16(p.type === 'min_rate' ? 1 : 2);
        w.u16(0);
        w.zeros(4);
        w.u16(p.rate);
        w.zeros(6);
      } else if (p.type === 'experimenter') {
        w.u16(0xffff);
        w.u16(0);
        w.zeros(4);
        w.u32(p.experimenter);
        w.zeros(4);
        w.bytes(p.data);
      } else {
        w.u16(p.property);
        w.u16(0);
        w.zeros(4);
        w.bytes(p.data);
      }
      w.patchU16(ps + 2, w.pos - ps);
    }
    w.patchU16(start + 8, w.pos - start);
  }
}
