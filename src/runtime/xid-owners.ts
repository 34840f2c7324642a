/**
 * Which app sent a recent message, by xid: a fixed ring indexed by the xid's low bits,
 * so that an OFPT_ERROR about a fire-and-forget message reaches the app that sent it.
 * Writing costs two array stores per message and nothing is allocated; an xid evicted
 * by a later one with the same low bits (4096 sends later) reads as unknown (-1).
 */

/** How many recent xids are remembered. */
const RING = 4096;

export class XidOwners {
  private readonly xids = new Uint32Array(RING);
  private readonly owners = new Int16Array(RING).fill(-1);

  /** Records that `owner` (an app index, or -1 for the runtime) sent `xid`. */
  remember(xid: number, owner: number): void {
    const slot = xid & (RING - 1);
    this.xids[slot] = xid;
    this.owners[slot] = owner;
  }

  /** The app index that sent `xid`, or -1 when it was the runtime or is forgotten. */
  ownerOf(xid: number): number {
    const slot = xid & (RING - 1);
    return this.xids[slot] === xid ? this.owners[slot]! : -1;
  }
}
