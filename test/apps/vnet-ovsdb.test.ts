/**
 * vnet with its ports from OVSDB: the placement rules (ports-ovsdb.ts) on bridges built
 * the way ovs-vsctl builds them, and the handlers following the database live against a
 * fake datapath that records every flow-mod, to show that a port added, retagged, moved
 * or removed costs only its own flows (and its network's flood flows), nothing else.
 */
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { configFromJson, type VnetConfig } from '../../apps/vnet/config.js';
import { createHandlers } from '../../apps/vnet/handlers.js';
import { ovsdbDatapath } from '../../apps/vnet/ports-ovsdb.js';
import { type FlowMod, FlowModCommand, type Port, type PortStatus } from '../../src/codec/index.js';
import { bridgeByDatapathId } from '../../src/ovsdb/index.js';
import type { Datapath, Outgoing } from '../../src/runtime/app.js';
import { createLogger } from '../../src/runtime/log.js';
import { makePort } from '../runtime/fake-switch.js';
import { FakeOvsdb } from './vnet-ovsdb-support.js';
import { fmtFlow } from './vnet-support.js';

const DPID = 0x11n;

function config(extra: Record<string, unknown> = {}): VnetConfig {
  return configFromJson(
    {
      networks: {
        vlan2: { vlan: 2 },
        vlan3: { vlan: 3 },
        'tenant-a': { vlan: 10, tunnelKey: 100, ifaceIdPrefix: 'tenant-a-' },
        'tenant-b': { vlan: 20, tunnelKey: 200 },
      },
      ovsdb: {},
      ...extra,
    },
    'test: appConfig.vnet',
  );
}

/** The seed's VLAN mode: br-eth1 with eth1, fake bridge vlan2 (tag 2), VMs on it. */
function vlanHost(): FakeOvsdb {
  const db = new FakeOvsdb();
  db.bridge('br-eth1', DPID);
  db.port('br-eth1', 'eth1');
  db.fakeBridge('br-eth1', 'vlan2', 2);
  db.port('br-eth1', 'vm1', { tag: 2 }); // ovs-vsctl add-port vlan2 vm1
  db.port('br-eth1', 'vm3', { tag: 3 });
  return db;
}

function placed(db: FakeOvsdb, cfg = config()) {
  const bridge = bridgeByDatapathId(db.replica, DPID)!;
  const r = ovsdbDatapath(bridge, DPID, cfg, 'host1/br-eth1');
  return {
    ports: r.datapath.ports.map((p) =>
      p.mode === 'access'
        ? `${p.name} access ${p.network}`
        : `${p.name} ${p.mode} ${p.networks.join(',')}`,
    ),
    problems: r.problems.map((p) => `${p.port}: ${p.problem}`),
  };
}

