/**
 * The API over TLS (--api-cert/--api-key) beyond loopback: a certificate made with
 * openssl, an HTTPS client that trusts it, the token needed for every request there,
 * and a plain-HTTP client refused at the TLS layer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ApiServer, loadOrCreateToken, Metrics, startApi } from '../../src/api/index.js';
import { createLogger } from '../../src/runtime/internal.js';
import { startController, type TestController } from '../runtime/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-api-tls-'));
const cert = join(dir, 'api.pem');
const key = join(dir, 'api.key');
let tc: TestController;
let server: ApiServer;
let token: string;

function request(
  mod: typeof https | typeof http,
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = mod.get(
      {
        host: '127.0.0.2',
        port,
        path: '/switches',
        headers,
        ca: readFileSync(cert),
        servername: 'localhost',
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.2',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  tc = await startController([]);
  // Listening on every address takes the off-loopback rules (token on every request).
  server = await startApi(tc.controller, createLogger({ level: 'silent', pretty: false }), {
    address: { host: '0.0.0.0', port: 0 },
    token: loadOrCreateToken(join(dir, 'token')),
    metrics: new Metrics(),
    cert,
    key,
    web: false,
  });
  token = readFileSync(join(dir, 'token'), 'utf8').trim();
});

afterAll(async () => {
  await server?.close();
  await tc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('HTTPS with the token answers; without it 401; plain HTTP gets no answer', async () => {
  expect(server.url).toMatch(/^https:\/\//);
  const port = server.address.port;
  const ok = await request(https, port, { authorization: `Bearer ${token}` });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toEqual({ switches: [] });
  const no = await request(https, port, {});
  expect(no.status).toBe(401);
  await expect(request(http, port, { authorization: `Bearer ${token}` })).rejects.toThrow();
});
