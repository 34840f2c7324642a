/**
 * Where the controller listens: `tcp:HOST:PORT` (IPv6 hosts in brackets, port 0 picks a
 * free one), `ssl:HOST:PORT` (TLS with mutual authentication, see tls.ts) or
 * `unix:PATH`, parsed with messages that say what is wrong, and the listening sockets
 * themselves.
 */
import net from 'node:net';
import type { Logger } from './log.js';
import { createTlsServer, type TlsCredentials } from './tls.js';

export type ListenAddress =
  | { readonly kind: 'tcp' | 'ssl'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export const DEFAULT_LISTEN = 'tcp:127.0.0.1:6653';

const USAGE =
  'expected tcp:HOST:PORT (e.g. tcp:127.0.0.1:6653, tcp:[::1]:6653), ssl:HOST:PORT or unix:PATH';

/** Parses a listen address; throws an Error saying what is wrong and what is expected. */
export function parseListenAddress(s: string): ListenAddress {
  if (s.startsWith('unix:')) {
    const path = s.slice(5);
    if (path === '') throw new Error(`listen address "${s}" has no path; ${USAGE}`);
    return { kind: 'unix', path };
  }
  const kind = s.startsWith('ssl:') ? 'ssl' : 'tcp';
  if (!s.startsWith('tcp:') && kind !== 'ssl') throw new Error(`listen address "${s}": ${USAGE}`);
  const m = /^(?:tcp|ssl):(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(s);
  if (!m) throw new Error(`listen address "${s}" needs both a host and a port; ${USAGE}`);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`listen address "${s}": port ${port} is above 65535`);
  if (host.includes(':') && net.isIPv6(host) === false) {
    throw new Error(`listen address "${s}": "${host}" is not an IPv6 address`);
  }
  return { kind, host, port };
}

export function formatListenAddress(a: ListenAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  return a.host.includes(':') ? `${a.kind}:[${a.host}]:${a.port}` : `${a.kind}:${a.host}:${a.port}`;
}

export interface Listener {
  readonly server: net.Server;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: ListenAddress;
}

/**
 * Starts listening; rejects with a message naming the address when that fails. An ssl:
 * address needs `tls` (and logs refused TLS handshakes on `log`).
 */
export function listen(
  a: ListenAddress,
  onSocket: (s: net.Socket) => void,
  tls?: TlsCredentials,
  log?: Logger,
): Promise<Listener> {
  if (a.kind === 'ssl' && (!tls || !log)) {
    const where = formatListenAddress(a);
    return Promise.reject(new Error(`cannot listen on ${where}: no --cert, --key and --ca given`));
  }
  const server =
    a.kind === 'ssl'
      ? createTlsServer(tls!, onSocket, log!)
      : net.createServer({ noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const hint =
        e.code === 'EADDRINUSE'
          ? ': address in use (another controller running? choose another --listen)'
          : e.code === 'EADDRNOTAVAIL'
            ? ': no such local address'
            : e.code === 'EACCES'
              ? ': permission denied'
              : `: ${e.message}`;
      reject(new Error(`cannot listen on ${formatListenAddress(a)}${hint}`));
    };
    server.once('error', onError);
    const bound = () => {
      server.off('error', onError);
      const addr = server.address();
      const address: ListenAddress =
        a.kind !== 'unix' && addr && typeof addr === 'object'
          ? { kind: a.kind, host: a.host, port: addr.port }
          : a;
      resolve({ server, address });
    };
    if (a.kind === 'unix') server.listen(a.path, bound);
    else server.listen(a.port, a.host, bound);
  });
}

/** Stops accepting; resolves once every accepted socket has closed too. */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
