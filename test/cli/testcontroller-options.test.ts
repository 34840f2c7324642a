/**
 * ovs-testcontroller's command line as `ofctl-ts controller` reads it: connection
 * methods, getopt-style options (bundles, attached values, --opt=value), the precedence
 * rules of ovs-testcontroller.c, and a refusal naming every option it does not support.
 */
import { describe, expect, test } from 'vitest';
import { WILDCARDS_L2 } from '../../apps/lswitch/match.js';
import { parseControllerArgs, resolveSettings } from '../../src/cli/controller.js';
import {
  passiveToListen,
  TestcontrollerUsageError,
  takeTestcontrollerArgs,
} from '../../src/cli/testcontroller-options.js';

const tc = (...argv: string[]) => takeTestcontrollerArgs(argv).tc;

describe('connection methods', () => {
  test.each([
    ['ptcp:', 'tcp:0.0.0.0:6653'],
    ['ptcp:6633', 'tcp:0.0.0.0:6633'],
    ['ptcp:6633:127.0.0.1', 'tcp:127.0.0.1:6633'],
    ['ptcp::127.0.0.1', 'tcp:127.0.0.1:6653'],
    ['ptcp:6653:[::1]', 'tcp:[::1]:6653'],
    ['pssl:6654', 'ssl:0.0.0.0:6654'],
    ['punix:/run/ctl.sock', 'unix:/run/ctl.sock'],
  ])('%s listens on %s', (method, address) => {
    expect(passiveToListen(method)).toBe(address);
  });

  test('active methods dial, with the port defaulting to 6653', () => {
    const { connect, listen } = tc('tcp:192.0.2.1', 'ssl:[2001:db8::1]:6600', 'unix:/tmp/sw');
    expect(connect).toEqual(['tcp:192.0.2.1', 'ssl:[2001:db8::1]:6600', 'unix:/tmp/sw']);
    expect(listen).toEqual([]);
  });

  test('a malformed method is a usage error naming it', () => {
    expect(() => tc('ptcp:abc')).toThrow(/ptcp:abc: expected ptcp:\[PORT\]\[:IP\]/);
    expect(() => tc('tcp:host:99999')).toThrow(TestcontrollerUsageError);
  });

  test('methods replace the default listen address; lswitch runs', () => {
    const args = parseControllerArgs(['ptcp:6653:127.0.0.1', 'tcp:10.0.0.9']);
    expect(args.settings.listen).toEqual(['tcp:127.0.0.1:6653']);
    expect(args.settings.connect).toEqual(['tcp:10.0.0.9']);
    expect(args.settings.apps).toEqual(['lswitch']);
  });

  test('ofctl-ts with no ovs-testcontroller argument keeps its own defaults', () => {
    const s = resolveSettings(parseControllerArgs([]));
    expect(s.apps).toEqual(['l2-learning']);
    expect(s.connect).toEqual([]);
  });
});