describe('ports from OVSDB: placement rules', () => {
  test('VLAN mode: tag (fake bridge ports included) is access, the NIC is a trunk of all', () => {
    expect(placed(vlanHost())).toEqual({
      ports: [
        'eth1 trunk vlan2,vlan3,tenant-a,tenant-b',
        'vlan2 access vlan2',
        'vm1 access vlan2',
        'vm3 access vlan3',
      ],
      problems: [],
    });
  });

  test('a network named by its fake bridge takes whatever tag that bridge has on the host', () => {
    const db = vlanHost();
    db.fakeBridge('br-eth1', 'blue', 300);
    db.port('br-eth1', 'vm5', { tag: 300 });
    const cfg = configFromJson(
      { networks: { vlan2: { vlan: 2 }, blue: { vlan: 30, fakeBridge: 'blue' } }, ovsdb: {} },
      't',
    );
    expect(placed(db, cfg)).toEqual({
      ports: [
        'blue access blue',
        'eth1 trunk vlan2,blue',
        'vlan2 access vlan2',
        'vm1 access vlan2',
        'vm5 access blue',
      ],
      problems: ['vm3: tag 3: no network declares it (networks.NAME.tags or fakeBridge)'],
    });
  });

  test('GRE mode: key=flow carries every keyed network; tags and iface-ids place the VMs', () => {
    const db = new FakeOvsdb();
    db.bridge('br-eth1', DPID);
    db.port('br-eth1', 'gre0', {
      type: 'gre',
      options: { remote_ip: '192.168.100.2', key: 'flow' },
    });
    db.port('br-eth1', 'vm1', { tag: 10 });
    db.port('br-eth1', 'vm3', {
      ifaceExternalIds: { 'iface-id': 'tenant-a-7', 'attached-mac': '02:00:00:00:01:03' },
    });
    db.port('br-eth1', 'vm4', { ifaceExternalIds: { 'iface-id': '5d1c-bound' } });
    db.port('br-eth1', 'vm5');
    const cfg = config({ ovsdb: { bindings: { '5d1c-bound': 'tenant-b' } } });
    expect(placed(db, cfg)).toEqual({
      ports: [
        'gre0 tunnel tenant-a,tenant-b',
        'vm1 access tenant-a',
        'vm3 access tenant-a',
        'vm4 access tenant-b',
      ],
      problems: [
        'vm5: untagged port on a bridge whose tunnels carry several networks: give it a tag, or external_ids:iface-id',
      ],
    });
  });

  test("fixed keys: each tunnel carries its key's network; untagged VMs join the only one", () => {
    const db = new FakeOvsdb();
    db.bridge('br-eth1', DPID);
    db.port('br-eth1', 'gre1', { type: 'gre', options: { remote_ip: '10.0.0.2', key: '200' } });
    db.port('br-eth1', 'vm1');
    db.port('br-eth1', 'vx0', { type: 'vxlan', options: { remote_ip: '10.0.0.3', key: '200' } });
    db.port('br-eth1', 'gre9', { type: 'gre', options: { remote_ip: '10.0.0.4', key: '999' } });
    db.port('br-eth1', 'gre8', { type: 'gre', options: { remote_ip: '10.0.0.5' } });
    expect(placed(db)).toEqual({
      ports: ['gre1 tunnel tenant-b', 'vx0 tunnel tenant-b'],
      problems: [
        'gre8: gre tunnel without options:key: set options:key=flow (every network, by tun_id) or options:key=N',
        'gre9: options:key=999: no network declares tunnelKey 999',
        'vm1: untagged port on a bridge whose tunnels carry several networks: give it a tag, or external_ids:iface-id',
      ],
    });
    db.remove('gre9');
    db.remove('gre8');
    expect(placed(db).ports).toEqual([
      'gre1 tunnel tenant-b',
      'vm1 access tenant-b',
      'vx0 tunnel tenant-b',
    ]);
  });

  test('trunks=2,3 is a trunk of those VLANs; untagged internal ports get nothing', () => {
    const db = vlanHost();
    db.port('br-eth1', 'vm6', { trunks: [2, 3] });
    db.port('br-eth1', 'mgmt0', { type: 'internal' });
    db.port('br-eth1', 'patch-int', { type: 'patch', options: { peer: 'patch-tun' } });
    expect(placed(db).ports).toContain('vm6 trunk vlan2,vlan3');
    expect(placed(db).ports.join()).not.toMatch(/mgmt0|patch-int|br-eth1/);
  });
});

/** A Datapath recording flow-mods as lines: `ADD ...`, `DEL ...`, `BARRIER`. */
function fakeDatapath(ports: Port[], log: Datapath['log']) {
  const sent: string[] = [];
  const portMap = new Map(ports.map((p) => [p.portNo, p]));
  const dp = {
    dpid: DPID,
    dpidHex: '0000000000000011',
    features: {} as Datapath['features'],
    ports: portMap,
    connected: true,
    log,
    model: undefined,
    send(msg: Outgoing) {
      if (msg.type !== 'flow_mod') return 0;
      const m = { ...msg, xid: 0 } as FlowMod;
      if (m.command === FlowModCommand.ADD) sent.push(`ADD ${fmtFlow(m)}`);
      else sent.push(`DEL ${fmtFlow(m).split(' -> ')[0]}`);
      return 0;
    },
    request: () => Promise.reject(new Error('not used')),
    async barrier() {
      sent.push('BARRIER');
    },
    sendTemplate: () => 0,
    flowMod: () => 0,
    deleteFlows: () => 0,
    packetOut: () => 0,
    flowStats: async () => [],
    compareWithModel: () => Promise.reject(new Error('not used')),
    role: 'equal' as const,
    mayWrite: true,
  } satisfies Datapath;
  return { dp, sent, portMap };
}

