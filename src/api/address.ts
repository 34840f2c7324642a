/**
 * The API's listen address: `tcp:HOST:PORT` (HOST an IPv4 or IPv6 address, the latter in
 * brackets, or a name), or `off`. Default tcp:127.0.0.1:8080.
 */
import { isIP } from 'node:net';

export const DEFAULT_API = 'tcp:127.0.0.1:8080';

export interface ApiAddress {
  readonly host: string;
  readonly port: number;
}

/** undefined for `off`; throws an Error saying what is expected otherwise. */
export function parseApiAddress(s: string): ApiAddress | undefined {
  if (s === 'off') return undefined;
  const m = /^tcp:(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) {
    throw new Error(`expected tcp:HOST:PORT (e.g. ${DEFAULT_API}) or off, got "${s}"`);
  }
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

/** True for 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function formatApiAddress(a: ApiAddress): string {
  return `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
