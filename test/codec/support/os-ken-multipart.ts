/**
 * The os-ken JSON shape of MULTIPART_REQUEST and MULTIPART_REPLY, one class per body
 * (`OFPFlowStatsReply`, `OFPPortDescStatsRequest`, ...): see os-ken-shape.ts.
 */
import {
  type MultipartReply,
  type MultipartRequest,
  writeFlowStats,
} from '../../../src/codec/index.js';
import {
  b64,
  bandLen,
  bandShape,
  bucketLen,
  bucketShape,
  instructionShape,
  matchShape,
  ONF,
  portShape,
  sizeOf,
  tableFeaturesShape,
} from './os-ken-parts.js';
import { Check, type Shape } from './shape-compare.js';

/** os-ken's ONF flow-monitor request (exp_type 1870), which the codec keeps as raw bytes. */
const ONF_FLOW_MONITOR = 1870;

export function multipartRequestShape(m: MultipartRequest): Shape {
  const b = m.body;
  const head = { flags: m.flags, type: b.kind === 'experimenter' ? 0xffff : typeCode(b.kind) };
  switch (b.kind) {
    case 'desc':
      return { OFPDescStatsRequest: head };
    case 'table':
      return { OFPTableStatsRequest: head };
    case 'group_desc':
      return { OFPGroupDescStatsRequest: head };
    case 'group_features':
      return { OFPGroupFeaturesStatsRequest: head };
    case 'meter_features':
      return { OFPMeterFeaturesStatsRequest: head };
    case 'port_desc':
      return { OFPPortDescStatsRequest: head };
    case 'flow':
    case 'aggregate':
      return {
        [b.kind === 'flow' ? 'OFPFlowStatsRequest' : 'OFPAggregateStatsRequest']: {
          ...head,
          table_id: b.tableId,
          out_port: b.outPort,
          out_group: b.outGroup,
          cookie: b.cookie,
          cookie_mask: b.cookieMask,
          match: matchShape(b.match),
        },
      };
    case 'port_stats':
      return { OFPPortStatsRequest: { ...head, port_no: b.portNo } };
    case 'queue':
      return { OFPQueueStatsRequest: { ...head, port_no: b.portNo, queue_id: b.queueId } };
    case 'group':
      return { OFPGroupStatsRequest: { ...head, group_id: b.groupId } };
    case 'meter':
      return { OFPMeterStatsRequest: { ...head, meter_id: b.meterId } };
    case 'meter_config':
      return { OFPMeterConfigStatsRequest: { ...head, meter_id: b.meterId } };
    case 'table_features':
      return { OFPTableFeaturesStatsRequest: { ...head, body: b.tables.map(tableFeaturesShape) } };
    case 'experimenter':
      if (b.experimenter === ONF && b.expType === ONF_FLOW_MONITOR) {
        // os-ken decodes the ONF flow-monitor entries; the codec keeps their bytes.
        return {
          'ONFFlowMonitorStatsRequest*': {
            ...head,
            experimenter: b.experimenter,
            exp_type: b.expType,
            body: new Check(
              'flow-monitor entries present exactly when there are body bytes',
              (t) => Array.isArray(t) && t.length > 0 === b.data.length > 0,
            ),
          },
        };
      }
      return {
        OFPExperimenterStatsRequest: {
          ...head,
          experimenter: b.experimenter,
          exp_type: b.expType,
          data: b64(b.data),
        },
      };
  }
}

