/**
 * Who can reach a listen address. The default (tcp:127.0.0.1:6653) is loopback only;
 * any other host is an explicit choice on the command line or in the config file, and
 * the controller says so at start: a plain tcp: listener on the network lets anyone who
 * can reach the port act as a switch, so the warning points at ssl: or a firewall.
 */
import net from 'node:net';
import type { ListenAddress } from './listener.js';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.x.x and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** The warning to log for an address reachable from beyond this machine, if any. */
export function exposureWarning(a: ListenAddress): string | undefined {
  if (a.kind === 'unix' || isLoopbackHost(a.host)) return undefined;
  const where = a.host === '0.0.0.0' || a.host === '::' ? 'every interface' : a.host;
  if (a.kind === 'ssl') {
    return (
      `listening on ${where}, not only loopback: switches are authenticated by ` +
      'certificate (--ca), but the port is open to the network'
    );
  }
  return (
    `listening on ${where}, not only loopback, without TLS: anyone who reaches port ` +
    `${a.port} can act as a switch; use ssl:HOST:PORT with --cert/--key/--ca or a firewall`
  );
}
