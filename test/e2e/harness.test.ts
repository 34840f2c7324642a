/**
 * End-to-end check of the OVS testbed itself (no controller code involved): a private
 * OVS in its own namespace, a fail_mode=secure bridge, two hosts, forwarding governed
 * only by the flows installed with ovs-ofctl, TCP between hosts, host removal, link
 * state, controller reachability (in-namespace and via the unix relay), and a
 * teardown that leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  createTestbed,
  exec,
  type Host,
  isAlive,
  listNetns,
  type OvsInstance,
  ping,
  setLinkDown,
  setLinkUp,
} from '../harness/index.js';

const E2E_TIMEOUT = 60_000;
const OFP13_HELLO = Buffer.from([0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01]);

describe('OVS testbed harness', { timeout: E2E_TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let h1: Host;
  let h2: Host;

  beforeAll(async () => {
    ovs = await tb.startOvs();
    await ovs.addBridge('br0', { dpid: 0x42, failMode: 'secure' });
    h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24', mac: '02:00:00:00:00:01' });
    h2 = await tb.addHost(ovs, 'br0', { name: 'h2', ip: '10.0.0.2/24', mac: '02:00:00:00:00:02' });
  }, E2E_TIMEOUT);

  afterAll(() => tb.teardown(), E2E_TIMEOUT);

  test('bridge is a userspace OpenFlow 1.3 switch with a fixed dpid', async () => {
    const show = await ovs.ofctl('show', ovs.mgmtSocket('br0'));
    expect(show).toContain('OFPT_FEATURES_REPLY (OF1.3)');
    expect(show).toContain('dpid:0000000000000042');
    expect(show).toMatch(/\b1\(h1\): addr:/);
    expect(show).toMatch(/\b2\(h2\): addr:/);
    expect([h1.ofport, h2.ofport]).toEqual([1, 2]);
    expect(await ovs.vsctl('get', 'Bridge', 'br0', 'datapath_type')).toBe('netdev');
    expect(h1.mac).toBe('02:00:00:00:00:01');
  });

  test('fail_mode=secure: no flows, no forwarding', async () => {
    expect(await ovs.ofctl('dump-flows', 'br0')).not.toContain('actions=');
    const r = await ping(h1, h2.ip, { count: 2, interval: 0.2, timeoutSec: 1 });
    expect(r.received, r.output).toBe(0);
  });

  test('priority=0,actions=NORMAL lets the hosts ping each other', async () => {
    await ovs.ofctl('add-flow', 'br0', 'priority=0,actions=NORMAL');
    expect(await ovs.ofctl('dump-flows', 'br0')).toContain('actions=NORMAL');
    const r = await ping(h1, h2.ip, { count: 4, interval: 0.2, timeoutSec: 2 });
    expect(r.lossPct, r.output).toBe(0);
    expect(r.sent).toBe(4);
    const back = await ping(h2, h1.ip, { count: 2 });
    expect(back.lossPct, back.output).toBe(0);
  });

  test('del-flows stops forwarding again', async () => {
    await ovs.ofctl('del-flows', 'br0');
    const r = await ping(h1, h2.ip, { count: 3, interval: 0.2, timeoutSec: 1 });
    expect(r.received, r.output).toBe(0);
    expect(r.lossPct).toBe(100);
  });

  test('TCP works between hosts (TX checksum offload is off on the host veths)', async () => {
    await ovs.ofctl('add-flow', 'br0', 'priority=0,actions=NORMAL');
    const server = `require('net').createServer((c) => c.end('pong'))
      .listen(7000, '${h2.ip}', () => console.log('LISTENING'));`;
    const child = tb.spawnInNetns(h2.netns, process.execPath, ['-e', server]);
    await new Promise((resolve) => child.stdout?.once('data', resolve));
    const client = `const c = require('net').connect(7000, '${h2.ip}');
      let s = '';
      c.on('data', (d) => { s += d; });
      c.on('end', () => { console.log(s); process.exit(0); });
      setTimeout(() => { console.log('TIMEOUT'); process.exit(0); }, 10000);`;
    const { stdout } = await exec(h1, process.execPath, '-e', client);
    expect(stdout.trim()).toBe('pong');
  });

  test('exec runs in the host namespace; removeHost unplugs and deletes it', async () => {
    const h3 = await tb.addHost(ovs, 'br0', { name: 'h3', ip: '10.0.0.3/24', vlan: 5, mtu: 1400 });
    const { stdout } = await exec(h3, 'ip', '-o', 'addr', 'show', 'dev', 'eth0');
    expect(stdout).toContain('inet 10.0.0.3/24');
    expect((await exec(h3, 'ip', 'link', 'show', 'eth0')).stdout).toContain('mtu 1400');
    expect(await ovs.vsctl('get', 'Port', 'h3', 'tag')).toBe('5');
    await tb.removeHost(h3);
    expect(tb.hosts).toEqual([h1, h2]);
    expect((await ovs.vsctl('list-ports', 'br0')).split('\n')).toEqual(['h1', 'h2']);
    expect(await listNetns()).not.toContain(h3.netns);
  });

  test('link down/up on the switch side is seen by OVS', async () => {
    const portState = async () => {
      const show = await ovs.ofctl('show', 'br0');
      const block = show.slice(show.indexOf('(h1):'), show.indexOf('(h2):'));
      return block.includes('LINK_DOWN') ? 'down' : 'up';
    };
    await setLinkDown(h1);
    await vi.waitFor(async () => expect(await portState()).toBe('down'), { timeout: 10_000 });
    await setLinkUp(h1);
    await vi.waitFor(async () => expect(await portState()).toBe('up'), { timeout: 10_000 });
  });

  test('a process spawned in the OVS namespace is the controller at 127.0.0.1', async () => {
    const script = `
    const s = require('net').createServer((c) => c.once('data', (d) => {
      console.log('HELLO ' + d.subarray(0, 2).toString('hex')); process.exit(0);
    }));
    s.listen(6653, '127.0.0.1', () => console.log('LISTENING'));`;
    const child = tb.spawnInNetns(ovs.netns, process.execPath, ['-e', script]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await vi.waitFor(() => expect(out).toContain('LISTENING'), { timeout: 10_000 });
    await ovs.setController('br0', 'tcp:127.0.0.1:6653');
    await vi.waitFor(() => expect(out).toContain('HELLO 0400'), { timeout: 20_000 });
    await ovs.setController('br0', []);
  });

  test('a root-namespace TCP controller is reached through the unix relay', async () => {
    const hellos: Buffer[] = [];
    const server = net.createServer((c) => {
      c.on('error', () => undefined);
      c.once('data', (d) => {
        hellos.push(d);
        c.write(OFP13_HELLO);
      });
    });
    tb.defer(() => new Promise((resolve) => server.close(resolve)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const relay = await tb.startRelay(ovs, port);
    await ovs.setController('br0', relay.target);
    await vi.waitFor(() => expect(hellos.length).toBeGreaterThan(0), { timeout: 20_000 });
    expect(hellos[0]![0]).toBe(0x04);
    expect(hellos[0]![1]).toBe(0x00);
    await vi.waitFor(async () => expect(await ovs.controllerConnected('br0')).toBe(true), {
      timeout: 20_000,
      interval: 200,
    });
    await ovs.setController('br0', []);
  });

  test('a second instance with the same bridge name does not collide', async () => {
    const other = await tb.startOvs();
    expect(other.netns).not.toBe(ovs.netns);
    await other.addBridge('br0', { dpid: 0x43 });
    expect(await other.ofctl('show', 'br0')).toContain('dpid:0000000000000043');
    expect(await ovs.ofctl('show', 'br0')).toContain('dpid:0000000000000042');
  });

  test('teardown leaves no namespace, daemon, child or temp dir behind', async () => {
    const namespaces = [...tb.instances.map((o) => o.netns), h1.netns, h2.netns];
    const pids = [
      ...tb.instances.flatMap((o) => [o.ovsdbPid!, o.vswitchdPid!]),
      ...tb.children.map((c) => c.pid!),
    ];
    const dirs = tb.instances.map((o) => o.rundir);
    expect(namespaces).toHaveLength(4);
    expect(pids).toHaveLength(6);
    const before = await listNetns();
    for (const ns of namespaces) expect(before).toContain(ns);

    await tb.teardown();

    const after = await listNetns();
    for (const ns of namespaces) expect(after).not.toContain(ns);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
  });
});
