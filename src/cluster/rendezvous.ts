/**
 * Rendezvous (highest random weight) hashing: for each datapath every member gets a
 * pseudo-random weight from (member, dpid) and the heaviest one is the datapath's
 * preferred master. Every controller computes the same answer from the same member set,
 * with no coordination; a member that joins becomes preferred for about 1/N of the
 * datapaths and takes only those, and one that leaves hands over only its own.
 */
import { createHash } from 'node:crypto';

/** The weight of `member` for `dpid`: the first 48 bits of SHA-256(member NUL dpid). */
export function weight(member: string, dpid: string): number {
  const h = createHash('sha256').update(member).update('\0').update(dpid).digest();
  return h.readUIntBE(0, 6);
}

/** The member with the highest weight for `dpid` (ties: the smaller name), or undefined. */
export function preferred(members: Iterable<string>, dpid: string): string | undefined {
  let best: string | undefined;
  let bestW = -1;
  for (const m of members) {
    const w = weight(m, dpid);
    if (w > bestW || (w === bestW && best !== undefined && m < best)) {
      best = m;
      bestW = w;
    }
  }
  return best;
}

/** `members` ordered from the most to the least preferred for `dpid`. */
export function ranking(members: Iterable<string>, dpid: string): string[] {
  return [...members]
    .map((m) => ({ m, w: weight(m, dpid) }))
    .sort((a, b) => b.w - a.w || (a.m < b.m ? -1 : 1))
    .map((x) => x.m);
}
