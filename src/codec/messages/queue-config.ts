/** QUEUE_GET_CONFIG request and reply (OpenFlow 1.3.5 section 7.3.6). */
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type PacketQueue, readQueues, writeQueues } from './structs.js';

export interface QueueGetConfigRequest {
  readonly type: 'queue_get_config_request';
  readonly xid: number;
  readonly port: number;
}

export interface QueueGetConfigReply {
  readonly type: 'queue_get_config_reply';
  readonly xid: number;
  readonly port: number;
  readonly queues: readonly PacketQueue[];
}

export function decodeQueueGetConfigRequest(r: Reader, xid: number): QueueGetConfigRequest {
  const port = r.u32();
  r.skip(4);
  return { type: 'queue_get_config_request', xid, port };
}

export function encodeQueueGetConfigRequest(w: Writer, m: QueueGetConfigRequest): void {
  w.u32(m.port);
  w.zeros(4);
}

export function decodeQueueGetConfigReply(r: Reader, xid: number): QueueGetConfigReply {
  const port = r.u32();
  r.skip(4);
  return { type: 'queue_get_config_reply', xid, port, queues: readQueues(r) };
}

export function encodeQueueGetConfigReply(w: Writer, m: QueueGetConfigReply): void {
  w.u32(m.port);
  w.zeros(4);
  writeQueues(w, m.queues);
}
