/**
 * The group table (OpenFlow 1.3.5 section 5.6) and GROUP_MOD (section 7.3.4.2) with the
 * errors a switch answers: bad command or type, group exists / unknown, invalid group id,
 * an indirect group without exactly one bucket, weights outside select groups, a
 * fast-failover bucket watching nothing, bad bucket actions, and loops through chained
 * groups. Executing buckets is execute.ts's job; this file holds state and counters.
 */
import {
  type Bucket,
  type GroupDesc,
  type GroupFeatures,
  type GroupMod,
  type GroupStats,
  OFPERR,
  OFPG_ALL,
  OFPG_ANY,
  OFPG_MAX,
  OFPP,
  type OfpError,
  ofpError,
} from '../codec/index.js';
import { checkActions } from './action-check.js';
import type { CheckContext } from './action-facts.js';
import { OFPP_MAX } from './ports.js';

export const GroupType = { ALL: 0, SELECT: 1, INDIRECT: 2, FF: 3 } as const;
export const GroupModCommand = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;

export class GroupEntry {
  packetCount = 0;
  byteCount = 0;
  bucketPackets: number[];
  bucketBytes: number[];

  constructor(
    readonly groupId: number,
    public groupType: number,
    public buckets: readonly Bucket[],
    readonly installedAt: number,
  ) {
    this.bucketPackets = buckets.map(() => 0);
    this.bucketBytes = buckets.map(() => 0);
  }

  /** Groups this group's buckets send to. */
  chained(): number[] {
    return this.buckets.flatMap((b) =>
      b.actions.flatMap((a) => (a.type === 'group' ? [a.groupId] : [])),
    );
  }
}

export interface GroupModOutcome {
  readonly error?: OfpError;
  /** Groups that GROUP_MOD deleted (their flows go too, reason GROUP_DELETE). */
  readonly deleted: readonly number[];
}

export class GroupTable {
  private readonly groups = new Map<number, GroupEntry>();

  constructor(private readonly maxGroups = 0xffffff00) {}

  get(groupId: number): GroupEntry | undefined {
    return this.groups.get(groupId);
  }

  has(groupId: number): boolean {
    return this.groups.has(groupId);
  }

  list(): GroupEntry[] {
    return [...this.groups.values()].sort((a, b) => a.groupId - b.groupId);
  }

  /** Applies a GROUP_MOD at time `now`; `ctx` checks bucket actions. */
  apply(gm: GroupMod, ctx: CheckContext, now: number): GroupModOutcome {
    const none: readonly number[] = [];
    if (gm.command === GroupModCommand.DELETE) return { deleted: this.delete(gm.groupId) };
    if (gm.command !== GroupModCommand.ADD && gm.command !== GroupModCommand.MODIFY) {
      return {
        error: ofpError(OFPERR.OFPGMFC_BAD_COMMAND, `group_mod command ${gm.command}`),
        deleted: none,
      };
    }
    if (gm.groupId > OFPG_MAX) {
      return {
        error: ofpError(
          OFPERR.OFPGMFC_INVALID_GROUP,
          `group id 0x${gm.groupId.toString(16)} is reserved`,
        ),
        deleted: none,
      };
    }
    const exists = this.groups.has(gm.groupId);
    if (gm.command === GroupModCommand.ADD && exists) {
      return {
        error: ofpError(OFPERR.OFPGMFC_GROUP_EXISTS, `group ${gm.groupId} exists`),
        deleted: none,
      };
    }
    if (gm.command === GroupModCommand.MODIFY && !exists) {
      return {
        error: ofpError(OFPERR.OFPGMFC_UNKNOWN_GROUP, `group ${gm.groupId} does not exist`),
        deleted: none,
      };
    }
    if (gm.command === GroupModCommand.ADD && this.groups.size >= this.maxGroups) {
      return {
        error: ofpError(OFPERR.OFPGMFC_OUT_OF_GROUPS, 'group table is full'),
        deleted: none,
      };
    }
    const e = this.check(gm, ctx);
    if (e) return { error: e, deleted: none };
    const old = this.groups.get(gm.groupId);
    const entry = new GroupEntry(gm.groupId, gm.groupType, gm.buckets, old?.installedAt ?? now);
    if (old) {
      entry.packetCount = old.packetCount;
      entry.byteCount = old.byteCount;
    }
    this.groups.set(gm.groupId, entry);
    return { deleted: none };
  }

