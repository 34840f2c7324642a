/**
 * OVSDB connection addresses, as Open vSwitch writes them: `unix:PATH` and
 * `tcp:HOST:PORT` to dial (`--ovsdb`), `tcp:HOST:PORT` to listen on for servers that
 * dial us (`--ovsdb-listen`, what `ovs-vsctl set-manager tcp:CONTROLLER:6640` points
 * at). IPv6 hosts go in brackets: `tcp:[::1]:6640`.
 */

export type OvsdbAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The port ovsdb-server and managers use by convention. */
export const OVSDB_PORT = 6640;

/** Parses an address; throws an Error saying what is expected (command-line input). */
export function parseOvsdbAddress(text: string, opts: { listen?: boolean } = {}): OvsdbAddress {
  const forms = opts.listen ? 'tcp:HOST:PORT' : 'unix:PATH or tcp:HOST:PORT';
  if (text.startsWith('unix:') && !opts.listen) {
    const path = text.slice(5);
    if (path === '') throw new Error(`expected ${forms}, got "${text}" (empty path)`);
    return { kind: 'unix', path };
  }
  const m = /^tcp:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`expected ${forms}, got "${text}"`);
  const port = Number(m[2]);
  if (port > 65535 || (port === 0 && !opts.listen)) {
    throw new Error(`port must be 1 to 65535 in "${text}"`);
  }
  return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export function formatOvsdbAddress(a: OvsdbAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  return `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
