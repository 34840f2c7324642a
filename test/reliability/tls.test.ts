/**
 * TLS and exposure, without Open vSwitch: an `ssl:` listener with mutual authentication
 * (certificates from ovs-pki) serves a switch whose certificate the CA signed and
 * refuses, with a log line, one without a certificate or with one from another CA; the
 * certificate files are checked at start with messages that name the file and say what
 * to do; the default listen address is loopback and any other draws a warning.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseControllerArgs, resolveSettings } from '../../src/cli/controller.js';
import {
  controllerOptions,
  DEFAULT_LISTEN,
  DEFAULT_SETTINGS,
  exposureWarning,
  isLoopbackHost,
  loadTlsCredentials,
  parseListenAddress,
} from '../../src/runtime/internal.js';
import {
  l2Learning,
  startTestController,
  type TestController,
  whenReady,
} from './support/controller.js';
import { connectPeer } from './support/peer.js';
import { makePki, type Pki } from './support/pki.js';
import { settles, until } from './support/wait.js';

let pki: Pki;

beforeAll(() => {
  pki = makePki();
});

afterAll(() => pki?.remove());

describe('an ssl: listener with mutual authentication', () => {
  let tc: TestController;

  beforeAll(async () => {
    tc = await startTestController([l2Learning()], {
      listen: [{ kind: 'ssl', host: '127.0.0.1', port: 0 }],
      tls: loadTlsCredentials({ cert: pki.ctlCert, key: pki.ctlKey, ca: pki.switchCa }),
    });
  });

  afterAll(() => tc?.stop());

  const client = (cert?: string, key?: string): tls.ConnectionOptions => ({
    ca: readFileSync(pki.controllerCa),
    ...(cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : {}),
    checkServerIdentity: () => undefined,
  });
  const refusals = (from: number) =>
    tc.records.slice(from).filter((r) => r.msg.startsWith('TLS handshake refused'));

  test('a switch with a certificate signed by the CA completes the handshake', async () => {
    const sw = await connectPeer(tc.port, { dpid: 0x7150n, tls: client(pki.swCert, pki.swKey) });
    await whenReady(sw);
    expect(tc.controller.registry.get(0x7150n)?.state).toBe('ready');
    await sw.close();
  });

  test.each([
    ['no certificate', () => client(), /not accepted \(none was sent\)/],
    [
      'a certificate from another CA',
      () => client(pki.rogueCert, pki.rogueKey),
      /not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    ],
  ])('a switch with %s is refused, and the refusal is logged', async (_, opts, reason) => {
    const before = tc.records.length;
    // With TLS 1.3 the client may finish its side before the server rejects it.
    const sw = await connectPeer(tc.port, { dpid: 0x7151n, tls: opts() }).catch(() => undefined);
    if (sw) expect(await settles(sw.closed)).toBe(true);
    expect(await until(() => refusals(before).length > 0)).toBe(true);
    const [refusal] = refusals(before);
    expect(refusal!.level).toBe(40);
    expect(refusal!.msg).toMatch(reason);
    expect(String(refusal!.peer)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(sw?.received ?? []).toEqual([]);
    expect(tc.controller.registry.get(0x7151n)).toBeUndefined();
  });
});

describe('certificate files are checked at start', () => {
  const options = (argv: string[]) => controllerOptions(resolveSettings(parseControllerArgs(argv)));
  const ssl = ['--listen', 'ssl:127.0.0.1:6653'];

  test('ssl: with --cert, --key and --ca loads them', () => {
    const o = options([...ssl, '--cert', pki.ctlCert, '--key', pki.ctlKey, '--ca', pki.switchCa]);
    expect(o.listen).toEqual([{ kind: 'ssl', host: '127.0.0.1', port: 6653 }]);
    expect(o.tls?.files).toEqual({ cert: pki.ctlCert, key: pki.ctlKey, ca: pki.switchCa });
  });

  test.each<[string, () => string[], RegExp]>([
    [
      'a missing option',
      () => [...ssl, '--cert', pki.ctlCert, '--ca', pki.switchCa],
      /--key: an ssl: listen address needs --cert, --key and --ca; missing --key FILE/,
    ],
    [
      'a file that does not exist',
      () => [...ssl, '--cert', '/nonexistent/c.pem', '--key', pki.ctlKey, '--ca', pki.switchCa],
      /\/nonexistent\/c\.pem: no such file; give the controller's certificate in PEM form/,
    ],
    [
      'a file that is not PEM',
      () => [...ssl, '--cert', pki.ctlCert, '--key', pki.ctlKey, '--ca', notPem()],
      /not-pem\.txt: does not hold the CA certificate .* in PEM form/,
    ],
    [
      'a key that belongs to another certificate',
      () => [...ssl, '--cert', pki.ctlCert, '--key', pki.swKey, '--ca', pki.switchCa],
      /sw-privkey\.pem: this private key \(--key\) does not belong to the certificate/,
    ],
    [
      'certificates without an ssl: address',
      () => ['--cert', pki.ctlCert],
      /--cert: --cert given but no ssl: listen address/,
    ],
  ])('%s is refused, naming the file or option', (_, argv, message) => {
    expect(() => options(argv())).toThrow(message);
  });

  test('an unreadable file says so', () => {
    if (process.getuid?.() === 0) return; // root reads anything: nothing to refuse
    const f = join(pki.dir, 'locked.pem');
    writeFileSync(f, readFileSync(pki.ctlCert));
    chmodSync(f, 0);
    expect(() => loadTlsCredentials({ cert: f, key: pki.ctlKey, ca: pki.switchCa })).toThrow(
      /permission denied; make it readable/,
    );
  });

  function notPem(): string {
    const f = join(pki.dir, 'not-pem.txt');
    writeFileSync(f, 'hello\n');
    return f;
  }
});

describe('exposure', () => {
  test('the default listen address is loopback only', () => {
    expect(DEFAULT_SETTINGS.listen).toEqual([DEFAULT_LISTEN]);
    const a = parseListenAddress(DEFAULT_LISTEN);
    expect(a.kind !== 'unix' && isLoopbackHost(a.host)).toBe(true);
    expect(exposureWarning(a)).toBeUndefined();
  });

  test.each([
    ['tcp:127.0.0.1:6653', false],
    ['tcp:127.1.2.3:6653', false],
    ['tcp:[::1]:6653', false],
    ['tcp:localhost:6653', false],
    ['unix:/run/ofctl.sock', false],
    ['tcp:0.0.0.0:6653', true],
    ['tcp:[::]:6653', true],
    ['tcp:192.0.2.1:6653', true],
    ['ssl:0.0.0.0:6653', true],
  ])('%s: warning %s', (text, warned) => {
    expect(exposureWarning(parseListenAddress(text)) !== undefined).toBe(warned);
  });

  test('a controller listening on every interface logs a warning at start', async () => {
    const tc = await startTestController([], {
      listen: [{ kind: 'tcp', host: '0.0.0.0', port: 0 }],
    });
    await tc.stop();
    const w = tc.records.find((r) => r.level === 40 && String(r.msg).includes('not only loopback'));
    expect(w?.msg).toMatch(/every interface, not only loopback, without TLS/);
  });
});
