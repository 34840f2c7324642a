/**
 * A counting scanner for an OpenFlow byte stream: it reads only the 8-byte headers,
 * counts every complete message by type and passes over the bodies, so the load
 * generator and the trivial responder can keep up with a million messages a second.
 * Types marked in `collect` are handed over whole (a view while they sit in one chunk,
 * a copy when they were split), for the rare messages that need a real decode.
 * A header whose length is below 8 cannot be resynchronised: the scanner stops.
 */

export const OFPT_PACKET_IN = 10;
export const OFPT_PACKET_OUT = 13;
export const OFPT_FLOW_MOD = 14;

export class MessageScanner {
  /** Complete messages seen so far, indexed by the header's type byte. */
  readonly counts = new Float64Array(256);
  /** Set once a header had a length below 8; every later push is ignored. */
  failed = false;
  private readonly hdr = Buffer.alloc(8);
  private hdrHave = 0;
  /** The message being passed over across chunks: its type and bytes still to come. */
  private type = 0;
  private left = 0;
  private whole: Buffer | undefined;
  private wholeAt = 0;

  constructor(
    private readonly collect: Uint8Array,
    private readonly onWhole: (msg: Buffer) => void,
    private readonly onBadLength: (len: number) => void,
  ) {}

  push(chunk: Buffer): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n && !this.failed) {
      if (this.left > 0) {
        const take = Math.min(this.left, n - pos);
        if (this.whole) {
          chunk.copy(this.whole, this.wholeAt, pos, pos + take);
          this.wholeAt += take;
        }
        this.left -= take;
        pos += take;
        if (this.left === 0) this.finish();
      } else if (this.hdrHave > 0 || n - pos < 8) {
        const take = Math.min(8 - this.hdrHave, n - pos);
        chunk.copy(this.hdr, this.hdrHave, pos, pos + take);
        this.hdrHave += take;
        pos += take;
        if (this.hdrHave < 8) return;
        this.hdrHave = 0;
        this.begin(this.hdr, 0);
      } else {
        const type = chunk[pos + 1]!;
        const len = chunk.readUInt16BE(pos + 2);
        if (len >= 8 && n - pos >= len) {
          this.counts[type]!++;
          if (this.collect[type]) this.onWhole(chunk.subarray(pos, pos + len));
          pos += len;
        } else {
          this.begin(chunk, pos);
          pos += 8;
        }
      }
    }
  }

  /** Starts a message whose header is buf[at, at+8) and whose body is still to come. */
  private begin(buf: Buffer, at: number): void {
    const len = buf.readUInt16BE(at + 2);
    if (len < 8) {
      this.failed = true;
      this.onBadLength(len);
      return;
    }
    this.type = buf[at + 1]!;
    this.left = len - 8;
    if (this.collect[this.type]) {
      this.whole = Buffer.allocUnsafe(len);
      buf.copy(this.whole, 0, at, at + 8);
      this.wholeAt = 8;
    }
    if (this.left === 0) this.finish();
  }

  private finish(): void {
    this.counts[this.type]!++;
    const whole = this.whole;
    this.whole = undefined;
    if (whole) this.onWhole(whole);
  }
}
