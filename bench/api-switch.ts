/**
 * A minimal OpenFlow 1.3 switch for the API benchmark: answers the controller's
 * handshake (HELLO, FEATURES, PORT_DESC), barriers, echoes and flow-stats requests (no
 * flows), and discards the rest
 * (the flow-mods it is sent are the controller model's business, not the switch's).
 */
import net from 'node:net';
import { decodeMessage, encodeMessage, Framer, type Message } from '../src/codec/index.js';

export function connectSwitch(port: number, dpid: bigint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
    s.setNoDelay(true);
    const framer = new Framer();
    const send = (m: Message) => s.write(encodeMessage(m));
    send({
      type: 'hello',
      xid: 1,
      version: 4,
      elements: [{ type: 'versionbitmap', bitmaps: [1 << 4] }],
    });
    s.on('data', (chunk: Buffer) =>
      framer.push(chunk, (buf, start, end) => {
        if (buf[start + 1] === 14) return; // FLOW_MOD: most of the traffic, not decoded
        const r = decodeMessage(buf, start, end);
        if (!r.ok) return;
        const m = r.value;
        if (m.type === 'echo_request') send({ type: 'echo_reply', xid: m.xid, data: m.data });
        else if (m.type === 'barrier_request') send({ type: 'barrier_reply', xid: m.xid });
        else if (m.type === 'features_request') {
          send({
            type: 'features_reply',
            xid: m.xid,
            datapathId: dpid,
            nBuffers: 0,
            nTables: 254,
            auxiliaryId: 0,
            capabilities: 0x4f,
            reserved: 0,
          });
        } else if (m.type === 'multipart_request' && m.body.kind === 'flow') {
          send({
            type: 'multipart_reply',
            xid: m.xid,
            flags: 0,
            body: { kind: 'flow', flows: [] },
          });
        } else if (m.type === 'multipart_request' && m.body.kind === 'port_desc') {
          send({
            type: 'multipart_reply',
            xid: m.xid,
            flags: 0,
            body: { kind: 'port_desc', ports: [] },
          });
        }
      }),
    );
  });
}
