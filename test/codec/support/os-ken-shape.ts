/**
 * Maps a decoded message to the JSON os-ken's `msg.to_jsondict()` gives for the same
 * bytes (`{"OFPFlowMod": {...}}`), for every message type and multipart body.
 * The header (version, type, length, xid) is not in os-ken's JSON.
 */
import {
  type Message,
  type MultipartReply,
  type MultipartRequest,
  type PacketQueue,
  writeFlowStats,
} from '../../../src/codec/index.js';
import {
  actionsLen,
  actionsShape,
  b64,
  bandLen,
  bandShape,
  bucketLen,
  bucketShape,
  instructionShape,
  macText,
  matchShape,
  ONF,
  portShape,
  queueShape,
  sizeOf,
  tableFeaturesShape,
} from './os-ken-parts.js';
import { Check, type Shape } from './shape-compare.js';

/** os-ken's ONF flow-monitor request (exp_type 1870), which the codec keeps as raw bytes. */
const ONF_FLOW_MONITOR = 1870;

/** Versions set in a HELLO version bitmap. */
function bitmapVersions(bitmaps: readonly number[]): number[] {
  const out: number[] = [];
  bitmaps.forEach((word, i) => {
    for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(i * 32 + b);
  });
  return out;
}

/** Packet-out data: base64 text, or os-ken's decoded Packet (checked on its Ethernet header). */
function packetData(data: Uint8Array): Shape {
  const d = Buffer.from(data);
  return new Check('the same bytes, or a Packet whose Ethernet header matches', (t) => {
    if (typeof t === 'string') return t === d.toString('base64');
    const eth = (t as { Packet?: { protocols?: { ethernet?: Record<string, unknown> }[] } })?.Packet
      ?.protocols?.[0]?.ethernet;
    return (
      d.length >= 14 &&
      eth?.dst === macText(d.readUIntBE(0, 6)) &&
      eth?.src === macText(d.readUIntBE(6, 6)) &&
      eth?.ethertype === d.readUInt16BE(12)
    );
  });
}

export function osKenShape(m: Message): Shape {
  switch (m.type) {
    case 'hello':
      return {
        OFPHello: {
          elements: m.elements.map(
            (e): Shape =>
              e.type === 'versionbitmap'
                ? {
                    OFPHelloElemVersionBitmap: {
                      type: 1,
                      length: 4 + 4 * e.bitmaps.length,
                      versions: bitmapVersions(e.bitmaps),
                    },
                  }
                : { 'OFPHelloElem*': { type: e.elementType } },
          ),
        },
      };
    case 'error':
      return m.errType === 0xffff
        ? {
            OFPErrorMsg: {
              type: m.errType,
              code: null,
              exp_type: m.code,
              experimenter: m.experimenter ?? 0,
              data: b64(m.data),
            },
          }
        : { OFPErrorMsg: { type: m.errType, code: m.code, data: b64(m.data) } };
    case 'echo_request':
      return { OFPEchoRequest: { data: b64(m.data) } };
    case 'echo_reply':
      return { OFPEchoReply: { data: b64(m.data) } };
    case 'experimenter':
      return {
        OFPExperimenter: { experimenter: m.experimenter, exp_type: m.expType, data: b64(m.data) },
      };
    case 'features_request':
      return { OFPFeaturesRequest: {} };
    case 'features_reply':
      return {
        OFPSwitchFeatures: {
          datapath_id: m.datapathId,
          n_buffers: m.nBuffers,
          n_tables: m.nTables,
          auxiliary_id: m.auxiliaryId,
          capabilities: m.capabilities,
        },
      };
    case 'get_config_request':
      return { OFPGetConfigRequest: {} };
    case 'get_config_reply':
      return { OFPGetConfigReply: { flags: m.flags, miss_send_len: m.missSendLen } };
    case 'set_config':
      return { OFPSetConfig: { flags: m.flags, miss_send_len: m.missSendLen } };
    case 'packet_in':
      return {
        OFPPacketIn: {
          buffer_id: m.bufferId,
          total_len: m.totalLen,
          reason: m.reason,
          table_id: m.tableId,
          cookie: m.cookie,
          match: matchShape(m.match),
          data: b64(m.data),
        },
      };
    case 'flow_removed':
      return {
        OFPFlowRemoved: {
          cookie: m.cookie,
          priority: m.priority,
          reason: m.reason,
          table_id: m.tableId,
          duration_sec: m.durationSec,
          duration_nsec: m.durationNsec,
          idle_timeout: m.idleTimeout,
          hard_timeout: m.hardTimeout,
          packet_count: m.packetCount,
          byte_count: m.byteCount,
          match: matchShape(m.match),
        },
      };
    case 'port_status':
      return { OFPPortStatus: { reason: m.reason, desc: portShape(m.port) } };
    case 'packet_out':
      return {
        OFPPacketOut: {
          buffer_id: m.bufferId,
          in_port: m.inPort,
          actions_len: actionsLen(m.actions),
          actions: actionsShape(m.actions),
          data: packetData(m.data),
        },
      };
    case 'flow_mod':
      return {
        OFPFlowMod: {
          cookie: m.cookie,
          cookie_mask: m.cookieMask,
          table_id: m.tableId,
          command: m.command,
          idle_timeout: m.idleTimeout,
          hard_timeout: m.hardTimeout,
          priority: m.priority,
          buffer_id: m.bufferId,
          out_port: m.outPort,
          out_group: m.outGroup,
          flags: m.flags,
          match: matchShape(m.match),
          instructions: m.instructions.map(instructionShape),
        },
      };
    case 'group_mod':
      return {
        OFPGroupMod: {
          command: m.command,
          type: m.groupType,
          group_id: m.groupId,
          buckets: m.buckets.map(bucketShape),
        },
      };
    case 'port_mod':
      return {
        OFPPortMod: {
          port_no: m.portNo,
          hw_addr: macText(m.hwAddr),
          config: m.config,
          mask: m.mask,
          advertise: m.advertise,
        },
      };
    case 'table_mod':
      return { OFPTableMod: { table_id: m.tableId, config: m.config } };
    case 'meter_mod':
      return {
        OFPMeterMod: {
          command: m.command,
          flags: m.flags,
          meter_id: m.meterId,
          bands: m.bands.map(bandShape),
        },
      };
    case 'multipart_request':
      return multipartRequestShape(m);
    case 'multipart_reply':
      return multipartReplyShape(m);
    case 'barrier_request':
      return { OFPBarrierRequest: {} };
    case 'barrier_reply':
      return { OFPBarrierReply: {} };
    case 'queue_get_config_request':
      return { OFPQueueGetConfigRequest: { port: m.port } };
    case 'queue_get_config_reply':
      return {
        OFPQueueGetConfigReply: {
          port: m.port,
          queues: m.queues.map((q: PacketQueue) => queueShape(q)),
        },
      };
    case 'role_request':
      return { OFPRoleRequest: { role: m.role, generation_id: m.generationId } };
    case 'role_reply':
      return { OFPRoleReply: { role: m.role, generation_id: m.generationId } };
    case 'get_async_request':
      return { OFPGetAsyncRequest: {} };
    case 'get_async_reply':
    case 'set_async':
      return {
        [m.type === 'set_async' ? 'OFPSetAsync' : 'OFPGetAsyncReply']: {
          packet_in_mask: [...m.packetInMask],
          port_status_mask: [...m.portStatusMask],
          flow_removed_mask: [...m.flowRemovedMask],
        },
      };
  }
}

function multipartRequestShape(m: MultipartRequest): Shape {
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

function multipartReplyShape(m: MultipartReply): Shape {
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
