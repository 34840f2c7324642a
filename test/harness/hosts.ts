/**
 * Hosts: a network namespace per host, wired to an OVS bridge by a veth pair created
 * inside the OVS instance's namespace. The host end is `eth0` in the host namespace
 * (TX checksum offload off, or TCP breaks in the userspace datapath); the switch end
 * is named after the host, stays in the OVS namespace with ARP off, and is added to
 * the bridge. The host namespace is attached to the OVS instance, so ovs.stop()
 * deletes it too.
 */
import { run } from './exec.js';
import { checkIfName } from './names.js';
import { createNetns, deleteNetns } from './netns.js';
import type { OvsInstance } from './ovs-instance.js';

export interface HostOptions {
  /** Host name; also the name of the switch-side port (max 15 chars). */
  name: string;
  /** Address with prefix length, e.g. '10.0.0.1/24'. */
  ip: string;
  /** MAC of eth0; random (kernel-assigned) when omitted. */
  mac?: string;
  /** MTU of eth0 (e.g. 1462 behind a GRE tunnel). */
  mtu?: number;
  /** Make the port an access port of this VLAN (ovs tag=VLAN). */
  vlan?: number;
  /** Request this OpenFlow port number (Interface ofport_request). */
  ofport?: number;
  /** More `Interface` column settings for the add-port, e.g. `external_ids:iface-id=x`. */
  interfaceSettings?: readonly string[];
  /**
   * false: wire the host but leave the switch end out of the bridge (ofport 0) for the
   * test to type its own `ovs-vsctl add-port`. Default true.
   */
  plug?: boolean;
}

export interface Host {
  name: string;
  /** Network namespace of the host. */
  netns: string;
  /** Interface name inside the host namespace. */
  ifname: 'eth0';
  /** IP address without prefix length. */
  ip: string;
  /** IP address with prefix length, as given. */
  cidr: string;
  mac: string;
  /** Bridge the host is plugged into, and the switch-side port name on it. */
  bridge: string;
  port: string;
  /** OpenFlow port number of `port`. */
  ofport: number;
  ovs: OvsInstance;
}

/** Create a host namespace, wire it to `bridge` and configure its address. */
export async function addHost(ovs: OvsInstance, bridge: string, opts: HostOptions): Promise<Host> {
  checkIfName(opts.name, 'host name');
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(opts.ip)) {
    throw new Error(`host ${opts.name}: ip must be IPv4 CIDR like 10.0.0.1/24, got ${opts.ip}`);
  }
  const netns = `${ovs.netns}-${opts.name}`;
  const port = opts.name;
  await createNetns(netns);
  ovs.attachNetns(netns);
  const ip = (...args: string[]) => run('ip', args);
  // Both ends are born in their final namespaces: nothing ever appears in the root one.
  const peer = ['peer', 'name', 'eth0', 'netns', netns];
  await ip('-n', ovs.netns, 'link', 'add', port, 'type', 'veth', ...peer);
  if (opts.mac) await ip('-n', netns, 'link', 'set', 'eth0', 'address', opts.mac);
  if (opts.mtu) await ip('-n', netns, 'link', 'set', 'eth0', 'mtu', String(opts.mtu));
  await ip('-n', netns, 'addr', 'add', opts.ip, 'dev', 'eth0');
  await ip('-n', netns, 'link', 'set', 'eth0', 'up');
  await run('ip', ['netns', 'exec', netns, 'ethtool', '-K', 'eth0', 'tx', 'off']);
  await ip('-n', ovs.netns, 'link', 'set', port, 'arp', 'off');
  await ip('-n', ovs.netns, 'link', 'set', port, 'up');
  const portArgs = ['add-port', bridge, port];
  if (opts.vlan !== undefined) portArgs.push(`tag=${opts.vlan}`);
  const settings = [...(opts.interfaceSettings ?? [])];
  if (opts.ofport !== undefined) settings.push(`ofport_request=${opts.ofport}`);
  if (settings.length > 0) portArgs.push('--', 'set', 'Interface', port, ...settings);
  const plug = opts.plug ?? true;
  if (plug) await ovs.vsctl(...portArgs);
  const ofport = plug ? await ovs.ofport(port) : 0;
  const mac = opts.mac?.toLowerCase() ?? (await readMac(netns));
  return {
    name: opts.name,
    netns,
    ifname: 'eth0',
    ip: opts.ip.split('/')[0]!,
    cidr: opts.ip,
    mac,
    bridge,
    port,
    ofport,
    ovs,
  };
}

async function readMac(netns: string): Promise<string> {
  const { stdout } = await run('ip', ['-n', netns, '-j', 'link', 'show', 'eth0']);
  const [link] = JSON.parse(stdout) as { address: string }[];
  return link!.address;
}

/** Unplug the host from its bridge and delete its namespace (and with it the veth pair). */
export async function removeHost(host: Host): Promise<void> {
  await host.ovs.vsctl('--if-exists', 'del-port', host.bridge, host.port);
  await deleteNetns(host.netns);
  host.ovs.detachNetns(host.netns);
  await run('ip', ['-n', host.ovs.netns, 'link', 'del', host.port], { allowFailure: true });
}

/** Run a command inside the host's namespace; rejects on non-zero exit. */
export async function exec(
  host: Host,
  cmd: string,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr } = await run('ip', ['netns', 'exec', host.netns, cmd, ...args]);
  return { stdout, stderr };
}

/** Bring the switch-side end of the host's link up (OVS sees the port come up). */
export async function setLinkUp(host: Host): Promise<void> {
  await run('ip', ['-n', host.ovs.netns, 'link', 'set', host.port, 'up']);
}

/** Bring the switch-side end of the host's link down (OVS reports LINK_DOWN). */
export async function setLinkDown(host: Host): Promise<void> {
  await run('ip', ['-n', host.ovs.netns, 'link', 'set', host.port, 'down']);
}

export interface PingOptions {
  /** Echo requests to send (default 3). */
  count?: number;
  /** Seconds between requests (default 0.2). */
  interval?: number;
  /** Seconds to wait for each reply (ping -W, default 1). */
  timeoutSec?: number;
}

export interface PingResult {
  sent: number;
  received: number;
  lossPct: number;
  /** ping's full output, for assertion messages. */
  output: string;
}

/** Ping `ip` from `from`. Never rejects for lost packets; only if ping cannot run. */
export async function ping(from: Host, ip: string, opts: PingOptions = {}): Promise<PingResult> {
  const count = opts.count ?? 3;
  const interval = opts.interval ?? 0.2;
  const wait = opts.timeoutSec ?? 1;
  const args = ['-n', '-q', '-c', String(count), '-i', String(interval), '-W', String(wait), ip];
  const r = await run('ip', ['netns', 'exec', from.netns, 'ping', ...args], {
    allowFailure: true,
    timeoutMs: (count * interval + wait + 10) * 1000,
  });
  const output = `${r.stdout}${r.stderr}`;
  const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  if (!m) throw new Error(`ping ${ip} from ${from.name} failed (exit ${r.code}):\n${output}`);
  const sent = Number(m[1]);
  const received = Number(m[2]);
  const lossPct = sent === 0 ? 100 : Math.round(((sent - received) / sent) * 100);
  return { sent, received, lossPct, output };
}
