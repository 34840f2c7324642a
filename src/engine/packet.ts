/**
 * A packet travelling through the pipeline: its bytes (the truth), the flow key parsed
 * from them (header words plus the pipeline fields in_port, in_phy_port, metadata and
 * tunnel_id, which no byte carries) and the header offsets. Every edit rewrites the
 * bytes and re-parses, so fields, key and bytes can never disagree.
 */
import type { OxmBasic } from '../codec/index.js';
import { KEY_WORDS, keyFields, W } from './flow-key.js';
import { emptyLayout, type PacketLayout, parsePacket } from './packet-parse.js';

const U32 = 0xffffffffn;

export class Packet {
  bytes: Uint8Array;
  readonly key: Uint32Array;
  readonly layout: PacketLayout;

  /** Copies nothing: `bytes` becomes this packet's own buffer (edits replace it). */
  constructor(bytes: Uint8Array, inPort = 0, inPhyPort = inPort) {
    this.bytes = bytes;
    this.key = new Uint32Array(KEY_WORDS);
    this.layout = emptyLayout();
    this.key[W.IN_PORT] = inPort >>> 0;
    this.key[W.IN_PHY_PORT] = inPhyPort >>> 0;
    parsePacket(this.bytes, this.key, this.layout);
  }

  get inPort(): number {
    return this.key[W.IN_PORT]!;
  }
  set inPort(port: number) {
    this.key[W.IN_PORT] = port >>> 0;
  }

  get metadata(): bigint {
    return (BigInt(this.key[W.METADATA_HI]!) << 32n) | BigInt(this.key[W.METADATA_LO]!);
  }
  set metadata(v: bigint) {
    this.key[W.METADATA_HI] = Number((v >> 32n) & U32);
    this.key[W.METADATA_LO] = Number(v & U32);
  }

  get tunnelId(): bigint {
    return (BigInt(this.key[W.TUNNEL_HI]!) << 32n) | BigInt(this.key[W.TUNNEL_LO]!);
  }
  set tunnelId(v: bigint) {
    this.key[W.TUNNEL_HI] = Number((v >> 32n) & U32);
    this.key[W.TUNNEL_LO] = Number(v & U32);
  }

  /** Re-reads the headers after the bytes changed. */
  reparse(): void {
    parsePacket(this.bytes, this.key, this.layout);
  }

  /** Removes `remove` bytes at `at` and inserts `insert` there, then re-parses. */
  splice(at: number, remove: number, insert: ArrayLike<number> = []): void {
    const b = this.bytes;
    const out = new Uint8Array(b.length - remove + insert.length);
    out.set(b.subarray(0, at), 0);
    out.set(insert, at);
    out.set(b.subarray(at + remove), at + insert.length);
    this.bytes = out;
    this.reparse();
  }

  /** An independent copy (bytes and pipeline fields). */
  clone(): Packet {
    const p = new Packet(this.bytes.slice(), this.inPort, this.key[W.IN_PHY_PORT]!);
    p.key.set(this.key.subarray(0, W.DL_DST), 0);
    return p;
  }

  /** Header fields as OXM entries (see keyFields); pipeline fields too when asked. */
  fields(withPipeline = false): OxmBasic[] {
    return keyFields(this.key, withPipeline);
  }
}
