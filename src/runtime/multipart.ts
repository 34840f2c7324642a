/**
 * Multipart reply reassembly (OpenFlow 1.3.5 section 7.3.5): a reply may arrive as
 * several OFPT_MULTIPART_REPLY messages with OFPMPF_REPLY_MORE set on all but the last.
 * The parts are merged into one body of the same kind: list bodies are concatenated,
 * experimenter payloads joined, single-record bodies (desc, aggregate, features) must
 * come as one part and the last one wins.
 */
import { assertNever, type MultipartReplyBody } from '../codec/index.js';

export { OFPMPF_REPLY_MORE } from '../codec/index.js';

/** Merges the parts of one multipart reply, in arrival order. `parts` is not empty. */
export function mergeMultipart(parts: readonly MultipartReplyBody[]): MultipartReplyBody {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const kind = first.kind;
  const all = <T>(pick: (b: MultipartReplyBody) => readonly T[] | undefined): T[] =>
    parts.flatMap((b) => (b.kind === kind ? (pick(b) ?? []) : []));
  switch (first.kind) {
    case 'flow':
      return { kind: first.kind, flows: all((b) => (b.kind === 'flow' ? b.flows : undefined)) };
    case 'table':
      return { kind: first.kind, tables: all((b) => (b.kind === 'table' ? b.tables : undefined)) };
    case 'port_stats':
      return {
        kind: first.kind,
        ports: all((b) => (b.kind === 'port_stats' ? b.ports : undefined)),
      };
    case 'queue':
      return { kind: first.kind, queues: all((b) => (b.kind === 'queue' ? b.queues : undefined)) };
    case 'group':
      return { kind: first.kind, groups: all((b) => (b.kind === 'group' ? b.groups : undefined)) };
    case 'group_desc':
      return {
        kind: first.kind,
        groups: all((b) => (b.kind === 'group_desc' ? b.groups : undefined)),
      };
    case 'meter':
      return { kind: first.kind, meters: all((b) => (b.kind === 'meter' ? b.meters : undefined)) };
    case 'meter_config':
      return {
        kind: first.kind,
        meters: all((b) => (b.kind === 'meter_config' ? b.meters : undefined)),
      };
    case 'table_features':
      return {
        kind: first.kind,
        tables: all((b) => (b.kind === 'table_features' ? b.tables : undefined)),
      };
    case 'port_desc':
      return {
        kind: first.kind,
        ports: all((b) => (b.kind === 'port_desc' ? b.ports : undefined)),
      };
    case 'experimenter':
      return {
        ...first,
        data: Buffer.concat(all((b) => (b.kind === 'experimenter' ? [b.data] : undefined))),
      };
    case 'desc':
    case 'aggregate':
    case 'group_features':
    case 'meter_features':
      return parts[parts.length - 1]!;
    default:
      return assertNever(first);
  }
}
