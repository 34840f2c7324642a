/**
 * The bytes an emulated switch sends, encoded once with the project's codec and then
 * only sliced on the hot path: the test frame, the PACKET_IN "cycle" (one packet-in per
 * source MAC, back to back, shared by every switch), the packet-in that teaches the
 * controller where the destination MAC lives, and the handshake replies.
 *
 * Addresses: source MAC j is 02:00:00:jj:jj:jj (j < 2^24, locally administered unicast)
 * and always arrives on port 1; every frame is sent to TAUGHT_MAC, which the switch
 * first announces from port 2. A learning switch therefore answers each cycle packet
 * with a FLOW_MOD (in_port=1, eth_src, eth_dst -> output:2) and a PACKET_OUT.
 */
import {
  encodeMessage,
  type Message,
  OFP_NO_BUFFER,
  OFP_VERSION,
  type Port,
} from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';

const FRAME_LEN = 60;
export const SRC_PORT = 1;
export const TAUGHT_PORT = 2;
export const TAUGHT_MAC = 0x06_00_00_00_00_01;
export const BROADCAST_MAC = 0xff_ff_ff_ff_ff_ff;
export const MAX_MACS = 0xff_ff_ff;
/** Ports the emulated switch reports in its PORT_DESC reply. */
const PORT_COUNT = 4;

export function srcMac(j: number): number {
  return 0x02_00_00_00_00_00 + j;
}

/** A 60-byte Ethernet/IPv4/UDP frame (10.0.0.1:1234 -> 10.0.0.2:5678), checksums set. */
export function testFrame(dst: number, src: number): Buffer {
  const headers = 14 + 20 + 8;
  const frame = buildPacket({
    eth_dst: dst,
    eth_src: src,
    eth_type: 0x0800,
    ip_proto: 17,
    ipv4_src: 0x0a000001,
    ipv4_dst: 0x0a000002,
    udp_src: 1234,
    udp_dst: 5678,
    payload: new Uint8Array(FRAME_LEN - headers),
  });
  return Buffer.from(frame.buffer, frame.byteOffset, frame.length);
}

/**
 * OpenFlow 1.3.5 section 7.4.1: the cookie is -1 when the packet-in cannot be tied to a
 * flow entry, which is the truth for a switch that keeps no flow table.
 */
export const NO_FLOW_COOKIE = 0xffff_ffff_ffff_ffffn;

/** An unbuffered table-miss PACKET_IN (reason OFPR_NO_MATCH) carrying `frame`. */
export function packetIn(xid: number, inPort: number, frame: Buffer): Buffer {
  return encodeMessage({
    type: 'packet_in',
    xid,
    bufferId: OFP_NO_BUFFER,
    totalLen: frame.length,
    reason: 0,
    tableId: 0,
    cookie: NO_FLOW_COOKIE,
    match: [{ field: 'in_port', value: inPort }],
    data: frame,
  });
}

/**
 * Packet-ins for source MACs 0..macs-1, then `extra` more that wrap around, so that any
 * run of up to `extra` packets starting below `macs` is one contiguous slice.
 */
export class PacketCycle {
  readonly buf: Buffer;
  /** Bytes per packet-in. */
  readonly len: number;

  constructor(
    readonly macs: number,
    readonly extra: number,
  ) {
    if (macs < 1 || macs > MAX_MACS) throw new RangeError(`macs must be 1..${MAX_MACS}`);
    const first = packetIn(1, SRC_PORT, testFrame(TAUGHT_MAC, srcMac(0)));
    this.len = first.length;
    const macAt = this.len - FRAME_LEN + 6;
    const total = macs + extra;
    this.buf = Buffer.allocUnsafe(total * this.len);
    for (let k = 0; k < total; k++) {
      const at = k * this.len;
      first.copy(this.buf, at);
      this.buf.writeUInt32BE(k + 1, at + 4);
      this.buf.writeUIntBE(srcMac(k % macs), at + macAt, 6);
    }
  }

  /** `count` packet-ins starting at cycle position `from` (< macs, count <= extra). */
  slice(from: number, count: number): Buffer {
    return this.buf.subarray(from * this.len, (from + count) * this.len);
  }
}

/** The packet-in announcing TAUGHT_MAC on TAUGHT_PORT (a broadcast, so it floods). */
export const TEACH_PACKET_IN = packetIn(0, TAUGHT_PORT, testFrame(BROADCAST_MAC, TAUGHT_MAC));

/** HELLO offering OpenFlow 1.3 only (version bitmap with bit 4). */
export const HELLO = encodeMessage({
  type: 'hello',
  xid: 0,
  version: OFP_VERSION,
  elements: [{ type: 'versionbitmap', bitmaps: [1 << OFP_VERSION] }],
});

export function featuresReply(xid: number, datapathId: bigint): Message {
  return {
    type: 'features_reply',
    xid,
    datapathId,
    nBuffers: 0,
    nTables: 254,
    auxiliaryId: 0,
    // FLOW_STATS | TABLE_STATS | PORT_STATS | GROUP_STATS | QUEUE_STATS
    capabilities: 0x4f,
    reserved: 0,
  };
}

export function ports(datapathIndex: number): Port[] {
  const out: Port[] = [];
  for (let p = 1; p <= PORT_COUNT; p++) {
    out.push({
      portNo: p,
      hwAddr: 0x0a_00_00_00_00_00 + datapathIndex * 0x100 + p,
      name: `s${datapathIndex}-eth${p}`,
      config: 0,
      state: 0x4, // OFPPS_LIVE
      curr: 0x820, // 10GB_FD | COPPER
      advertised: 0,
      supported: 0,
      peer: 0,
      currSpeed: 10_000_000,
      maxSpeed: 10_000_000,
    });
  }
  return out;
}

export const DESC = {
  mfrDesc: 'ofctl-ts bench',
  hwDesc: 'emulated switch',
  swDesc: 'flow-setup load generator',
  serialNum: 'none',
  dpDesc: 'cbench-style emulated switch',
};
