/**
 * Maps the codec's structures (OXM, match, actions, instructions, ports, buckets, bands,
 * queues, table features) to the JSON shape os-ken's `to_jsondict()` gives them, so a
 * decoded fixture can be compared with os-ken's own reading of the same bytes.
 * Lengths are computed by encoding the part again; fields os-ken does not interpret
 * either (Nicira actions, NXM match fields) are compared by presence and identity only.
 */
import {
  type Action,
  type Bucket,
  type Instruction,
  type Match,
  type MeterBand,
  OXM_FIELDS,
  type OxmEntry,
  oxmSize,
  type PacketQueue,
  type Port,
  type TableFeatureProp,
  type TableFeatures,
  Writer,
  writeAction,
  writeActions,
  writeBuckets,
  writeInstruction,
  writeMeterBands,
  writeQueues,
  writeTableFeatures,
} from '../../../src/codec/index.js';
import { Check, type Shape } from './shape-compare.js';

const NICIRA = 0x2320;
export const ONF = 0x4f4e4600;

export function sizeOf(write: (w: Writer) => void): number {
  const w = new Writer(64);
  write(w);
  return w.pos;
}

export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export function macText(v: number | bigint): string {
  const hex = Number(v).toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

function ipv4Text(v: number | bigint): string {
  const n = Number(v);
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run (>= 2) of zero groups as `::`. */
function ipv6Text(v: number | bigint): string {
  const x = BigInt(v);
  const groups = Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Latin-1 string from the codec -> the UTF-8 text os-ken decodes the same bytes to. */
export const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

const MAC_FIELDS = new Set([
  'eth_dst',
  'eth_src',
  'arp_sha',
  'arp_tha',
  'ipv6_nd_sll',
  'ipv6_nd_tll',
]);
const IPV4_FIELDS = new Set(['ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa']);
const IPV6_FIELDS = new Set(['ipv6_src', 'ipv6_dst', 'ipv6_nd_target']);

function oxmValue(field: string, v: number | bigint): Shape {
  if (MAC_FIELDS.has(field)) return macText(v);
  if (IPV4_FIELDS.has(field)) return ipv4Text(v);
  if (IPV6_FIELDS.has(field)) return ipv6Text(v);
  return v;
}

function oxmShape(e: OxmEntry): Shape {
  if (e.field === 'raw') {
    // A field of another class (NXM registers, conntrack state, ...) or a later basic
    // field: os-ken names it; we only check it is not one of ours and agree on the mask.
    const desc = `non-basic OXM class 0x${e.oxmClass.toString(16)} field ${e.oxmField}`;
    return {
      OXMTlv: new Check(desc, (t) => {
        const o = t as { field: string; mask: unknown };
        return !BASIC_NAMES.has(o.field) && (o.mask !== null) === e.hasMask;
      }),
    };
  }
  return {
    OXMTlv: {
      field: e.field,
      value: oxmValue(e.field, e.value),
      mask: e.mask === undefined ? null : oxmValue(e.field, e.mask),
    },
  };
}

const BASIC_NAMES: ReadonlySet<string> = new Set(OXM_FIELDS.map((f) => f.name));

export function matchShape(m: Match): Shape {
  const length = 4 + m.reduce((n, e) => n + oxmSize(e), 0);
  return { OFPMatch: { type: 1, length, oxm_fields: m.map(oxmShape) } };
}

const ACTION_CLASS: Record<string, string> = {
  copy_ttl_out: 'OFPActionCopyTtlOut',
  copy_ttl_in: 'OFPActionCopyTtlIn',
  dec_mpls_ttl: 'OFPActionDecMplsTtl',
  pop_vlan: 'OFPActionPopVlan',
  dec_nw_ttl: 'OFPActionDecNwTtl',
  pop_pbb: 'OFPActionPopPbb',
  push_vlan: 'OFPActionPushVlan',
  push_mpls: 'OFPActionPushMpls',
  pop_mpls: 'OFPActionPopMpls',
  push_pbb: 'OFPActionPushPbb',
};

function actionShape(a: Action): Shape {
  const head = { type: codeOfAction(a), len: sizeOf((w) => writeAction(w, a)) };
  switch (a.type) {
    case 'output':
      return { OFPActionOutput: { ...head, port: a.port, max_len: a.maxLen } };
    case 'set_mpls_ttl':
      return { OFPActionSetMplsTtl: { ...head, mpls_ttl: a.ttl } };
    case 'set_nw_ttl':
      return { OFPActionSetNwTtl: { ...head, nw_ttl: a.ttl } };
    case 'set_queue':
      return { OFPActionSetQueue: { ...head, queue_id: a.queueId } };
    case 'group':
      return { OFPActionGroup: { ...head, group_id: a.groupId } };
    case 'set_field':
      return { OFPActionSetField: { ...head, field: oxmShape(a.field) } };
    case 'push_vlan':
    case 'push_mpls':
    case 'pop_mpls':
    case 'push_pbb':
      return { [ACTION_CLASS[a.type]!]: { ...head, ethertype: a.ethertype } };
    case 'experimenter': {
      if (a.experimenter === NICIRA || a.experimenter === ONF) {
        // Nicira/ONF extension: os-ken decodes it (NXAction*); we keep bytes. Same
        // vendor and subtype, and for an unknown subtype the same remaining bytes.
        const subtype = a.data.length >= 2 ? (a.data[0]! << 8) | a.data[1]! : -1;
        return {
          'NXAction*': {
            ...head,
            experimenter: a.experimenter,
            subtype,
            data: new Check(
              'NXActionUnknown data (bytes after the subtype), when os-ken has it',
              (t) => t === undefined || t === b64(a.data.subarray(2)),
            ),
          },
        };
      }
      return {
        OFPActionExperimenterUnknown: { ...head, experimenter: a.experimenter, data: b64(a.data) },
      };
    }
    default:
      return { [ACTION_CLASS[a.type]!]: head };
  }
}

function codeOfAction(a: Action): number {
  const w = new Writer(64);
  writeAction(w, a);
  return w.buf.readUInt16BE(0);
}

export const actionsShape = (list: readonly Action[]): Shape[] => list.map(actionShape);

export function instructionShape(ins: Instruction): Shape {
  const w = new Writer(64);
  writeInstruction(w, ins);
  const head = { type: w.buf.readUInt16BE(0), len: w.pos };
  switch (ins.type) {
    case 'goto_table':
      return { OFPInstructionGotoTable: { ...head, table_id: ins.tableId } };
    case 'write_metadata':
      return {
        OFPInstructionWriteMetadata: { ...head, metadata: ins.metadata, metadata_mask: ins.mask },
      };
    case 'write_actions':
    case 'apply_actions':
      return { OFPInstructionActions: { ...head, actions: actionsShape(ins.actions) } };
    case 'clear_actions':
      return { OFPInstructionActions: { ...head, actions: [] } };
    case 'meter':
      return { OFPInstructionMeter: { ...head, meter_id: ins.meterId } };
    case 'experimenter':
      return { 'OFPInstruction*': { ...head, experimenter: ins.experimenter } };
  }
}

export function portShape(p: Port): Shape {
  return {
    OFPPort: {
      port_no: p.portNo,
      hw_addr: macText(p.hwAddr),
      name: utf8(p.name),
      config: p.config,
      state: p.state,
      curr: p.curr,
      advertised: p.advertised,
      supported: p.supported,
      peer: p.peer,
      curr_speed: p.currSpeed,
      max_speed: p.maxSpeed,
    },
  };
}

export const bucketLen = (b: Bucket): number => sizeOf((w) => writeBuckets(w, [b]));
export const bandLen = (b: MeterBand): number => sizeOf((w) => writeMeterBands(w, [b]));

export function bucketShape(b: Bucket): Shape {
  return {
    OFPBucket: {
      len: bucketLen(b),
      weight: b.weight,
      watch_port: b.watchPort,
      watch_group: b.watchGroup,
      actions: actionsShape(b.actions),
    },
  };
}

export function bandShape(b: MeterBand): Shape {
  const head = {
    type: b.type === 'drop' ? 1 : b.type === 'dscp_remark' ? 2 : 0xffff,
    len: bandLen(b),
    rate: b.rate,
    burst_size: b.burstSize,
  };
  if (b.type === 'drop') return { OFPMeterBandDrop: head };
  if (b.type === 'dscp_remark')
    return { OFPMeterBandDscpRemark: { ...head, prec_level: b.precLevel } };
  return { OFPMeterBandExperimenter: { ...head, experimenter: b.experimenter } };
}

export function queueShape(q: PacketQueue): Shape {
  return {
    OFPPacketQueue: {
      queue_id: q.queueId,
      port: q.port,
      len: sizeOf((w) => writeQueues(w, [q])),
      properties: q.properties.map((p): Shape => {
        switch (p.type) {
          case 'min_rate':
            return { OFPQueuePropMinRate: { property: 1, len: 16, rate: p.rate } };
          case 'max_rate':
            return { OFPQueuePropMaxRate: { property: 2, len: 16, rate: p.rate } };
          case 'experimenter':
            return {
              OFPQueuePropExperimenter: {
                property: 0xffff,
                len: 16 + p.data.length,
                experimenter: p.experimenter,
                data: [...p.data],
              },
            };
          default:
            return { 'OFPQueueProp*': { property: p.property, len: 8 + p.data.length } };
        }
      }),
    },
  };
}

const PROP_CODES: Record<TableFeatureProp['type'], number> = {
  instructions: 0,
  instructions_miss: 1,
  next_tables: 2,
  next_tables_miss: 3,
  write_actions: 4,
  write_actions_miss: 5,
  apply_actions: 6,
  apply_actions_miss: 7,
  match: 8,
  wildcards: 10,
  write_setfield: 12,
  write_setfield_miss: 13,
  apply_setfield: 14,
  apply_setfield_miss: 15,
  experimenter: 0xfffe,
  experimenter_miss: 0xffff,
};

const OXM_NAMES_BY_CODE: readonly string[] = OXM_FIELDS.map((f) => f.name);

function propShape(p: TableFeatureProp): Shape {
  const head = { type: PROP_CODES[p.type] };
  switch (p.type) {
    case 'instructions':
    case 'instructions_miss':
      return {
        OFPTableFeaturePropInstructions: {
          ...head,
          length: 4 + p.ids.reduce((n, id) => n + 4 + (id.extra?.length ?? 0), 0),
          instruction_ids: p.ids.map((id) => ({
            OFPInstructionId: { type: id.type, len: 4 + (id.extra?.length ?? 0) },
          })),
        },
      };
    case 'write_actions':
    case 'write_actions_miss':
    case 'apply_actions':
    case 'apply_actions_miss':
      return {
        OFPTableFeaturePropActions: {
          ...head,
          length: 4 + p.ids.reduce((n, id) => n + 4 + (id.extra?.length ?? 0), 0),
          action_ids: p.ids.map((id) => ({
            OFPActionId: { type: id.type, len: 4 + (id.extra?.length ?? 0) },
          })),
        },
      };
    case 'next_tables':
    case 'next_tables_miss':
      return {
        OFPTableFeaturePropNextTables: {
          ...head,
          length: 4 + p.tableIds.length,
          table_ids: [...p.tableIds],
        },
      };
    case 'experimenter':
    case 'experimenter_miss': {
      const words: number[] = [];
      for (let i = 0; i + 4 <= p.data.length; i += 4) {
        words.push(Buffer.from(p.data).readUInt32BE(i));
      }
      return {
        OFPTableFeaturePropExperimenter: {
          ...head,
          length: 12 + p.data.length,
          experimenter: p.experimenter,
          exp_type: p.expType,
          data: words,
        },
      };
    }
    default:
      return {
        OFPTableFeaturePropOxm: {
          ...head,
          length: 4 + p.oxmIds.reduce((n, id) => n + (id.experimenter === undefined ? 4 : 8), 0),
          oxm_ids: p.oxmIds.map((id): Shape => {
            const basic = id.header >>> 16 === 0x8000;
            const name = basic ? OXM_NAMES_BY_CODE[(id.header >>> 9) & 0x7f] : undefined;
            return {
              OFPOxmId: {
                type: name ?? new Check('a non-basic OXM name', (t) => !BASIC_NAMES.has(String(t))),
                hasmask: (id.header >>> 8) & 1,
                length: id.header & 0xff,
              },
            };
          }),
        },
      };
  }
}

export function tableFeaturesShape(t: TableFeatures): Shape {
  return {
    OFPTableFeaturesStats: {
      length: sizeOf((w) => writeTableFeatures(w, [t])),
      table_id: t.tableId,
      name: utf8(t.name),
      metadata_match: t.metadataMatch,
      metadata_write: t.metadataWrite,
      config: t.config,
      max_entries: t.maxEntries,
      properties: t.properties.map(propShape),
    },
  };
}

export const actionsLen = (list: readonly Action[]): number => sizeOf((w) => writeActions(w, list));
