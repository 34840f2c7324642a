/**
 * A management network of the test's own, for a controller that runs as a real process
 * the way an operator runs it: a namespace holding the controller, wired to each OVS
 * instance's namespace by a veth pair (`mN` on the management side with 172.31.N.1/24,
 * `mgmt0` in the host with 172.31.N.2/24). The addresses exist only inside those
 * namespaces, so parallel runs never collide, and a host types
 * `ovs-vsctl set-controller BR tcp:172.31.N.1:6653` and `set-manager tcp:172.31.N.1:6640`
 * exactly as on real machines. The namespace is deleted at teardown (the OVS instances'
 * ends of the links go with their own namespaces).
 */
import { run } from './exec.js';
import { uniqueName } from './names.js';
import { createNetns, deleteNetns } from './netns.js';
import type { OvsInstance } from './ovs-instance.js';
import type { Testbed } from './testbed.js';

export interface MgmtNetwork {
  /** The namespace to run the controller in. */
  readonly netns: string;
  /** The controller's address as host `i` (0-based, in the order given) reaches it. */
  controllerIp(i: number): string;
}

export async function startMgmtNetwork(
  tb: Testbed,
  hosts: readonly OvsInstance[],
): Promise<MgmtNetwork> {
  const netns = `${uniqueName()}-m`;
  await createNetns(netns);
  tb.defer(() => deleteNetns(netns));
  for (const [i, ovs] of hosts.entries()) {
    const n = i + 1;
    const side = `m${n}`;
    await run('ip', [
      ...['-n', netns, 'link', 'add', side, 'type', 'veth'],
      ...['peer', 'name', 'mgmt0', 'netns', ovs.netns],
    ]);
    await run('ip', ['-n', netns, 'addr', 'add', `172.31.${n}.1/24`, 'dev', side]);
    await run('ip', ['-n', netns, 'link', 'set', side, 'up']);
    await run('ip', ['-n', ovs.netns, 'addr', 'add', `172.31.${n}.2/24`, 'dev', 'mgmt0']);
    await run('ip', ['-n', ovs.netns, 'link', 'set', 'mgmt0', 'up']);
  }
  return { netns, controllerIp: (i) => `172.31.${i + 1}.1` };
}
