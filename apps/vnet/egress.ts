/**
 * What a frame of a network does on entering and leaving each kind of port.
 *
 * Ingress (table 0) turns the port's view of the frame into the pipeline's: every frame
 * inside carries its network's VLAN tag. Egress turns it back: untagged ports (access,
 * native trunk VLAN) pop the tag, trunks keep it, tunnels pop it and set tun_id to the
 * network's key. Flooding builds one action list per (network, ingress port): tagged
 * outputs first, then one pop_vlan, untagged outputs, then set tun_id and the tunnels.
 */
import { type Action, type Match, OFPVID_NONE, OFPVID_PRESENT } from '../../src/codec/index.js';
import type { Membership, PortPlan } from './plan.js';

const ETH_TYPE_VLAN = 0x8100;

const output = (port: number): Action => ({ type: 'output', port, maxLen: 0 });
const setTunnel = (key: number): Action => ({
  type: 'set_field',
  field: { field: 'tunnel_id', value: BigInt(key) },
});

/** The tun_id of a network on a tunnel port (validated present at config load). */
function tunnelKey(m: Membership): number {
  const key = m.network.tunnelKey;
  if (key === undefined) {
    throw new Error(`network "${m.network.name}" is on a tunnel port but has no tunnelKey`);
  }
  return key;
}

/** The table-0 match of a port's membership. */
export function ingressMatch(port: number, m: Membership): Match {
  switch (m.encap) {
    case 'untagged':
      return [
        { field: 'in_port', value: port },
        { field: 'vlan_vid', value: OFPVID_NONE },
      ];
    case 'tagged':
      return [
        { field: 'in_port', value: port },
        { field: 'vlan_vid', value: OFPVID_PRESENT | m.network.vlan },
      ];
    case 'tunnel':
      return [
        { field: 'in_port', value: port },
        { field: 'vlan_vid', value: OFPVID_NONE },
        { field: 'tunnel_id', value: BigInt(tunnelKey(m)) },
      ];
  }
}

/** Actions that put the internal tag on a frame that arrived untagged or tunnelled. */
export function ingressActions(m: Membership): Action[] {
  if (m.encap === 'tagged') return [];
  return [
    { type: 'push_vlan', ethertype: ETH_TYPE_VLAN },
    { type: 'set_field', field: { field: 'vlan_vid', value: OFPVID_PRESENT | m.network.vlan } },
  ];
}

/** Actions that send a tagged pipeline frame out of one port. */
export function egressActions(port: number, m: Membership): Action[] {
  switch (m.encap) {
    case 'untagged':
      return [{ type: 'pop_vlan' }, output(port)];
    case 'tagged':
      return [output(port)];
    case 'tunnel':
      return [{ type: 'pop_vlan' }, setTunnel(tunnelKey(m)), output(port)];
  }
}

export interface Member {
  readonly port: PortPlan;
  readonly membership: Membership;
}

/**
 * The flood list of a network for a frame that came in on `inPort` (a member): every
 * other member, and no tunnel at all when the frame came from a tunnel.
 */
export function floodActions(members: readonly Member[], inPort: number): Action[] {
  const from = members.find((m) => m.port.number === inPort);
  const targets = members.filter(
    (m) =>
      m.port.number !== inPort &&
      !(from?.membership.encap === 'tunnel' && m.membership.encap === 'tunnel'),
  );
  const tagged = targets.filter((m) => m.membership.encap === 'tagged');
  const untagged = targets.filter((m) => m.membership.encap === 'untagged');
  const tunnels = targets.filter((m) => m.membership.encap === 'tunnel');
  const actions: Action[] = tagged.map((m) => output(m.port.number));
  if (untagged.length + tunnels.length > 0) actions.push({ type: 'pop_vlan' });
  for (const m of untagged) actions.push(output(m.port.number));
  if (tunnels.length > 0) {
    actions.push(setTunnel(tunnelKey(tunnels[0]!.membership)));
    for (const m of tunnels) actions.push(output(m.port.number));
  }
  return actions;
}
