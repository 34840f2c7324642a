/**
 * TLS for switch connections (`--listen ssl:HOST:PORT`), with mutual authentication as
 * Open vSwitch's `ssl:` controller targets expect: the controller shows its certificate
 * (--cert, --key) and accepts only switches whose certificate was signed by a CA it
 * trusts (--ca). The files are read and checked once, at start; every problem names the
 * file (or the missing option) and says what to do. A switch refused during the TLS
 * handshake (no certificate, another CA, a protocol error) is logged, rate limited.
 */
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import { ConfigError } from './config.js';
import type { Logger } from './log.js';
import { RateLimiter } from './rate-limit.js';

/** Paths of the PEM files, as given on the command line or in the config file. */
export interface TlsFiles {
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly ca?: string | undefined;
}

/** The PEM contents, checked to work together. */
export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
  /** The file each came from, for messages. */
  readonly files: Required<{ readonly [K in keyof TlsFiles]: string }>;
}

/** A switch must finish the TLS handshake within this long (a stalled one holds a socket). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

const PKI_HINT =
  "Open vSwitch's ovs-pki makes them: `ovs-pki init`, then `ovs-pki req+sign ctl controller` " +
  'gives ctl-cert.pem and ctl-privkey.pem; --ca is switchca/cacert.pem';

interface Role {
  readonly flag: string;
  readonly what: string;
  readonly pem: RegExp;
  readonly marker: string;
}

const CERT_PEM = /-----BEGIN CERTIFICATE-----/;

const ROLE: Readonly<Record<keyof TlsFiles, Role>> = {
  cert: {
    flag: '--cert',
    what: "the controller's certificate",
    pem: CERT_PEM,
    marker: 'BEGIN CERTIFICATE',
  },
  key: {
    flag: '--key',
    what: "the controller's private key",
    pem: /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/,
    marker: 'BEGIN PRIVATE KEY',
  },
  ca: {
    flag: '--ca',
    what: "the CA certificate that signed the switches' certificates",
    pem: CERT_PEM,
    marker: 'BEGIN CERTIFICATE',
  },
};

/**
 * The credentials for `ssl:` listen addresses, or undefined when there are none to
 * serve. Throws ConfigError when an ssl: address lacks a file, when files are given
 * without an ssl: address, or when a file is unreadable, not PEM, or does not fit.
 */
export function tlsCredentialsFor(
  sslListeners: number,
  files: TlsFiles,
): TlsCredentials | undefined {
  const given = (Object.keys(ROLE) as (keyof TlsFiles)[]).filter((k) => files[k] !== undefined);
  if (sslListeners === 0) {
    if (given.length === 0) return undefined;
    const flags = given.map((k) => ROLE[k].flag).join(', ');
    throw new ConfigError(
      ROLE[given[0]!].flag,
      `${flags} given but no ssl: listen address; add --listen ssl:HOST:PORT or drop ${flags}`,
    );
  }
  return loadTlsCredentials(files);
}

/** Reads and checks the three PEM files; throws ConfigError naming the file at fault. */
export function loadTlsCredentials(files: TlsFiles): TlsCredentials {
  const missing = (Object.keys(ROLE) as (keyof TlsFiles)[]).filter((k) => !files[k]);
  if (missing.length > 0) {
    const list = missing.map((k) => `${ROLE[k].flag} FILE (${ROLE[k].what})`).join(', ');
    throw new ConfigError(
      ROLE[missing[0]!].flag,
      `an ssl: listen address needs --cert, --key and --ca; missing ${list}. ${PKI_HINT}`,
    );
  }
  const paths = files as Required<{ readonly [K in keyof TlsFiles]: string }>;
  const cert = readPem('cert', paths.cert);
  const key = readPem('key', paths.key);
  const ca = readPem('ca', paths.ca);
  try {
    tls.createSecureContext({ cert, key, ca });
  } catch (e) {
    const msg = (e as Error).message;
    if (/key values mismatch/i.test(msg)) {
      throw new ConfigError(
        paths.key,
        `this private key (--key) does not belong to the certificate ${paths.cert} (--cert); ` +
          'give the key made together with that certificate',
      );
    }
    throw new ConfigError(
      `${paths.cert}, ${paths.key}, ${paths.ca}`,
      `OpenSSL cannot use these files together (${msg}); check that each holds what its ` +
        `option expects. ${PKI_HINT}`,
    );
  }
  return { cert, key, ca, files: paths };
}

function readPem(role: keyof TlsFiles, file: string): Buffer {
  const { flag, what, pem, marker } = ROLE[role];
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `no such file; give ${what} in PEM form with ${flag}. ${PKI_HINT}`
        : code === 'EACCES'
          ? `permission denied; make it readable by the user running the controller (${flag})`
          : code === 'EISDIR'
            ? `is a directory; ${flag} wants the PEM file itself`
            : `cannot read it (${code ?? (e as Error).message}); ${flag} wants ${what}`;
    throw new ConfigError(file, why);
  }
  if (!pem.test(data.toString('latin1'))) {
    throw new ConfigError(
      file,
      `does not hold ${what} in PEM form (no "-----${marker}-----" line); ` +
        `check that ${flag} names the right file`,
    );
  }
  return data;
}

/**
 * A TLS server that requires a client certificate signed by `creds.ca` and hands each
 * authenticated socket to `onSocket`; every other one is closed and logged on `log`.
 *
 * The client certificate is requested and verified by OpenSSL during the handshake
 * (requestCert); the verdict is enforced here, first thing on the established socket,
 * before any OpenFlow byte is read or written: a socket that is not `authorized` (no
 * certificate, another CA, expired, ...) is destroyed. This is what rejectUnauthorized
 * does inside Node, done in the open so that the refusal can be logged with the peer's
 * address and OpenSSL's reason (Node's own rejection loses both). Handshakes that fail
 * earlier (protocol errors, timeouts) arrive as tlsClientError and are logged too.
 */
export function createTlsServer(
  creds: TlsCredentials,
  onSocket: (s: net.Socket) => void,
  log: Logger,
): tls.Server {
  const limit = new RateLimiter(10_000, 5);
  const refused = (peer: string, reason: string) => {
    const dropped = limit.take();
    if (dropped === undefined) return;
    const also = dropped > 0 ? ` (${dropped} similar refusals not logged)` : '';
    log.warn({ peer, reason }, `TLS handshake refused: ${reason}${also}`);
  };
  const server = tls.createServer(
    {
      cert: creds.cert,
      key: creds.key,
      ca: creds.ca,
      requestCert: true,
      rejectUnauthorized: false,
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
      minVersion: 'TLSv1.2',
    },
    (socket) => {
      const peer = peerOf(socket);
      const cert = socket.getPeerCertificate();
      if (!socket.authorized || !cert?.subject) {
        socket.destroy();
        const why = cert?.subject ? String(socket.authorizationError) : 'none was sent';
        return refused(peer, `client certificate not accepted (${why})`);
      }
      log.debug({ peer, subject: cert.subject.CN }, 'TLS peer authenticated');
      onSocket(socket);
    },
  );
  server.on('tlsClientError', (err, socket) => {
    socket.destroy();
    refused(peerOf(socket), err.message);
  });
  return server;
}

function peerOf(s: net.Socket): string {
  return s.remoteAddress !== undefined ? `${s.remoteAddress}:${s.remotePort}` : 'unknown';
}
