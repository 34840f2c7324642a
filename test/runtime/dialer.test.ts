/**
 * The dialer (active connections to switches that listen): the method syntax, and that
 * it keeps dialing a switch that is not there yet, connects once it is, and dials again
 * when the connection ends, with the failures logged once rather than per attempt.
 */
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Dialer, parseDialAddress } from '../../src/runtime/dialer.js';

describe('parseDialAddress', () => {
  test.each([
    ['tcp:192.0.2.1', { kind: 'tcp', host: '192.0.2.1', port: 6653 }],
    ['tcp:192.0.2.1:6633', { kind: 'tcp', host: '192.0.2.1', port: 6633 }],
    ['ssl:[2001:db8::1]', { kind: 'ssl', host: '2001:db8::1', port: 6653 }],
    ['unix:/run/sw.sock', { kind: 'unix', path: '/run/sw.sock' }],
  ])('%s', (s, want) => expect(parseDialAddress(s)).toEqual(want));

  test.each(['tcp:', 'tcp:h:0', 'tcp:h:70000', 'udp:h', 'unix:', 'tcp:[zz]'])(
    '%s is refused',
    (s) => {
      expect(() => parseDialAddress(s)).toThrow(/connection method/);
    },
  );
});

describe('Dialer', () => {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  let cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup) f();
    cleanup = [];
    lines.length = 0;
  });

  test('dials until the switch listens, then again after the connection ends', async () => {
    // A free port nobody listens on yet.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const accepted: net.Socket[] = [];
    const d = new Dialer({ kind: 'tcp', host: '127.0.0.1', port }, (s) => accepted.push(s), log);
    cleanup.push(() => d.stop());
    d.start();
    await vi.waitFor(
      () => expect(lines.some((l) => /cannot connect/.test(String(l.msg)))).toBe(true),
      {
        timeout: 10_000,
      },
    );

    const server = net.createServer();
    const serverSockets: net.Socket[] = [];
    server.on('connection', (s) => serverSockets.push(s));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanup.push(() => server.close());
    await vi.waitFor(() => expect(accepted.length).toBe(1), { timeout: 20_000, interval: 50 });

    // The switch drops us: the dialer comes back.
    serverSockets[0]!.destroy();
    await vi.waitFor(() => expect(accepted.length).toBe(2), { timeout: 20_000, interval: 50 });
    expect(lines.filter((l) => /cannot connect/.test(String(l.msg))).length).toBe(1);
    for (const s of accepted) s.destroy();
  }, 60_000);

  test('ssl: without certificates is refused at once, naming the options', () => {
    expect(() => new Dialer({ kind: 'ssl', host: 'h', port: 1 }, () => undefined, log)).toThrow(
      /--cert, --key and --ca/,
    );
  });
});
