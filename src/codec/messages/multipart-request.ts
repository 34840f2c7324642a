/** MULTIPART_REQUEST bodies (OpenFlow 1.3.5 section 7.3.5). */
import { assertNever } from '../actions.js';
import { fail, OFPERR } from '../errors.js';
import { type Match, readMatch, writeMatch } from '../match.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { readTableFeatures, type TableFeatures, writeTableFeatures } from './table-features.js';

export const MultipartType = {
  DESC: 0,
  FLOW: 1,
  AGGREGATE: 2,
  TABLE: 3,
  PORT_STATS: 4,
  QUEUE: 5,
  GROUP: 6,
  GROUP_DESC: 7,
  GROUP_FEATURES: 8,
  METER: 9,
  METER_CONFIG: 10,
  METER_FEATURES: 11,
  TABLE_FEATURES: 12,
  PORT_DESC: 13,
  EXPERIMENTER: 0xffff,
} as const;

export type MultipartKind =
  | 'desc'
  | 'flow'
  | 'aggregate'
  | 'table'
  | 'port_stats'
  | 'queue'
  | 'group'
  | 'group_desc'
  | 'group_features'
  | 'meter'
  | 'meter_config'
  | 'meter_features'
  | 'table_features'
  | 'port_desc'
  | 'experimenter';

export const MULTIPART_KINDS: readonly MultipartKind[] = [
  'desc',
  'flow',
  'aggregate',
  'table',
  'port_stats',
  'queue',
  'group',
  'group_desc',
  'group_features',
  'meter',
  'meter_config',
  'meter_features',
  'table_features',
  'port_desc',
];

export function multipartKind(code: number): MultipartKind | undefined {
  return code === 0xffff ? 'experimenter' : MULTIPART_KINDS[code];
}

export function multipartCode(kind: MultipartKind): number {
  return kind === 'experimenter' ? 0xffff : MULTIPART_KINDS.indexOf(kind);
}

/** Flow and aggregate requests share one layout. */
export interface FlowStatsFilter {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: Match;
}

export type MultipartRequestBody =
  | {
      readonly kind:
        | 'desc'
        | 'table'
        | 'group_desc'
        | 'group_features'
        | 'meter_features'
        | 'port_desc';
    }
  | ({ readonly kind: 'flow' | 'aggregate' } & FlowStatsFilter)
  | { readonly kind: 'port_stats'; readonly portNo: number }
  | { readonly kind: 'queue'; readonly portNo: number; readonly queueId: number }
  | { readonly kind: 'group'; readonly groupId: number }
  | { readonly kind: 'meter' | 'meter_config'; readonly meterId: number }
  | { readonly kind: 'table_features'; readonly tables: readonly TableFeatures[] }
  | {
      readonly kind: 'experimenter';
      readonly experimenter: number;
      readonly expType: number;
      readonly data: Uint8Array;
    };

export interface MultipartRequest {
  readonly type: 'multipart_request';
  readonly xid: number;
  /** OFPMPF_REQ_MORE = 1. */
  readonly flags: number;
  readonly body: MultipartRequestBody;
}

function readFilter(r: Reader): FlowStatsFilter {
  const tableId = r.u8();
  r.skip(3);
  const outPort = r.u32();
  const outGroup = r.u32();
  r.skip(4);
  const cookie = r.u64();
  const cookieMask = r.u64();
  return { tableId, outPort, outGroup, cookie, cookieMask, match: readMatch(r) };
}

function writeFilter(w: Writer, f: FlowStatsFilter): void {
  w.u8(f.tableId);
  w.zeros(3);
  w.u32(f.outPort);
  w.u32(f.outGroup);
  w.zeros(4);
  w.u64(f.cookie);
  w.u64(f.cookieMask);
  writeMatch(w, f.match);
}

const noBody = (r: Reader, kind: MultipartKind) => {
  if (r.remaining !== 0)
    fail(OFPERR.OFPBRC_BAD_LEN, `${kind} request has a ${r.remaining}-byte body, expected none`);
};

export function decodeMultipartRequest(r: Reader, xid: number): MultipartRequest {
  const code = r.u16();
  const flags = r.u16();
  r.skip(4);
  const kind = multipartKind(code);
  if (!kind) return fail(OFPERR.OFPBRC_BAD_MULTIPART, `unknown multipart type ${code}`);
  const body = ((): MultipartRequestBody => {
    switch (kind) {
      case 'desc':
      case 'table':
      case 'group_desc':
      case 'group_features':
      case 'meter_features':
      case 'port_desc':
        noBody(r, kind);
        return { kind };
      case 'flow':
      case 'aggregate':
        return { kind, ...readFilter(r) };
      case 'port_stats': {
        const portNo = r.u32();
        r.skip(4);
        return { kind, portNo };
      }
      case 'queue':
        return { kind, portNo: r.u32(), queueId: r.u32() };
      case 'group': {
        const groupId = r.u32();
        r.skip(4);
        return { kind, groupId };
      }
      case 'meter':
      case 'meter_config': {
        const meterId = r.u32();
        r.skip(4);
        return { kind, meterId };
      }
      case 'table_features':
        return { kind, tables: readTableFeatures(r) };
      case 'experimenter':
        return { kind, experimenter: r.u32(), expType: r.u32(), data: r.rest() };
      default:
        return assertNever(kind);
    }
  })();
  if (r.remaining !== 0)
    fail(OFPERR.OFPBRC_BAD_LEN, `${kind} request has ${r.remaining} trailing bytes`);
  return { type: 'multipart_request', xid, flags, body };
}

export function encodeMultipartRequest(w: Writer, m: MultipartRequest): void {
  const b = m.body;
  w.u16(multipartCode(b.kind));
  w.u16(m.flags);
  w.zeros(4);
  switch (b.kind) {
    case 'desc':
    case 'table':
    case 'group_desc':
    case 'group_features':
    case 'meter_features':
    case 'port_desc':
      return;
    case 'flow':
    case 'aggregate':
      return writeFilter(w, b);
    case 'port_stats':
      w.u32(b.portNo);
      return w.zeros(4);
    case 'queue':
      w.u32(b.portNo);
      return w.u32(b.queueId);
    case 'group':
      w.u32(b.groupId);
      return w.zeros(4);
    case 'meter':
    case 'meter_config':
      w.u32(b.meterId);
      return w.zeros(4);
    case 'table_features':
      return writeTableFeatures(w, b.tables);
    case 'experimenter':
      w.u32(b.experimenter);
      w.u32(b.expType);
      return w.bytes(b.data);
    default:
      return assertNever(b);
  }
}
