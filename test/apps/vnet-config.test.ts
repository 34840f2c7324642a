/**
 * vnet configuration: the example files load into the expected typed, frozen config,
 * and every kind of mistake fails at load with the file, the key path and what was
 * expected.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  configFromJson,
  DEFAULT_MAC_IDLE_TIMEOUT,
  loadConfig,
  parseConfig,
} from '../../apps/vnet/config.js';
import vnetApp from '../../apps/vnet/index.js';
import { ConfigError } from '../../src/runtime/config.js';
import { clone, exampleConfig, exampleSection } from './vnet-support.js';

const WHERE = 'vnet.json: appConfig.vnet';

function errorOf(raw: unknown): ConfigError {
  try {
    configFromJson(raw, WHERE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('config was accepted');
}

const NO_OVSDB_RECOGNITION = { fakeBridge: undefined, ifaceIdPrefix: undefined };

describe('example configs', () => {
  test('flows/vnet-gre.json: two tenants over a tunnel on two datapaths', () => {
    const c = exampleConfig('vnet-gre.json');
    expect(c.source).toBe('flows/vnet-gre.json: appConfig.vnet');
    expect(c.macIdleTimeout).toBe(300);
    expect([...c.networks.values()]).toEqual([
      { name: 'tenant-a', vlan: 10, tunnelKey: 100, ...NO_OVSDB_RECOGNITION, tags: [10] },
      { name: 'tenant-b', vlan: 20, tunnelKey: 200, ...NO_OVSDB_RECOGNITION, tags: [20] },
    ]);
    expect(c.ovsdb).toBeUndefined();
    expect(c.datapaths.map((d) => [d.name, d.dpid])).toEqual([
      ['host1-br-gre', 1n],
      ['host2-br-gre', 2n],
    ]);
    expect(c.datapaths[0]!.ports).toEqual([
      { name: 'vm1', number: undefined, mode: 'access', network: 'tenant-a' },
      { name: 'vm3', number: undefined, mode: 'access', network: 'tenant-b' },
      { name: 'gre0', number: undefined, mode: 'tunnel', networks: ['tenant-a', 'tenant-b'] },
    ]);
  });

  test('flows/vnet-vlan.json: a trunk carrying VLANs 2 and 3', () => {
    const c = exampleConfig('vnet-vlan.json');
    expect([...c.networks.values()].map((n) => [n.vlan, n.tunnelKey])).toEqual([
      [2, undefined],
      [3, undefined],
    ]);
    const eth1 = c.datapaths[1]!.ports.find((p) => p.name === 'eth1');
    expect(eth1).toEqual({
      name: 'eth1',
      number: undefined,
      mode: 'trunk',
      networks: ['vlan2', 'vlan3'],
      native: undefined,
    });
    expect(c.datapaths[1]!.dpid).toBe(0x12n);
  });

  test('the validated config is frozen', () => {
    const c = exampleConfig('vnet-gre.json');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.datapaths[0]!.ports[2])).toBe(true);
    expect(() => (c.datapaths as unknown[]).push({})).toThrow(TypeError);
  });

  test('defaults, dpid spellings, port numbers and a native VLAN', () => {
    const c = configFromJson(
      {
        networks: { a: { vlan: 5 }, b: { vlan: 6 } },
        datapaths: {
          br0: { ports: { p1: { mode: 'trunk', networks: ['a'], native: 'b', number: 7 } } },
          x: { dpid: '00:00:00:00:00:00:00:2a', ports: { p: { mode: 'access', network: 'a' } } },
          y: { dpid: 43, ports: { p: { mode: 'access', network: 'a' } } },
        },
      },
      WHERE,
    );
    expect(c.macIdleTimeout).toBe(DEFAULT_MAC_IDLE_TIMEOUT);
    expect(c.datapaths.map((d) => d.dpid)).toEqual([undefined, 42n, 43n]);
    expect(c.datapaths[0]!.ports[0]).toEqual({
      name: 'p1',
      number: 7,
      mode: 'trunk',
      networks: ['a'],
      native: 'b',
    });
  });
});

describe('errors name the file, the key and what was expected', () => {
  const base = exampleSection('vnet-gre.json') as Record<string, Record<string, unknown>>;
  type Raw = typeof base & { [k: string]: unknown };
  const cases: [string, (c: Raw) => void, string][] = [
    [
      'unknown top-level key',
      (c) => {
        c.networkz = {};
      },
      `${WHERE}.networkz: unknown key; expected one of: description, macIdleTimeout, networks, datapaths, ovsdb`,
    ],
    [
      'VLAN out of range',
      (c) => {
        (c.networks!['tenant-a'] as Record<string, unknown>).vlan = 4095;
      },
      `${WHERE}.networks.tenant-a.vlan: expected an integer from 1 to 4094, got 4095`,
    ],
    [
      'duplicate VLAN',
      (c) => {
        (c.networks!['tenant-b'] as Record<string, unknown>).vlan = 10;
      },
      `${WHERE}.networks.tenant-b.vlan: VLAN 10 is already used by network "tenant-a"`,
    ],
    [
      'duplicate tunnel key',
      (c) => {
        (c.networks!['tenant-b'] as Record<string, unknown>).tunnelKey = 100;
      },
      `${WHERE}.networks.tenant-b.tunnelKey: tunnel key 100 is already used by network "tenant-a"`,
    ],
    [
      'unknown network on a port',
      (c) => {
        const dp = c.datapaths!['host1-br-gre'] as {
          ports: Record<string, { networks?: string[] }>;
        };
        dp.ports.gre0!.networks = ['tenant-a', 'tenant-c'];
      },
      `${WHERE}.datapaths.host1-br-gre.ports.gre0.networks[1]: expected the name of a network defined under "networks" ("tenant-a", "tenant-b"), got "tenant-c"`,
    ],
    [
      'bad port mode',
      (c) => {
        const dp = c.datapaths!['host2-br-gre'] as { ports: Record<string, { mode: string }> };
        dp.ports.vm2!.mode = 'acess';
      },
      `${WHERE}.datapaths.host2-br-gre.ports.vm2.mode: expected one of "access", "trunk", "tunnel", got "acess"`,
    ],
    [
      'a key that belongs to another mode',
      (c) => {
        const dp = c.datapaths!['host2-br-gre'] as {
          ports: Record<string, Record<string, unknown>>;
        };
        dp.ports.vm2!.native = 'tenant-b';
      },
      `${WHERE}.datapaths.host2-br-gre.ports.vm2.native: unknown key; expected one of: description, mode, number, network`,
    ],
    [
      'bad dpid',
      (c) => {
        (c.datapaths!['host1-br-gre'] as Record<string, unknown>).dpid = '0xnothex';
      },
      `${WHERE}.datapaths.host1-br-gre.dpid: expected a datapath ID (up to 16 hex digits, "0x1" or "00:00:..:01"), got "0xnothex"`,
    ],
    [
      'duplicate dpid',
      (c) => {
        (c.datapaths!['host2-br-gre'] as Record<string, unknown>).dpid = '1';
      },
      `${WHERE}.datapaths.host2-br-gre.dpid: same dpid as datapath "host1-br-gre"`,
    ],
    [
      'tunnel network without a key',
      (c) => {
        delete (c.networks!['tenant-b'] as Record<string, unknown>).tunnelKey;
      },
      `${WHERE}.datapaths.host1-br-gre.ports.gre0.networks[1]: network "tenant-b" is carried over a tunnel but has no "tunnelKey" under networks.tenant-b`,
    ],
    [
      'missing networks',
      (c) => {
        delete (c as Record<string, unknown>).networks;
      },
      `${WHERE}.networks: missing; this key is required`,
    ],
    [
      'duplicate port number',
      (c) => {
        const dp = c.datapaths!['host1-br-gre'] as {
          ports: Record<string, Record<string, unknown>>;
        };
        dp.ports.vm1!.number = 4;
        dp.ports.vm3!.number = 4;
      },
      `${WHERE}.datapaths.host1-br-gre.ports.vm3.number: same number as port "vm1"`,
    ],
    [
      'empty trunk',
      (c) => {
        const dp = c.datapaths!['host1-br-gre'] as { ports: Record<string, unknown> };
        dp.ports.eth9 = { mode: 'trunk' };
      },
      `${WHERE}.datapaths.host1-br-gre.ports.eth9: a trunk needs "networks" (tagged), "native" (untagged), or both`,
    ],
    [
      'native also tagged',
      (c) => {
        const dp = c.datapaths!['host1-br-gre'] as { ports: Record<string, unknown> };
        dp.ports.eth9 = { mode: 'trunk', networks: ['tenant-a'], native: 'tenant-a' };
      },
      `${WHERE}.datapaths.host1-br-gre.ports.eth9.native: network "tenant-a" is both native (untagged) and tagged on this trunk`,
    ],
    [
      'idle timeout of the wrong type',
      (c) => {
        (c as Record<string, unknown>).macIdleTimeout = '300';
      },
      `${WHERE}.macIdleTimeout: expected an integer from 0 to 65535, got "300"`,
    ],
  ];

  test.each(cases)('%s', (_name, mutate, message) => {
    const raw = clone(base) as Raw;
    mutate(raw);
    expect(errorOf(raw).message).toBe(message);
  });

  test('a JSON syntax error names the file and the line', () => {
    expect(() => parseConfig('{\n  "networks": {,\n}', 'bad.json')).toThrow(
      /^bad\.json: not valid JSON at line 2, column 16: Expected property name/,
    );
  });

  test('loadConfig reads a file; an unreadable one is a ConfigError naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnet-config-'));
    const file = join(dir, 'vnet.json');
    writeFileSync(file, JSON.stringify(exampleSection('vnet-vlan.json')));
    expect(loadConfig(file).datapaths.map((d) => d.name)).toEqual([
      'host1-br-eth1',
      'host2-br-eth1',
    ]);
    expect(() => loadConfig(join(dir, 'missing.json'))).toThrow(
      `cannot read vnet config ${join(dir, 'missing.json')}: no such file`,
    );
  });

  test('the app refuses to start without its section', () => {
    expect(() => vnetApp.validateConfig!(undefined, 'c.json: appConfig.vnet')).toThrow(
      'c.json: appConfig.vnet: vnet needs a configuration (networks and datapaths) here',
    );
  });
});
