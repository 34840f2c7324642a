/**
 * An in-process controller for the reliability tests: listening on 127.0.0.1 (a free
 * port), every log record captured and parsed, the real l2-learning app available with
 * its default configuration, and the packet-in -> flow-mod round trip that proves a
 * switch is still being served.
 */
import { expect } from 'vitest';
import { validateL2Config } from '../../../apps/l2-learning/config.js';
import l2App, { L2_COOKIE } from '../../../apps/l2-learning/index.js';
import { type FlowMod, matchGet, type PacketIn } from '../../../src/codec/index.js';
import type {
  AppDefinition,
  AppInstance,
  ControllerOptions,
} from '../../../src/runtime/internal.js';
import { makePacketIn } from '../../engine/helpers.js';
import { ethFrame } from '../../engine/packet-helpers.js';
import type { FakeSwitch } from '../../runtime/fake-switch.js';
import { startInstances, TEST_OPTIONS, type TestController } from '../../runtime/helpers.js';

export type { LogRecord, TestController } from '../../runtime/helpers.js';

/** The runtime tests' options with shorter request and handshake timeouts. */
const RELIABILITY_OPTIONS: Omit<ControllerOptions, 'listen'> = {
  ...TEST_OPTIONS,
  requestTimeoutMs: 5_000,
  handshakeTimeoutMs: 10_000,
};

/** The l2-learning app with its default configuration. */
export function l2Learning(): AppInstance {
  return {
    def: l2App as unknown as AppDefinition<unknown>,
    config: validateL2Config(undefined, 'test'),
  };
}

/** A controller running `apps` with RELIABILITY_OPTIONS and `overrides`. */
export function startTestController(
  apps: readonly AppInstance[],
  overrides: Partial<ControllerOptions> = {},
): Promise<TestController> {
  return startInstances(apps, { ...RELIABILITY_OPTIONS, ...overrides });
}

/** An unbuffered table-miss PACKET_IN from the l2-learning table-miss flow. */
export function packetIn(xid: number, inPort: number, data: Buffer): PacketIn {
  return makePacketIn({ xid, inPort, data, cookie: L2_COOKIE });
}

const BROADCAST = 0xffff_ffff_ffff;
let nextMac = 0x02_00_00_10_00_00;

/**
 * Proves `sw` (a ready switch running l2-learning) is served: a fresh MAC A speaks from
 * port 1, then a fresh MAC B on port 2 sends to A; the controller must answer with a
 * FLOW_MOD B -> A out of port 1.
 */
export async function roundTrip(sw: FakeSwitch): Promise<FlowMod> {
  const a = nextMac++;
  const b = nextMac++;
  const from = sw.received.length;
  sw.send(packetIn(0, 1, ethFrame(BROADCAST, a)));
  sw.send(packetIn(0, 2, ethFrame(a, b)));
  const fm = await sw.waitFor(
    'flow_mod',
    (m) => matchGet(m.match, 'eth_dst')?.value === a && matchGet(m.match, 'eth_src')?.value === b,
    from,
  );
  expect(matchGet(fm.match, 'in_port')?.value).toBe(2);
  expect(fm.instructions).toEqual([
    { type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] },
  ]);
  return fm;
}

/** Resolves once the switch `sw` has been reconciled and given its table-miss flow. */
export async function whenReady(sw: FakeSwitch): Promise<void> {
  await sw.waitFor('flow_mod', (m) => m.priority === 0 && m.match.length === 0);
}
