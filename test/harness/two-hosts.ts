/**
 * Two "physical hosts" joined by one wire, for the GRE and VLAN scenarios. Each host is
 * a private OVS instance (own namespace, own ovsdb-server and ovs-vswitchd); the wire is
 * a veth pair created directly between the two host namespaces, named `eth1` on both
 * sides, owned by OVS (ARP and TX checksum offload off, up, no IP).
 *
 * - GRE: `addGreUnderlay` puts the wire on `br-phy` with the underlay IP on br-phy's
 *   internal port (fixed MAC, peer preloaded with tnl/neigh/set so the first tunnelled
 *   packet does not wait on ARP); `addGreBridge` makes `br-gre` with a `gre0` port
 *   (type=gre, options:remote_ip=PEER, options:key=flow).
 * - VLAN: `addTrunkBridge` makes `br-eth1` holding the wire as a trunk.
 *
 * VMs are ordinary testbed hosts (`tb.addHost(host.ovs, bridge, ...)`). `tcpTransfer`
 * pushes bytes from one VM to another and checks what arrived; `sendFrame` puts a raw
 * frame (a tagged one, say: the 8021q module may be missing) on a VM's wire.
 */
import { createHash } from 'node:crypto';
import { run } from './exec.js';
import { exec, type Host } from './hosts.js';
import type { OvsInstance } from './ovs-instance.js';
import type { Testbed } from './testbed.js';

export interface PhysicalHost {
  readonly name: 'host1' | 'host2';
  /** 1 or 2: picks the underlay IP and MAC. */
  readonly index: 1 | 2;
  readonly ovs: OvsInstance;
  /** The wire's interface name in this host's namespace. */
  readonly wire: string;
  /** Underlay address on br-phy (GRE mode). */
  readonly underlayIp: string;
  /** Fixed MAC of br-phy (GRE mode). */
  readonly underlayMac: string;
}

export interface TwoHosts {
  readonly host1: PhysicalHost;
  readonly host2: PhysicalHost;
}

/**
 * VM MTU behind a GRE tunnel with options:key=flow: the outer IPv4 header (20), the GRE
 * header with its key (8) and the inner Ethernet header (14) add 42 bytes to a 1500-byte
 * wire. (1462, the figure for keyless GRE, loses every full-size TCP segment here: OVS
 * logs "error sending Ethernet packet on eth1: Message too long".)
 */
export const GRE_VM_MTU = 1458;

const WIRE = 'eth1';

function physical(index: 1 | 2, ovs: OvsInstance): PhysicalHost {
  return {
    name: index === 1 ? 'host1' : 'host2',
    index,
    ovs,
    wire: WIRE,
    underlayIp: `192.168.100.${index}`,
    underlayMac: `02:00:00:00:ff:0${index}`,
  };
}

/** Start both hosts' OVS instances and lay the wire between them. */
export async function startTwoHosts(tb: Testbed): Promise<TwoHosts> {
  const [ovs1, ovs2] = await Promise.all([tb.startOvs(), tb.startOvs()]);
  const host1 = physical(1, ovs1);
  const host2 = physical(2, ovs2);
  await run('ip', [
    ...['-n', ovs1.netns, 'link', 'add', WIRE, 'type', 'veth'],
    ...['peer', 'name', WIRE, 'netns', ovs2.netns],
  ]);
  for (const h of [host1, host2]) {
    await run('ip', ['netns', 'exec', h.ovs.netns, 'ethtool', '-K', WIRE, 'tx', 'off']);
    await run('ip', ['-n', h.ovs.netns, 'link', 'set', WIRE, 'arp', 'off']);
    await run('ip', ['-n', h.ovs.netns, 'link', 'set', WIRE, 'up']);
  }
  return { host1, host2 };
}

/**
 * GRE underlay: `br-phy` (standalone, a plain learning bridge) holds the wire; the
 * host's underlay IP lives on br-phy's internal port, so ovs-vswitchd routes tunnel
 * packets out through it. The peer's MAC is preloaded into OVS's tunnel neighbour cache.
 */
export async function addGreUnderlay(h: PhysicalHost, peer: PhysicalHost): Promise<void> {
  await h.ovs.addBridge('br-phy', { failMode: 'standalone' });
  await h.ovs.vsctl('set', 'Bridge', 'br-phy', `other-config:hwaddr="${h.underlayMac}"`);
  await h.ovs.vsctl('add-port', 'br-phy', h.wire);
  await run('ip', ['-n', h.ovs.netns, 'addr', 'add', `${h.underlayIp}/24`, 'dev', 'br-phy']);
  await run('ip', ['-n', h.ovs.netns, 'link', 'set', 'br-phy', 'up']);
  await h.ovs.appctl('tnl/neigh/set', 'br-phy', peer.underlayIp, peer.underlayMac);
}

export interface TenantBridgeOptions {
  /** Fixed datapath ID (other-config:datapath-id). */
  readonly dpid: number | bigint;
  /** Controller target, e.g. `unix:/path/ctl.sock`. */
  readonly controller: string;
  readonly bridge?: string;
}

