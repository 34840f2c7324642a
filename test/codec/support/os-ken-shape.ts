/**
 * Maps a decoded message to the JSON os-ken's `msg.to_jsondict()` gives for the same
 * bytes (`{"OFPFlowMod": {...}}`), for every message type and multipart body.
 * The header (version, type, length, xid) is not in os-ken's JSON.
 */
import type { Message, PacketQueue } from '../../../src/codec/index.js';
import { multipartReplyShape, multipartRequestShape } from './os-ken-multipart.js';
import {
  actionsLen,
  actionsShape,
  b64,
  bandShape,
  bucketShape,
  instructionShape,
  macText,
  matchShape,
  portShape,
  queueShape,
} from './os-ken-parts.js';
import { Check, type Shape } from './shape-compare.js';

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
