/**
 * The OVSDB client against a real ovsdb-server (with ovs-vswitchd, in a namespace of its
 * own), both directions: dialing its unix socket (`--ovsdb unix:PATH`), and accepting
 * the connection ovsdb-server opens after `ovs-vsctl set-manager` (`--ovsdb-listen`;
 * the server reaches the test's TCP listener through a unix relay in its run dir). The
 * replica follows ovs-vsctl live, transact writes what ovs-vsctl then reads, and a lost
 * connection comes back by itself.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  bridgeByDatapathId,
  bridgesOf,
  encodeMap,
  OvsdbClient,
  OvsdbHub,
  parseOvsdbAddress,
  type Replica,
} from '../../src/ovsdb/index.js';
import { createLogger } from '../../src/runtime/internal.js';
import { createTestbed, type OvsInstance } from '../harness/index.js';

const TIMEOUT = 60_000;
const records: { level: number; msg: string }[] = [];
const log = createLogger({
  level: 'debug',
  pretty: false,
  stream: { write: (l: string) => void records.push(JSON.parse(l)) },
});

/** `name tag=.. type` per port of the bridge, from the replica. */
function ports(replica: Replica, bridge: string): string[] {
  const b = bridgesOf(replica).find((x) => x.name === bridge);
  return (b?.ports ?? []).map(
    (p) => `${p.name}${p.tag === undefined ? '' : ` tag=${p.tag}`}${p.fakeBridge ? ' fake' : ''}`,
  );
}

describe('OVSDB client against ovsdb-server', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;

  beforeAll(async () => {
    ovs = await tb.startOvs();
    await ovs.addBridge('br-eth1', { dpid: 0x11, failMode: 'secure' });
  }, TIMEOUT);
  afterAll(() => tb.teardown(), TIMEOUT);

  test('dial unix:PATH: monitor, live updates, fake bridge, transact, reconnect', async () => {
    const client = OvsdbClient.dial(parseOvsdbAddress(`unix:${ovs.dbSocket}`), {
      log,
      backoff: { minMs: 50, maxMs: 400 },
    });
    tb.defer(() => client.close());
    await vi.waitFor(() => expect(client.connected).toBe(true), { timeout: 10_000 });
    const r = client.replica;
    expect(bridgeByDatapathId(r, 0x11n)?.name).toBe('br-eth1');

    await ovs.vsctl('add-br', 'vlan2', 'br-eth1', '2');
    await ovs.vsctl('add-port', 'vlan2', 'vm9', '--', 'set', 'Interface', 'vm9', 'type=internal');
    await vi.waitFor(() =>
      expect(ports(r, 'br-eth1')).toEqual(['br-eth1', 'vlan2 tag=2 fake', 'vm9 tag=2']),
    );
    expect(bridgeByDatapathId(r, 0x11n)?.fakeBridges).toEqual([{ name: 'vlan2', tag: 2 }]);

    await ovs.vsctl('set', 'Port', 'vm9', 'tag=3');
    await vi.waitFor(() => expect(ports(r, 'br-eth1')).toContain('vm9 tag=3'));

    // transact: what a cloud does to a VM port, read back with ovs-vsctl.
    await client.transact([
      {
        op: 'mutate',
        table: 'Interface',
        where: [['name', '==', 'vm9']],
        mutations: [['external_ids', 'insert', encodeMap([['iface-id', 'tenant-a-9']])]],
      },
    ]);
    expect(await ovs.vsctl('get', 'Interface', 'vm9', 'external_ids:iface-id')).toBe('tenant-a-9');
    await expect(client.transact([{ op: 'insert', table: 'Nope', row: {} }])).rejects.toThrow(
      /operation 0 \(insert\): syntax error: .*No table named Nope/,
    );

    // The server drops every connection of the socket we use: the client dials again.
    const sock = join(ovs.rundir, 'extra.sock');
    const ctl = join(ovs.rundir, 'ovsdb-server.ctl');
    await ovs.exec('ovs-appctl', '-t', ctl, 'ovsdb-server/add-remote', `punix:${sock}`);
    const second = OvsdbClient.dial(parseOvsdbAddress(`unix:${sock}`), {
      log,
      backoff: { minMs: 50, maxMs: 200 },
    });
    tb.defer(() => second.close());
    await vi.waitFor(() => expect(second.connected).toBe(true), { timeout: 10_000 });
    await ovs.exec('ovs-appctl', '-t', ctl, 'ovsdb-server/remove-remote', `punix:${sock}`);
    await vi.waitFor(() => expect(second.connected).toBe(false), { timeout: 10_000 });
    // While away the replica keeps its last state...
    expect(ports(second.replica, 'br-eth1')).toContain('vm9 tag=3');
    await ovs.vsctl('del-port', 'vm9');
    await ovs.exec('ovs-appctl', '-t', ctl, 'ovsdb-server/add-remote', `punix:${sock}`);
    // ...and the next initial dump replaces it whole.
    await vi.waitFor(() => expect(second.connected).toBe(true), { timeout: 10_000 });
    expect(ports(second.replica, 'br-eth1')).toEqual(['br-eth1', 'vlan2 tag=2 fake']);
  });

  test('listen (manager direction): ovs-vsctl set-manager makes the server dial us', async () => {
    const hub = new OvsdbHub({
      dial: [],
      listen: parseOvsdbAddress('tcp:127.0.0.1:0', { listen: true }),
      log,
    });
    await hub.start();
    tb.defer(() => hub.stop());
    const port = hub.listenAddress?.kind === 'tcp' ? hub.listenAddress.port : 0;
    const relay = await tb.startRelay(ovs, port);
    const changes: string[] = [];
    hub.onChange((db, tables) => changes.push(`${db.name} ${[...tables].join(',')}`));
    await ovs.vsctl('set-manager', relay.target);
    await vi.waitFor(() => expect(hub.databases().filter((d) => d.connected)).toHaveLength(1), {
      timeout: 10_000,
    });
    const found = hub.bridgeForDatapath(0x11n);
    expect(found?.bridge.name).toBe('br-eth1');
    expect(found?.db.name).toMatch(/^manager tcp:127\.0\.0\.1:\d+$/);
    await ovs.vsctl(
      'add-port',
      'br-eth1',
      'vm5',
      'tag=5',
      '--',
      'set',
      'Interface',
      'vm5',
      'type=internal',
    );
    await vi.waitFor(() =>
      expect(hub.bridgeForDatapath(0x11n)?.bridge.ports.map((p) => p.name)).toContain('vm5'),
    );
    expect(changes.length).toBeGreaterThan(1);
    await ovs.vsctl('del-manager');
    await vi.waitFor(() => expect(hub.databases().every((d) => !d.connected)).toBe(true), {
      timeout: 10_000,
    });
    // Gone, but its last state stays (the switches' flows need not change).
    expect(hub.bridgeForDatapath(0x11n)?.bridge.name).toBe('br-eth1');
  });

  test('nothing was malformed on the way', () => {
    expect(records.filter((r) => r.msg.startsWith('malformed'))).toEqual([]);
  });
});