/** `br-gre` (fail_mode=secure) with `gre0` to the peer, key=flow. Returns gre0's ofport. */
export async function addGreBridge(
  h: PhysicalHost,
  peer: PhysicalHost,
  opts: TenantBridgeOptions,
): Promise<number> {
  const bridge = opts.bridge ?? 'br-gre';
  await h.ovs.addBridge(bridge, { dpid: opts.dpid, failMode: 'secure' });
  await h.ovs.vsctl(
    ...['add-port', bridge, 'gre0', '--', 'set', 'Interface', 'gre0', 'type=gre'],
    `options:remote_ip=${peer.underlayIp}`,
    'options:key=flow',
  );
  await h.ovs.setController(bridge, opts.controller);
  return h.ovs.ofport('gre0');
}

/** `br-eth1` (fail_mode=secure) holding the wire as a trunk. Returns the wire's ofport. */
export async function addTrunkBridge(h: PhysicalHost, opts: TenantBridgeOptions): Promise<number> {
  const bridge = opts.bridge ?? 'br-eth1';
  await h.ovs.addBridge(bridge, { dpid: opts.dpid, failMode: 'secure' });
  await h.ovs.vsctl('add-port', bridge, h.wire);
  await h.ovs.setController(bridge, opts.controller);
  return h.ovs.ofport(h.wire);
}

export interface TransferResult {
  /** Bytes the server counted. */
  readonly received: number;
  /** Whether the server's SHA-256 of what it got equals that of what was sent. */
  readonly intact: boolean;
  /** Name the server answered with (tells which VM it really was). */
  readonly server: string;
}

/** Deterministic payload: SHA-256 counter blocks, so sender and checker agree. */
function payload(bytes: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0, n = 0; n < bytes; i++, n += 32) {
    blocks.push(createHash('sha256').update(`block ${i}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, bytes);
}

const SERVER = `
const net = require('net'), crypto = require('crypto');
const [ip, port, name] = process.argv.slice(1);
const s = net.createServer((c) => {
  const h = crypto.createHash('sha256'); let n = 0;
  c.on('data', (d) => { h.update(d); n += d.length; });
  c.on('end', () => { c.end(JSON.stringify({ n, sha: h.digest('hex'), name })); });
  c.on('error', () => {});
});
s.listen(Number(port), ip, () => console.log('LISTENING'));`;

const CLIENT = `
const net = require('net'), crypto = require('crypto');
const [ip, port, bytes] = process.argv.slice(1);
const blocks = []; for (let i = 0, n = 0; n < Number(bytes); i++, n += 32)
  blocks.push(crypto.createHash('sha256').update('block ' + i).digest());
const data = Buffer.concat(blocks).subarray(0, Number(bytes));
const c = net.connect(Number(port), ip, () => c.end(data));
let reply = '';
c.on('data', (d) => { reply += d; });
c.on('end', () => { console.log(reply); process.exit(0); });
c.on('error', (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(0); });
setTimeout(() => { console.log(JSON.stringify({ error: 'timeout' })); process.exit(0); }, 30000);`;

/**
 * Send `bytes` over TCP from `from` to a one-shot server on `to` (listening on `toIp`,
 * default to.ip) and report what the server received.
 */
export async function tcpTransfer(
  tb: Testbed,
  from: Host,
  to: Host,
  opts: { bytes: number; port?: number; toIp?: string },
): Promise<TransferResult> {
  const port = String(opts.port ?? 7001);
  const ip = opts.toIp ?? to.ip;
  const server = tb.spawnInNetns(to.netns, process.execPath, ['-e', SERVER, ip, port, to.name]);
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout?.once('data', () => resolve());
      server.once('exit', (code) =>
        reject(new Error(`transfer server on ${to.name} exited ${code}`)),
      );
    });
    const { stdout } = await exec(
      from,
      process.execPath,
      '-e',
      CLIENT,
      ip,
      port,
      String(opts.bytes),
    );
    const reply = JSON.parse(stdout.trim()) as {
      n?: number;
      sha?: string;
      name?: string;
      error?: string;
    };
    if (reply.error) throw new Error(`TCP ${from.name} -> ${ip}:${port} failed: ${reply.error}`);
    const sha = createHash('sha256').update(payload(opts.bytes)).digest('hex');
    return { received: reply.n ?? 0, intact: reply.sha === sha, server: reply.name ?? '' };
  } finally {
    server.kill('SIGKILL');
  }
}

const SEND_FRAME = `
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex(sys.argv[2])
for _ in range(int(sys.argv[3])): s.send(frame)`;

/** Send a raw Ethernet frame `count` times out of the VM's eth0 (python3, AF_PACKET). */
export async function sendFrame(vm: Host, frame: Uint8Array, count = 1): Promise<void> {
  const hex = Buffer.from(frame).toString('hex');
  await exec(vm, 'python3', '-c', SEND_FRAME, vm.ifname, hex, String(count));
}
