/**
 * Controller settings: listen addresses, the config file (errors name file and key),
 * the `controller` command line (errors say what is wrong), precedence of flags over
 * file over defaults, and the runtime options derived from them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseControllerArgs, resolveSettings } from '../../src/cli/controller.js';
import {
  controllerOptions,
  DEFAULT_SETTINGS,
  engineFlowModel,
  formatListenAddress,
  parseConfigFile,
  parseListenAddress,
} from '../../src/runtime/internal.js';

describe('listen addresses', () => {
  test.each([
    ['tcp:127.0.0.1:6653', { kind: 'tcp', host: '127.0.0.1', port: 6653 }],
    ['tcp:0.0.0.0:0', { kind: 'tcp', host: '0.0.0.0', port: 0 }],
    ['tcp:[::1]:6633', { kind: 'tcp', host: '::1', port: 6633 }],
    ['tcp:localhost:1', { kind: 'tcp', host: 'localhost', port: 1 }],
    ['unix:/run/ofctl.sock', { kind: 'unix', path: '/run/ofctl.sock' }],
  ])('%s parses and formats back', (text, addr) => {
    expect(parseListenAddress(text)).toEqual(addr);
    expect(formatListenAddress(parseListenAddress(text))).toBe(text);
  });

  test.each([
    ['127.0.0.1:6653', /expected tcp:HOST:PORT/],
    ['tcp:6653', /needs both a host and a port/],
    ['tcp:127.0.0.1:70000', /port 70000 is above 65535/],
    ['tcp:127.0.0.1:', /needs both a host and a port/],
    ['tcp:[zz]:1', /not an IPv6 address|needs both/],
    ['unix:', /has no path/],
  ])('%s is refused with a reason', (text, reason) => {
    expect(() => parseListenAddress(text)).toThrow(reason);
  });
});

describe('config file', () => {
  test('every key is read; app paths are relative to the file', () => {
    const s = parseConfigFile(
      JSON.stringify({
        listen: ['tcp:127.0.0.1:7000', 'unix:/tmp/c.sock'],
        apps: ['l2-learning', './my-app.js'],
        appConfig: { 'l2-learning': { idleTimeout: 5 } },
        logLevel: 'debug',
        pretty: true,
        missSendLen: 128,
        echoInterval: 1.5,
        echoTimeout: 4,
        requestTimeout: 2,
        outputLimit: 1048576,
        flowModel: true,
      }),
      '/etc/ofctl/controller.json',
    );
    expect(s).toEqual({
      listen: ['tcp:127.0.0.1:7000', 'unix:/tmp/c.sock'],
      apps: ['l2-learning', '/etc/ofctl/my-app.js'],
      appConfig: { 'l2-learning': { idleTimeout: 5 } },
      logLevel: 'debug',
      pretty: true,
      missSendLen: 128,
      echoInterval: 1.5,
      echoTimeout: 4,
      requestTimeout: 2,
      outputLimit: 1048576,
      flowModel: true,
    });
  });

  test.each([
    ['{', /^c\.json: not valid JSON/],
    ['[]', /^c\.json: expected an object, got a list/],
    ['{"listn": []}', /^c\.json: listn: unknown key; expected one of: listen, connect, apps/],
    ['{"listen": "tcp:1.2.3.4"}', /^c\.json: listen: listen address .* needs both a host/],
    [
      '{"logLevel": "loud"}',
      /^c\.json: logLevel: expected one of "fatal", "error", "warn", "info"/,
    ],
    ['{"missSendLen": 65530}', /^c\.json: missSendLen: expected 0 to 65509 or 65535/],
    ['{"echoInterval": 0}', /^c\.json: echoInterval: expected a number from 0.05 to 86400, got 0/],
    ['{"outputLimit": 1000}', /^c\.json: outputLimit: expected an integer from 65536/],
    ['{"apps": [1]}', /^c\.json: apps\[0\]: expected a non-empty string, got 1$/],
    ['{"apps": 1}', /^c\.json: apps: expected a string or a list of strings, got 1$/],
    ['{"appConfig": 3}', /^c\.json: appConfig: expected an object, got 3/],
    ['{"pretty": "yes"}', /^c\.json: pretty: expected true or false, got "yes"/],
  ])('%s is refused naming the file and key', (text, message) => {
    expect(() => parseConfigFile(text, 'c.json')).toThrow(message);
  });
});

describe('controller command line', () => {
  test('flags in both forms, repeated listen and app', () => {
    const a = parseControllerArgs([
      '--listen',
      'tcp:127.0.0.1:1',
      '--listen=tcp:127.0.0.1:2',
      '--app',
      'l2-learning',
      '--app=./x.js',
      '--log-level=warn',
      '--miss-send-len',
      '0',
      '--echo-interval',
      '0.5',
      '--echo-timeout=2',
      '--request-timeout',
      '3',
      '--output-limit',
      '16M',
      '--pretty',
      '--flow-model',
    ]);
    expect(a.help).toBe(false);
    expect(a.settings).toEqual({
      listen: ['tcp:127.0.0.1:1', 'tcp:127.0.0.1:2'],
      apps: ['l2-learning', './x.js'],
      logLevel: 'warn',
      missSendLen: 0,
      echoInterval: 0.5,
      echoTimeout: 2,
      requestTimeout: 3,
      outputLimit: 16 * 1024 * 1024,
      pretty: true,
      flowModel: true,
    });
    expect(parseControllerArgs(['-h']).help).toBe(true);
  });

  test.each([
    [['--bogus'], /unknown option --bogus/],
    [['extra'], /unexpected argument "extra"/],
    [['--listen'], /--listen needs a value/],
    [['--listen', 'localhost'], /--listen: listen address "localhost"/],
    [['--log-level', 'chatty'], /--log-level: expected one of/],
    [['--echo-timeout', '-1'], /--echo-timeout: expected a number, got "-1"/],
    [['--echo-interval', '0'], /--echo-interval: expected 0.05 to 86400 seconds, got 0/],
    [['--miss-send-len', '70000'], /--miss-send-len: expected an integer from 0 to 65535/],
    [['--output-limit', 'lots'], /--output-limit: expected a size like/],
    [['--output-limit', '1k'], /--output-limit: expected an integer from 65536/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseControllerArgs(argv)).toThrow(message);
  });

  test('flags override the config file, which overrides the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofctl-settings-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ echoInterval: 2, echoTimeout: 7, logLevel: 'debug' }));
      const s = resolveSettings(parseControllerArgs(['--config', file, '--echo-timeout', '3']));
      expect(s.echoInterval).toBe(2);
      expect(s.echoTimeout).toBe(3);
      expect(s.logLevel).toBe('debug');
      expect(s.listen).toEqual(DEFAULT_SETTINGS.listen);
      expect(s.apps).toEqual(['l2-learning']);
      const missing = parseControllerArgs(['--config', join(dir, 'nope.json')]);
      expect(() => resolveSettings(missing)).toThrow(
        `cannot read config ${join(dir, 'nope.json')}: no such file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the engine model factory by default; --no-flow-model turns it off', () => {
    const off = resolveSettings(parseControllerArgs(['--no-flow-model']));
    expect(controllerOptions(off).flowModel).toBeUndefined();
    expect(controllerOptions(DEFAULT_SETTINGS).flowModel).toBe(engineFlowModel);
    const on = resolveSettings(parseControllerArgs(['--flow-model']));
    expect(controllerOptions(on).flowModel).toBe(engineFlowModel);
  });

  test('the defaults become the runtime options', () => {
    expect(controllerOptions(DEFAULT_SETTINGS)).toEqual({
      listen: [{ kind: 'tcp', host: '127.0.0.1', port: 6653 }],
      connect: [],
      missSendLen: 0xffff,
      echoIntervalMs: 5000,
      echoTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      handshakeTimeoutMs: 20_000,
      outputSoftLimit: 8 * 1024 * 1024,
      outputHardLimit: 32 * 1024 * 1024,
      flowModel: engineFlowModel,
    });
  });
});