function setup(db: FakeOvsdb) {
  const records: { level: number; msg: string; port?: string }[] = [];
  const log = createLogger({
    level: 'info',
    pretty: false,
    stream: { write: (l: string) => void records.push(JSON.parse(l)) },
  });
  // OpenFlow numbers: eth1=1, vlan2=2, vm1=3, vm3=4.
  const fake = fakeDatapath(
    [
      makePort(1, 'eth1'),
      makePort(2, 'vlan2'),
      makePort(3, 'vm1'),
      makePort(4, 'vm3'),
      makePort(0xfffffffe, 'br-eth1'),
    ],
    log,
  );
  const handlers = createHandlers({
    config: config(),
    log,
    datapaths: () => new Map([[DPID, fake.dp]]),
    now: () => 0,
    ovsdb: db,
  });
  // The runtime keeps dp.ports current from PORT_STATUS before the app hears of it.
  const portStatus = async (reason: 0 | 1, port: Port) => {
    if (reason === 0) fake.portMap.set(port.portNo, port);
    else fake.portMap.delete(port.portNo);
    const msg: PortStatus = { type: 'port_status', xid: 0, reason, port };
    await handlers.portStatus!(fake.dp, msg);
  };
  return { ...fake, handlers, records, portStatus };
}

/** Wait for every queued convergence (they chain on a promise per switch). */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('flows follow OVSDB live, touching only what changed', () => {
  test('add-port vlan2 vm9: vm9 flows and VLAN 2 flood flows added, nothing deleted, VLAN 3 untouched', async () => {
    const db = vlanHost();
    const s = setup(db);
    await s.handlers.switchUp!(s.dp);
    expect(s.handlers.plan(DPID)?.ports.map((p) => p.name)).toEqual([
      'eth1',
      'vlan2',
      'vm1',
      'vm3',
    ]);
    const initial = s.sent.filter((l) => l.startsWith('ADD')).length;
    expect(initial).toBeGreaterThan(10);

    s.sent.length = 0;
    db.port('br-eth1', 'vm9', { tag: 2 }); // the database first...
    await settle();
    expect(s.sent.filter((l) => l !== 'BARRIER')).toEqual([]); // vm9 has no OpenFlow port yet
    await s.portStatus(0, makePort(9, 'vm9')); // ...then the switch's PORT_STATUS ADD
    await settle();
    const mods = s.sent.filter((l) => l !== 'BARRIER');
    expect(mods.every((l) => l.startsWith('ADD'))).toBe(true);
    // vm9: classification and its drop; VLAN 2 flooding: every member's list now has vm9.
    expect(mods.filter((l) => l.includes('in_port=9'))).toHaveLength(3);
    expect(
      mods
        .filter((l) => !l.includes('in_port=9'))
        .every((l) => /^ADD t3 .*vlan_vid=0x1002 /.test(l)),
    ).toBe(true);
    expect(mods.join('\n')).not.toMatch(/in_port=4|vlan_vid=0x1003/);
    expect(mods).toHaveLength(3 + 3); // + flood from eth1, vlan2, vm1 (3 other VLAN 2 members)

    // Retag vm9 to 3 (a move to another fake bridge is the same change in OVSDB).
    s.sent.length = 0;
    db.retag('vm9', 3);
    await settle();
    const moved = s.sent.filter((l) => l !== 'BARRIER');
    expect(moved.filter((l) => l.startsWith('DEL'))).toEqual([
      'DEL t3 p100 in_port=9,vlan_vid=0x1002',
    ]);
    const others = moved.filter((l) => l.startsWith('ADD') && !l.includes('in_port=9'));
    expect(others.every((l) => /^ADD t3 .*vlan_vid=0x100[23] /.test(l))).toBe(true);
    expect(moved.filter((l) => l.startsWith('ADD') && l.includes('in_port=9'))).toHaveLength(2);

    // del-port vm9: its flows deleted, the floods of VLAN 3 rewritten without it.
    s.sent.length = 0;
    db.remove('vm9');
    await settle();
    const removed = s.sent.filter((l) => l !== 'BARRIER');
    expect(removed.filter((l) => l.startsWith('DEL'))).toEqual([
      'DEL t0 p100 in_port=9,vlan_vid=0x0000',
      'DEL t0 p10 in_port=9',
      'DEL t3 p100 in_port=9,vlan_vid=0x1003',
    ]);
    expect(
      removed.filter((l) => l.startsWith('ADD')).every((l) => /^ADD t3 .*vlan_vid=0x1003 /.test(l)),
    ).toBe(true);
    expect(removed.join('\n')).not.toMatch(/vlan_vid=0x1002/);
  });

  test('a change OVSDB makes to other columns, or none at all, sends nothing', async () => {
    const db = vlanHost();
    const s = setup(db);
    await s.handlers.switchUp!(s.dp);
    s.sent.length = 0;
    db.touch();
    db.retag('vm1', 2);
    await settle();
    expect(s.sent).toEqual([]);
  });

  test('a tag no network declares: logged once, no flows, the others unaffected', async () => {
    const db = vlanHost();
    const s = setup(db);
    await s.handlers.switchUp!(s.dp);
    await s.portStatus(0, makePort(7, 'vm7'));
    s.sent.length = 0;
    db.port('br-eth1', 'vm7', { tag: 99 });
    await settle();
    db.retag('vm1', 3); // something else changes: vm7's problem is not logged again
    await settle();
    expect(s.sent.join('\n')).not.toMatch(/in_port=7/);
    const warnings = s.records.filter((r) => r.level === 40);
    expect(warnings.map((r) => r.msg)).toEqual([
      'vnet: port vm7 gets no flows: tag 99: no network declares it (networks.NAME.tags or fakeBridge)',
    ]);
  });

  test('a bridge without a datapath yet: nothing until ovs-vswitchd sets datapath_id', async () => {
    const db = new FakeOvsdb();
    db.bridge('br-eth1'); // no datapath_id yet
    db.port('br-eth1', 'eth1');
    db.port('br-eth1', 'vm1', { tag: 2 });
    const s = setup(db);
    await s.handlers.switchUp!(s.dp);
    expect(s.handlers.plan(DPID)).toBeUndefined();
    expect(s.sent.filter((l) => l.startsWith('ADD'))).toEqual([]);
    db.bridge('br-eth1', DPID);
    await settle();
    expect(s.handlers.plan(DPID)?.ports.map((p) => p.name)).toEqual(['eth1', 'vm1']);
    expect(s.sent.filter((l) => l.startsWith('ADD')).length).toBeGreaterThan(5);
  });

  test('vnet show state: networks, ports per switch with the host, unplaced ports', async () => {
    const db = vlanHost();
    db.port('br-eth1', 'vm7', { tag: 99 });
    const s = setup(db);
    await s.handlers.switchUp!(s.dp);
    const st = s.handlers.state();
    expect(st.networks.map((n) => n.name)).toEqual(['vlan2', 'vlan3', 'tenant-a', 'tenant-b']);
    expect(st.datapaths).toHaveLength(1);
    expect(st.datapaths[0]).toMatchObject({
      dpid: '0000000000000011',
      name: 'host1/br-eth1',
      source: 'ovsdb',
      host: 'host1',
      bridge: 'br-eth1',
      unplaced: [{ port: 'vm7' }],
      macs: [],
    });
    expect(st.datapaths[0]!.ports.map((p) => `${p.name}:${p.networks.join('+')}`)).toEqual([
      'eth1:vlan2/tagged+vlan3/tagged+tenant-a/tagged+tenant-b/tagged',
      'vlan2:vlan2',
      'vm1:vlan2',
      'vm3:vlan3',
    ]);
  });

  test('config asks for OVSDB but the controller has none: a clear error at start', () => {
    expect(() =>
      createHandlers({
        config: config(),
        log: pino({ level: 'silent' }),
        datapaths: () => new Map(),
      }),
    ).toThrow(/start it with --ovsdb unix:PATH\|tcp:HOST:PORT or --ovsdb-listen tcp:HOST:PORT/);
  });
});