describe('options', () => {
  test('modes, bundled short options and attached values', () => {
    expect(tc('-Hn').lswitch).toEqual({ mode: 'hub', setUpFlows: false });
    expect(tc('-N').lswitch).toEqual({ mode: 'normal' });
    expect(tc('-w').lswitch).toEqual({ wildcards: WILDCARDS_L2 });
    expect(tc('-w0x2000ec').lswitch).toEqual({ wildcards: 0x2000ec });
    expect(tc('--wildcards=ff').lswitch).toEqual({ wildcards: 0xff });
    expect(tc('-q', '3', '-Qeth0:7').lswitch).toEqual({ queue: 3, portQueues: { eth0: 7 } });
    expect(tc('--port-queue', 'eth1:2', '--queue=4').lswitch).toEqual({
      queue: 4,
      portQueues: { eth1: 2 },
    });
  });

  test('--max-idle: seconds or permanent, with ovs-testcontroller message otherwise', () => {
    expect(tc('--max-idle=30').lswitch).toEqual({ maxIdle: 30 });
    expect(tc('--max-idle', 'permanent').lswitch).toEqual({ maxIdle: 'permanent' });
    expect(() => tc('--max-idle=0')).toThrow(
      "--max-idle argument must be between 1 and 65535 or the word 'permanent'",
    );
  });

  test('queues win over -N and -H, with the words ovs-testcontroller prints', () => {
    const n = tc('-N', '-q', '1');
    expect(n.lswitch?.mode).toBe('learn');
    expect(n.warnings).toEqual([
      'queue IDs are incompatible with -N or --normal; not using OFPP_NORMAL',
    ]);
    const h = tc('-H', '-Qeth0:1');
    expect(h.lswitch?.mode).toBe('learn');
    expect(h.warnings).toEqual(['queue IDs are incompatible with -H or --hub; not acting as hub']);
  });

  test('-Q needs PORT:QUEUE, once per port', () => {
    expect(() => tc('-Q', 'eth0')).toThrow(/<port-name>:<queue-id>/);
    expect(() => tc('-Q', 'eth0:1', '-Q', 'eth0:2')).toThrow(/must be unique/);
  });

  test('daemon, logging, SSL and protocol options', () => {
    const t = tc(
      '--pidfile',
      '--detach',
      '--log-file=/tmp/x.log',
      '--unixctl=/tmp/c',
      '-p',
      'k.pem',
      '-c',
      'c.pem',
      '-C',
      'ca.pem',
      '-O',
      'OpenFlow10,OpenFlow13',
      '-vdbg',
    );
    expect(t.daemon).toEqual({
      pidfile: '',
      detach: true,
      logFile: '/tmp/x.log',
      unixctl: '/tmp/c',
    });
    expect(t.tls).toEqual({ key: 'k.pem', cert: 'c.pem', ca: 'ca.pem' });
    expect(t.logLevel).toBe('debug');
    expect(tc('-vconsole:warn').logLevel).toBe('warn');
    expect(() => tc('-O', 'OpenFlow10')).toThrow(/OpenFlow 1.3 only/);
  });

  test.each([
    '--mute',
    '--monitor',
    '--user=ovs',
    '--ssl-ciphers=ALL',
    '--syslog-target=host:514',
    '--bootstrap-ca-cert=ca.pem',
  ])('%s is refused with a message naming it', (opt) => {
    expect(() => tc(opt)).toThrow(new RegExp(`^${opt.split('=')[0]} is not supported: `));
  });

  test("ofctl-ts's own options pass through untouched", () => {
    const own = ['--listen', '--app'];
    const { rest } = takeTestcontrollerArgs(
      ['--listen', 'tcp:127.0.0.1:6653', '-h', '--app', 'vnet', '-H'],
      own,
    );
    expect(rest).toEqual(['--listen', 'tcp:127.0.0.1:6653', '-h', '--app', 'vnet']);
  });

  test('lswitch options with another --app are a usage error; with --app lswitch they apply', () => {
    expect(() => parseControllerArgs(['--app', 'l2-learning', '-H'])).toThrow(/add --app lswitch/);
    const s = resolveSettings(parseControllerArgs(['--app', 'lswitch', '-H', 'ptcp:']));
    expect(s.appConfig.lswitch).toEqual({ mode: 'hub' });
  });

  test("values of ofctl-ts's own options are never taken for methods (--api tcp:...)", () => {
    const args = parseControllerArgs(['--api', 'tcp:127.0.0.1:0', '--listen', 'tcp:127.0.0.1:0']);
    expect(args.settings.connect).toBeUndefined();
    expect(args.api).toEqual({ '--api': 'tcp:127.0.0.1:0' });
  });

  test('--workers cannot share switches to dial', () => {
    expect(() => parseControllerArgs(['--workers', '2', 'tcp:10.0.0.1'])).toThrow(/--workers/);
  });
});
