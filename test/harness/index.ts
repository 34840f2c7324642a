/**
 * Real-Open-vSwitch testbed for e2e tests. Typical use:
 *
 *   const tb = createTestbed();
 *   afterAll(() => tb.teardown());
 *   const ovs = await tb.startOvs();
 *   await ovs.addBridge('br0', { dpid: 1, failMode: 'secure', controller: 'tcp:127.0.0.1:6653' });
 *   const h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24' });
 */
export { DEBIAN_PACKAGES, ensureOvsInstalled, REQUIRED_BINARIES } from './ensure-ovs.js';
export { CommandError, type RunOptions, type RunResult, run } from './exec.js';
export {
  addHost,
  exec,
  type Host,
  type HostOptions,
  type PingOptions,
  type PingResult,
  ping,
  removeHost,
  setLinkDown,
  setLinkUp,
} from './hosts.js';
export { createNetns, deleteNetns, listNetns, netnsPids, sweepStaleNamespaces } from './netns.js';
export { type BridgeOptions, formatDpid, OvsInstance, startOvs } from './ovs-instance.js';
export { isAlive } from './pids.js';
export { type Relay, startRelay } from './relay.js';
export { spawnInNetns, stopChild } from './spawn.js';
export { createTestbed, type Testbed } from './testbed.js';
