/**
 * Reach a controller that runs in the test process (root namespace) from a switch
 * inside an OVS namespace. OVS accepts `unix:PATH` controller targets and unix sockets
 * work across network namespaces, so a unix-socket server in the run dir that pipes
 * each connection to TCP host:port in the root namespace is all it takes. The
 * controller sees every switch connect from 127.0.0.1: tell switches apart by dpid.
 */
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import type { OvsInstance } from './ovs-instance.js';

export interface Relay {
  /** OVS controller target, e.g. `unix:/tmp/ofh-.../relay-6653.sock`. */
  target: string;
  path: string;
  /** Stop listening and cut every relayed connection. */
  close(): Promise<void>;
}

/** Listen on a unix socket in `ovs.rundir` and forward connections to tcp host:port. */
export async function startRelay(
  ovs: OvsInstance,
  port: number,
  host = '127.0.0.1',
): Promise<Relay> {
  const path = join(ovs.rundir, `relay-${port}-${Math.random().toString(36).slice(2, 6)}.sock`);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host, port });
    track(inbound);
    track(outbound);
    outbound.setNoDelay(true);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    // Either side failing or closing tears down the pair, like a real TCP drop.
    for (const [a, b] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    target: `unix:${path}`,
    path,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await closed;
        await rm(path, { force: true });
      })();
      return closing;
    },
  };
}
