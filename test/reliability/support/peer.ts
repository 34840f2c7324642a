/**
 * The reliability tests' switch: the runtime tests' FakeSwitch with three ports and a
 * flow table (empty unless given) for the reconciling l2-learning app. A peer told not
 * to do the handshake answers nothing at all, not even echo or barrier.
 */
import { FakeSwitch, type FakeSwitchOptions, makePort } from '../../runtime/fake-switch.js';

export function connectPeer(port: number, opts: FakeSwitchOptions = {}): Promise<FakeSwitch> {
  const silent = opts.handshake === false ? { echo: false, barrier: false } : {};
  return FakeSwitch.connect(port, {
    ports: [makePort(1), makePort(2), makePort(3)],
    flows: [],
    ...silent,
    ...opts,
  });
}
