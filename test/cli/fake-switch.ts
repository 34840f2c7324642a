/**
 * A scripted OpenFlow 1.3 switch on a unix socket, for testing the CLI in-process: it
 * answers HELLO, records every message it receives, and replies to each request with
 * what the test's responder returns (several messages for a multipart reply, an error,
 * or nothing). Barrier requests get barrier replies unless the responder says otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, Framer, type Message } from '../../src/codec/index.js';

export type Responder = (m: Message) => Message[] | undefined;

export interface FakeSwitch {
  /** `unix:PATH` (or `tcp:127.0.0.1:PORT`) for the CLI. */
  readonly target: string;
  /** The directory holding `br0.mgmt`, for OVS_RUNDIR. */
  readonly rundir: string;
  readonly received: Message[];
  /** Sends an unsolicited message to every connected client. */
  push(m: Message): void;
  /** Closes every client connection (monitor ends). */
  hangUp(): void;
  close(): Promise<void>;
}

export async function startFakeSwitch(
  respond: Responder,
  opts: { helloVersion?: number; bitmap?: number; tcp?: boolean } = {},
): Promise<FakeSwitch> {
  const rundir = mkdtempSync(join(tmpdir(), 'ofctl-ts-fake-'));
  const path = join(rundir, 'br0.mgmt');
  const received: Message[] = [];
  const clients = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    clients.add(sock);
    sock.on('close', () => clients.delete(sock));
    sock.on('error', () => undefined);
    const version = opts.helloVersion ?? 4;
    sock.write(
      encodeMessage({
        type: 'hello',
        xid: 1,
        version,
        elements: [{ type: 'versionbitmap', bitmaps: [opts.bitmap ?? 1 << version] }],
      }),
    );
    const framer = new Framer();
    sock.on('data', (chunk) =>
      framer.push(chunk, (buf, start, end) => {
        const r = decodeMessage(buf, start, end);
        if (!r.ok) return;
        const m = r.value;
        if (m.type === 'hello') return;
        received.push(m);
        const out =
          respond(m) ??
          (m.type === 'barrier_request' ? [{ type: 'barrier_reply', xid: m.xid }] : []);
        for (const o of out) sock.write(encodeMessage(o));
      }),
    );
  });
  if (opts.tcp) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  else await new Promise<void>((resolve) => server.listen(path, resolve));
  const address = server.address();
  const target =
    opts.tcp && address && typeof address === 'object'
      ? `tcp:127.0.0.1:${address.port}`
      : `unix:${path}`;
  return {
    target,
    rundir,
    received,
    push(m) {
      for (const c of clients) c.write(encodeMessage(m));
    },
    hangUp() {
      for (const c of clients) c.destroy();
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(rundir, { recursive: true, force: true });
    },
  };
}
