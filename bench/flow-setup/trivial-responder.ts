/**
 * The trivial responder: a bare Node TCP server, run as its own process, that greets
 * each switch with HELLO and FEATURES_REQUEST and answers every PACKET_IN with one
 * pre-encoded FLOW_MOD and one PACKET_OUT. It decodes nothing (headers are only
 * counted), so its figure is the load generator's ceiling on this machine.
 * Usage: node trivial-responder.js PORT [HOST]
 */
import net from 'node:net';
import {
  encodeMessage,
  FlowModCommand,
  OFP_NO_BUFFER,
  OFPG_ANY,
  OFPP,
} from '../../src/codec/index.js';
import { MessageScanner, OFPT_PACKET_IN } from './scanner.js';
import { HELLO, SRC_PORT, srcMac, TAUGHT_MAC, TAUGHT_PORT, testFrame } from './wire.js';

const REPEAT = 1024;

function responsePair(): Buffer {
  const output = { type: 'output', port: TAUGHT_PORT, maxLen: 0 } as const;
  const flowMod = encodeMessage({
    type: 'flow_mod',
    xid: 0,
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: FlowModCommand.ADD,
    idleTimeout: 60,
    hardTimeout: 0,
    priority: 1,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: OFPG_ANY,
    flags: 0,
    match: [
      { field: 'in_port', value: SRC_PORT },
      { field: 'eth_dst', value: TAUGHT_MAC },
      { field: 'eth_src', value: srcMac(0) },
    ],
    instructions: [{ type: 'apply_actions', actions: [output] }],
  });
  const packetOut = encodeMessage({
    type: 'packet_out',
    xid: 0,
    bufferId: OFP_NO_BUFFER,
    inPort: SRC_PORT,
    actions: [output],
    data: testFrame(TAUGHT_MAC, srcMac(0)),
  });
  return Buffer.concat([flowMod, packetOut]);
}

const pair = responsePair();
const responses = Buffer.concat(Array.from({ length: REPEAT }, () => pair));
const greeting = Buffer.concat([HELLO, encodeMessage({ type: 'features_request', xid: 1 })]);
const noCollect = new Uint8Array(256);

const server = net.createServer({ noDelay: true }, (socket) => {
  const scanner = new MessageScanner(
    noCollect,
    () => {},
    () => socket.destroy(),
  );
  socket.on('data', (chunk: Buffer) => {
    const before = scanner.counts[OFPT_PACKET_IN]!;
    scanner.push(chunk);
    let n = scanner.counts[OFPT_PACKET_IN]! - before;
    while (n > 0) {
      const k = Math.min(n, REPEAT);
      socket.write(responses.subarray(0, k * pair.length));
      n -= k;
    }
  });
  socket.on('error', () => socket.destroy());
  socket.write(greeting);
});

const port = Number(process.argv[2]);
const host = process.argv[3] ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: trivial-responder.js PORT [HOST]');
  process.exit(2);
}
server.listen({ port, host, backlog: 1024 });