const KINDS = [
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
const typeCode = (kind: string): number => KINDS.indexOf(kind);

export function multipartReplyShape(m: MultipartReply): Shape {
  const b = m.body;
  const head = { flags: m.flags, type: b.kind === 'experimenter' ? 0xffff : typeCode(b.kind) };
  switch (b.kind) {
    case 'desc':
      return {
        OFPDescStatsReply: {
          ...head,
          body: {
            OFPDescStats: {
              mfr_desc: b.desc.mfrDesc,
              hw_desc: b.desc.hwDesc,
              sw_desc: b.desc.swDesc,
              serial_num: b.desc.serialNum,
              dp_desc: b.desc.dpDesc,
            },
          },
        },
      };
    case 'flow':
      return {
        OFPFlowStatsReply: {
          ...head,
          body: b.flows.map((f) => ({
            OFPFlowStats: {
              length: sizeOf((w) => writeFlowStats(w, f)),
              table_id: f.tableId,
              duration_sec: f.durationSec,
              duration_nsec: f.durationNsec,
              priority: f.priority,
              idle_timeout: f.idleTimeout,
              hard_timeout: f.hardTimeout,
              flags: f.flags,
              cookie: f.cookie,
              packet_count: f.packetCount,
              byte_count: f.byteCount,
              match: matchShape(f.match),
              instructions: f.instructions.map(instructionShape),
            },
          })),
        },
      };
    case 'aggregate':
      return {
        OFPAggregateStatsReply: {
          ...head,
          body: {
            OFPAggregateStats: {
              packet_count: b.packetCount,
              byte_count: b.byteCount,
              flow_count: b.flowCount,
            },
          },
        },
      };
    case 'table':
      return {
        OFPTableStatsReply: {
          ...head,
          body: b.tables.map((t) => ({
            OFPTableStats: {
              table_id: t.tableId,
              active_count: t.activeCount,
              lookup_count: t.lookupCount,
              matched_count: t.matchedCount,
            },
          })),
        },
      };
    case 'port_stats':
      return {
        OFPPortStatsReply: {
          ...head,
          body: b.ports.map((p) => ({
            OFPPortStats: {
              port_no: p.portNo,
              rx_packets: p.rxPackets,
              tx_packets: p.txPackets,
              rx_bytes: p.rxBytes,
              tx_bytes: p.txBytes,
              rx_dropped: p.rxDropped,
              tx_dropped: p.txDropped,
              rx_errors: p.rxErrors,
              tx_errors: p.txErrors,
              rx_frame_err: p.rxFrameErr,
              rx_over_err: p.rxOverErr,
              rx_crc_err: p.rxCrcErr,
              collisions: p.collisions,
              duration_sec: p.durationSec,
              duration_nsec: p.durationNsec,
            },
          })),
        },
      };
    case 'queue':
      return {
        OFPQueueStatsReply: {
          ...head,
          body: b.queues.map((q) => ({
            OFPQueueStats: {
              port_no: q.portNo,
              queue_id: q.queueId,
              tx_bytes: q.txBytes,
              tx_packets: q.txPackets,
              tx_errors: q.txErrors,
              duration_sec: q.durationSec,
              duration_nsec: q.durationNsec,
            },
          })),
        },
      };
    case 'group':
      return {
        OFPGroupStatsReply: {
          ...head,
          body: b.groups.map((g) => ({
            OFPGroupStats: {
              length: 40 + 16 * g.bucketStats.length,
              group_id: g.groupId,
              ref_count: g.refCount,
              packet_count: g.packetCount,
              byte_count: g.byteCount,
              duration_sec: g.durationSec,
              duration_nsec: g.durationNsec,
              bucket_stats: g.bucketStats.map((s) => ({
                OFPBucketCounter: { packet_count: s.packetCount, byte_count: s.byteCount },
              })),
            },
          })),
        },
      };
    case 'group_desc':
      return {
        OFPGroupDescStatsReply: {
          ...head,
          body: b.groups.map((g) => ({
            OFPGroupDescStats: {
              length: 8 + g.buckets.reduce((n, k) => n + bucketLen(k), 0),
              type: g.groupType,
              group_id: g.groupId,
              buckets: g.buckets.map(bucketShape),
            },
          })),
        },
      };
    case 'group_features':
      return {
        OFPGroupFeaturesStatsReply: {
          ...head,
          body: {
            OFPGroupFeaturesStats: {
              types: b.features.types,
              capabilities: b.features.capabilities,
              max_groups: [...b.features.maxGroups],
              actions: [...b.features.actions],
            },
          },
        },
      };
    case 'meter':
      return {
        OFPMeterStatsReply: {
          ...head,
          body: b.meters.map((s) => ({
            OFPMeterStats: {
              meter_id: s.meterId,
              len: 40 + 16 * s.bandStats.length,
              flow_count: s.flowCount,
              packet_in_count: s.packetInCount,
              byte_in_count: s.byteInCount,
              duration_sec: s.durationSec,
              duration_nsec: s.durationNsec,
              band_stats: s.bandStats.map((x) => ({
                OFPMeterBandStats: {
                  packet_band_count: x.packetBandCount,
                  byte_band_count: x.byteBandCount,
                },
              })),
            },
          })),
        },
      };
    case 'meter_config':
      return {
        OFPMeterConfigStatsReply: {
          ...head,
          body: b.meters.map((c) => ({
            OFPMeterConfigStats: {
              length: 8 + c.bands.reduce((n, x) => n + bandLen(x), 0),
              flags: c.flags,
              meter_id: c.meterId,
              bands: c.bands.map(bandShape),
            },
          })),
        },
      };
    case 'meter_features':
      return {
        OFPMeterFeaturesStatsReply: {
          ...head,
          body: [
            {
              OFPMeterFeaturesStats: {
                max_meter: b.features.maxMeter,
                band_types: b.features.bandTypes,
                capabilities: b.features.capabilities,
                max_bands: b.features.maxBands,
                max_color: b.features.maxColor,
              },
            },
          ],
        },
      };
    case 'table_features':
      return { OFPTableFeaturesStatsReply: { ...head, body: b.tables.map(tableFeaturesShape) } };
    case 'port_desc':
      return { OFPPortDescStatsReply: { ...head, body: b.ports.map(portShape) } };
    case 'experimenter':
      return {
        OFPExperimenterStatsReply: {
          ...head,
          body: {
            OFPExperimenterMultipart: {
              experimenter: b.experimenter,
              exp_type: b.expType,
              data: b64(b.data),
            },
          },
        },
      };
  }
}
