/**
 * Fetches a bridge's flows over OpenFlow 1.3 with the project's own codec (HELLO, then a
 * flow stats request for every table), so the engine-vs-OVS test can compare the
 * model's flows with the switch's using compareFlows.
 */
import net from 'node:net';
import {
  decodeMessage,
  encodeMessage,
  type FlowStats,
  Framer,
  type Message,
} from '../../src/codec/index.js';
import { ALL_FLOWS } from '../../src/engine/stats.js';

const OFPMPF_REPLY_MORE = 1;

/** All flows of the switch listening on unix socket `path` (e.g. <rundir>/br0.mgmt). */
export function dumpFlows(path: string, timeoutMs = 5000): Promise<FlowStats[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(path);
    const framer = new Framer();
    const flows: FlowStats[] = [];
    const timer = setTimeout(
      () => finish(new Error(`no complete flow stats reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(flows);
    };
    const send = (m: Message) => sock.write(encodeMessage(m));
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => {
      send({
        type: 'hello',
        xid: 1,
        version: 4,
        elements: [{ type: 'versionbitmap', bitmaps: [1 << 4] }],
      });
      send({
        type: 'multipart_request',
        xid: 2,
        flags: 0,
        body: { kind: 'flow', ...ALL_FLOWS },
      });
    });
    sock.on('data', (chunk) => {
      try {
        framer.push(chunk, (buf, start, end) => {
          const r = decodeMessage(buf, start, end);
          if (!r.ok) throw new Error(`undecodable message from the switch: ${r.error.message}`);
          const m = r.value;
          if (m.type === 'echo_request') send({ type: 'echo_reply', xid: m.xid, data: m.data });
          if (m.type === 'error') throw new Error(`switch error type ${m.errType} code ${m.code}`);
          if (m.type === 'multipart_reply' && m.xid === 2 && m.body.kind === 'flow') {
            flows.push(...m.body.flows);
            if ((m.flags & OFPMPF_REPLY_MORE) === 0) finish();
          }
        });
      } catch (e) {
        finish(e as Error);
      }
    });
  });
}
