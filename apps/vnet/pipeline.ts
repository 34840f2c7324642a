/**
 * The vnet pipeline, described as data: four tables, what each matches, what a miss
 * does, and the cookies that mark every flow the app installs (so `dump-flows
 * cookie=C/M` picks out one kind, and drop counters stand apart).
 *
 *   table 0 ingress   in_port + tag/tun_id -> push the network's internal VLAN, goto 1
 *                     anything else on a configured port: drop (per-port counter)
 *   table 1 learn     in_port + vlan + eth_src known -> goto 2
 *                     miss: copy to the controller (learn) and goto 2
 *   table 2 forward   vlan + eth_dst learned -> egress to that port
 *                     miss: goto 3
 *   table 3 flood     in_port + vlan -> egress to every other member of the network
 *                     (never back to in_port; tunnel to tunnel never: split horizon)
 *
 * Inside the pipeline every frame carries its network's VLAN tag; egress pops it on
 * access ports and native trunk VLANs, keeps it on trunks, and turns it into tun_id on
 * tunnels.
 */

export const TABLE = { INGRESS: 0, LEARN: 1, FORWARD: 2, FLOOD: 3 } as const;

export interface TableSpec {
  readonly id: number;
  readonly name: string;
  /** What the table-miss flow does. */
  readonly miss: 'drop' | 'learn-and-continue' | 'continue';
  readonly matches: readonly string[];
}

export const PIPELINE: readonly TableSpec[] = [
  { id: TABLE.INGRESS, name: 'ingress', miss: 'drop', matches: ['in_port', 'vlan_vid', 'tun_id'] },
  {
    id: TABLE.LEARN,
    name: 'learn',
    miss: 'learn-and-continue',
    matches: ['in_port', 'vlan_vid', 'eth_src'],
  },
  { id: TABLE.FORWARD, name: 'forward', miss: 'continue', matches: ['vlan_vid', 'eth_dst'] },
  { id: TABLE.FLOOD, name: 'flood', miss: 'drop', matches: ['in_port', 'vlan_vid'] },
];

/** Priorities, per table. */
export const PRIORITY = {
  /** Classification, learned entries, flood entries. */
  MATCH: 100,
  /** Per-port drop in the ingress table (below every classification flow of the port). */
  PORT_DROP: 10,
  MISS: 0,
} as const;

/**
 * Cookies: 0x564e ("VN") in the top 16 bits, the kind in bits 47..40, detail in the low
 * 32 bits (a port number, a VLAN, or 0xffff0000 + table id for a table-miss drop).
 */
export const COOKIE_APP = 0x564en << 48n;
export const COOKIE_KIND_MASK = 0xffffff0000000000n;

export const CookieKind = {
  /** Table-0 classification of a port (detail: port number). */
  INGRESS: 0x01,
  /** Table-miss plumbing: learn miss, forward miss (detail: table id). */
  MISS: 0x02,
  /** Flood entries (detail: VLAN). */
  FLOOD: 0x03,
  /** Explicit drops (detail: port number, or 0xffff0000 + table id for a table miss). */
  DROP: 0x0d,
  /** Learned MACs (detail: VLAN). */
  LEARNED: 0x1e,
} as const;

export type CookieKindValue = (typeof CookieKind)[keyof typeof CookieKind];

export function cookie(kind: CookieKindValue, detail: number): bigint {
  return COOKIE_APP | (BigInt(kind) << 40n) | BigInt(detail >>> 0);
}

/** Cookie of a table-miss drop in `table`. */
export function missDropCookie(table: number): bigint {
  return cookie(CookieKind.DROP, 0xffff0000 + table);
}

/** The kind of a vnet cookie, or undefined when the cookie is not ours. */
export function cookieKind(c: bigint): number | undefined {
  if ((c & (0xffffn << 48n)) !== COOKIE_APP) return undefined;
  return Number((c >> 40n) & 0xffn);
}

/** The kind part of a cookie, for `cookie=C/COOKIE_KIND_MASK` selections. */
export function kindCookie(kind: CookieKindValue): bigint {
  return cookie(kind, 0);
}