  private check(gm: GroupMod, ctx: CheckContext): OfpError | undefined {
    if (gm.groupType > GroupType.FF)
      return ofpError(OFPERR.OFPGMFC_BAD_TYPE, `group type ${gm.groupType}`);
    if (gm.groupType === GroupType.INDIRECT && gm.buckets.length !== 1) {
      return ofpError(
        OFPERR.OFPGMFC_INVALID_GROUP,
        `indirect group with ${gm.buckets.length} buckets`,
      );
    }
    for (const b of gm.buckets) {
      if (b.weight !== 0 && gm.groupType !== GroupType.SELECT) {
        return ofpError(OFPERR.OFPGMFC_INVALID_GROUP, 'bucket weight outside a select group');
      }
      if (gm.groupType === GroupType.FF) {
        if (b.watchPort === OFPP.ANY && b.watchGroup === OFPG_ANY) {
          return ofpError(
            OFPERR.OFPGMFC_BAD_WATCH,
            'fast-failover bucket watches neither a port nor a group',
          );
        }
        if (b.watchPort !== OFPP.ANY && !(b.watchPort >= 1 && b.watchPort <= OFPP_MAX)) {
          return ofpError(OFPERR.OFPGMFC_BAD_WATCH, `watch port 0x${b.watchPort.toString(16)}`);
        }
        if (b.watchGroup !== OFPG_ANY && !this.groups.has(b.watchGroup)) {
          return ofpError(OFPERR.OFPGMFC_BAD_WATCH, `watch group ${b.watchGroup} does not exist`);
        }
      }
      const e = checkActions(b.actions, ctx, { facts: undefined });
      if (e) return e;
    }
    const next = gm.buckets.flatMap((b) =>
      b.actions.flatMap((a) => (a.type === 'group' ? [a.groupId] : [])),
    );
    if (this.reaches(next, gm.groupId))
      return ofpError(OFPERR.OFPGMFC_LOOP, `group ${gm.groupId} would chain to itself`);
    return undefined;
  }

  /** Whether following group actions from `start` ever reaches `target`. */
  private reaches(start: readonly number[], target: number): boolean {
    const seen = new Set<number>();
    const todo = [...start];
    while (todo.length > 0) {
      const g = todo.pop()!;
      if (g === target) return true;
      if (seen.has(g)) continue;
      seen.add(g);
      todo.push(...(this.groups.get(g)?.chained() ?? []));
    }
    return false;
  }

  private delete(groupId: number): number[] {
    if (groupId === OFPG_ALL) {
      const all = [...this.groups.keys()];
      this.groups.clear();
      return all;
    }
    if (!this.groups.delete(groupId)) return [];
    // Buckets of other groups that sent here now send nowhere (OVS does the same).
    return [groupId];
  }

  stats(groupId: number, now: number, refCount: (g: number) => number): GroupStats[] {
    const list =
      groupId === OFPG_ALL
        ? this.list()
        : [this.groups.get(groupId)].flatMap((g) => (g ? [g] : []));
    return list.map((g) => {
      const ms = Math.max(0, now - g.installedAt);
      const durationSec = Math.floor(ms / 1000);
      return {
        groupId: g.groupId,
        refCount: refCount(g.groupId),
        packetCount: BigInt(g.packetCount),
        byteCount: BigInt(g.byteCount),
        durationSec,
        durationNsec: Math.round((ms - durationSec * 1000) * 1e6),
        bucketStats: g.buckets.map((_, i) => ({
          packetCount: BigInt(g.bucketPackets[i]!),
          byteCount: BigInt(g.bucketBytes[i]!),
        })),
      };
    });
  }

  desc(): GroupDesc[] {
    return this.list().map((g) => ({
      groupType: g.groupType,
      groupId: g.groupId,
      buckets: g.buckets,
    }));
  }

  features(): GroupFeatures {
    // Every standard action (types 0, 11..27) in every group type.
    let actions = 1;
    for (let t = 11; t <= 27; t++) actions |= 1 << t;
    const max = Math.min(this.maxGroups, 0xffffff00);
    return {
      types: 0b1111,
      capabilities: 0b0111,
      maxGroups: [max, max, max, max],
      actions: [actions >>> 0, actions >>> 0, actions >>> 0, actions >>> 0],
    };
  }
}
