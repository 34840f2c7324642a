/**
 * Active connections: the controller dials a switch that listens (`ovs-vsctl
 * set-controller br0 ptcp:6653`) at `tcp:HOST[:PORT]`, `ssl:HOST[:PORT]` or `unix:PATH`,
 * the way ovs-testcontroller does with those methods, and dials again whenever the
 * connection fails or ends: after 1 s, doubling up to 8 s while attempts keep failing
 * (Open vSwitch's rconn backoff), back to 1 s once a connection has lasted 10 s. Every
 * socket goes to the same place an accepted one does, so the handshake, the apps and
 * everything after are the same for both directions.
 *
 * TLS (`ssl:`) is mutual, as with Open vSwitch: the controller shows --cert/--key and
 * accepts only a switch certificate signed by --ca; host names are not checked (switch
 * certificates from ovs-pki name the switch, not its address).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from './log.js';
import type { TlsCredentials } from './tls.js';

export type DialAddress =
  | { readonly kind: 'tcp' | 'ssl'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export const DEFAULT_OPENFLOW_PORT = 6653;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 8000;
/** A connection that lasted this long was a success: the next failure retries at once-ish. */
const STABLE_MS = 10_000;

const DIAL_USAGE =
  'expected tcp:HOST[:PORT] (e.g. tcp:192.0.2.1:6653, tcp:[::1]), ssl:HOST[:PORT] or unix:PATH';

/**
 * Parses an active connection method as Open vSwitch spells it: the port defaults to
 * 6653; IPv6 hosts go in brackets. Throws an Error saying what is wrong.
 */
export function parseDialAddress(s: string): DialAddress {
  if (s.startsWith('unix:')) {
    const path = s.slice(5);
    if (path === '') throw new Error(`connection method "${s}" has no path; ${DIAL_USAGE}`);
    return { kind: 'unix', path };
  }
  const m = /^(tcp|ssl):(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`connection method "${s}": ${DIAL_USAGE}`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  const port = m[3] === undefined ? DEFAULT_OPENFLOW_PORT : Number(m[3]);
  if (port < 1 || port > 65535)
    throw new Error(`connection method "${s}": port ${port} is not 1 to 65535`);
  if (host.includes(':') && !net.isIPv6(host)) {
    throw new Error(`connection method "${s}": "${host}" is not an IPv6 address`);
  }
  return { kind: m[1] as 'tcp' | 'ssl', host, port };
}

export function formatDialAddress(a: DialAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  return a.host.includes(':') ? `${a.kind}:[${a.host}]:${a.port}` : `${a.kind}:${a.host}:${a.port}`;
}

/** Dials one address for as long as it runs; see the file comment. */
export class Dialer {
  private socket: net.Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = FIRST_BACKOFF_MS;
  private stopped = false;
  /** Failures since the last connection, for the log's rate of messages. */
  private failures = 0;

  constructor(
    readonly address: DialAddress,
    private readonly onSocket: (s: net.Socket) => void,
    private readonly log: Logger,
    private readonly tlsCredentials?: TlsCredentials,
  ) {
    if (address.kind === 'ssl' && !tlsCredentials) {
      throw new Error(
        `cannot connect to ${formatDialAddress(address)}: no --cert, --key and --ca given ` +
          '(or -p, -c and -C, as ovs-testcontroller spells them)',
      );
    }
  }

  start(): void {
    this.dial();
  }

  /** Stops dialing; an open connection is closed by its Connection, not here. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dial(): void {
    if (this.stopped) return;
    const a = this.address;
    const where = formatDialAddress(a);
    const s =
      a.kind === 'unix'
        ? net.connect({ path: a.path })
        : a.kind === 'tcp'
          ? net.connect({ host: a.host, port: a.port, noDelay: true })
          : tls.connect({
              host: a.host,
              port: a.port,
              cert: this.tlsCredentials!.cert,
              key: this.tlsCredentials!.key,
              ca: this.tlsCredentials!.ca,
              checkServerIdentity: () => undefined,
            });
    this.socket = s;
    let connectedAt = 0;
    s.once(a.kind === 'ssl' ? 'secureConnect' : 'connect', () => {
      connectedAt = Date.now();
      if (this.failures > 0) this.log.info({ target: where }, `connected to ${where}`);
      else this.log.debug({ target: where }, `connected to ${where}`);
      this.failures = 0;
      s.off('error', onEarlyError);
      if (a.kind !== 'unix') (s as net.Socket).setNoDelay(true);
      this.onSocket(s);
    });
    const onEarlyError = (e: NodeJS.ErrnoException) => {
      this.failures++;
      // The first failure and then every tenth: a switch that is down for an hour must
      // not fill the log.
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.log.warn(
          { target: where, attempts: this.failures },
          `cannot connect to ${where}: ${e.code ?? e.message}; retrying every ${MAX_BACKOFF_MS / 1000} s at most`,
        );
      }
    };
    s.on('error', onEarlyError);
    s.once('close', () => {
      if (this.socket === s) this.socket = undefined;
      if (this.stopped) return;
      if (connectedAt > 0 && Date.now() - connectedAt >= STABLE_MS)
        this.backoffMs = FIRST_BACKOFF_MS;
      const wait = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
      if (connectedAt > 0)
        this.log.info(
          { target: where, retryMs: wait },
          `connection to ${where} closed; reconnecting`,
        );
      // Not unref'd: a controller whose only switch is away must stay up to dial again.
      this.timer = setTimeout(() => this.dial(), wait);
    });
  }
}
