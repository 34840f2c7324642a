/** MULTIPART_REPLY body types (OpenFlow 1.3.5 section 7.3.5): what each reply carries. */
import type { Instruction } from '../instructions.js';
import type { Match } from '../match.js';
import type { Bucket, MeterBand, Port } from './structs.js';
import type { TableFeatures } from './table-features.js';

export interface Desc {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}

export interface FlowStats {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
}

export interface TableStats {
  readonly tableId: number;
  readonly activeCount: number;
  readonly lookupCount: bigint;
  readonly matchedCount: bigint;
}

export interface PortStats {
  readonly portNo: number;
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface QueueStats {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
  readonly txErrors: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface GroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bucketStats: readonly { readonly packetCount: bigint; readonly byteCount: bigint }[];
}

export interface GroupDesc {
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface GroupFeatures {
  readonly types: number;
  readonly capabilities: number;
  readonly maxGroups: readonly [number, number, number, number];
  readonly actions: readonly [number, number, number, number];
}

export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bandStats: readonly {
    readonly packetBandCount: bigint;
    readonly byteBandCount: bigint;
  }[];
}

export interface MeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export interface MeterFeatures {
  readonly maxMeter: number;
  readonly bandTypes: number;
  readonly capabilities: number;
  readonly maxBands: number;
  readonly maxColor: number;
}

export type MultipartReplyBody =
  | { readonly kind: 'desc'; readonly desc: Desc }
  | { readonly kind: 'flow'; readonly flows: readonly FlowStats[] }
  | {
      readonly kind: 'aggregate';
      readonly packetCount: bigint;
      readonly byteCount: bigint;
      readonly flowCount: number;
    }
  | { readonly kind: 'table'; readonly tables: readonly TableStats[] }
  | { readonly kind: 'port_stats'; readonly ports: readonly PortStats[] }
  | { readonly kind: 'queue'; readonly queues: readonly QueueStats[] }
  | { readonly kind: 'group'; readonly groups: readonly GroupStats[] }
  | { readonly kind: 'group_desc'; readonly groups: readonly GroupDesc[] }
  | { readonly kind: 'group_features'; readonly features: GroupFeatures }
  | { readonly kind: 'meter'; readonly meters: readonly MeterStats[] }
  | { readonly kind: 'meter_config'; readonly meters: readonly MeterConfig[] }
  | { readonly kind: 'meter_features'; readonly features: MeterFeatures }
  | { readonly kind: 'table_features'; readonly tables: readonly TableFeatures[] }
  | { readonly kind: 'port_desc'; readonly ports: readonly Port[] }
  | {
      readonly kind: 'experimenter';
      readonly experimenter: number;
      readonly expType: number;
      readonly data: Uint8Array;
    };

export interface MultipartReply {
  readonly type: 'multipart_reply';
  readonly xid: number;
  /** OFPMPF_REPLY_MORE = 1. */
  readonly flags: number;
  readonly body: MultipartReplyBody;
}
