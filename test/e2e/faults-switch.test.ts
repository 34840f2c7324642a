/**
 * Switch faults on real Open vSwitch, against an in-process controller running
 * l2-learning (reached over a unix socket, short echo interval and timeout):
 * - ovs-vswitchd killed and started again on the same database: the controller sees
 *   the disconnect, accepts the reconnect, handshakes again and restores the flows
 *   (the table-miss flow is back, hosts ping again);
 * - ovs-vswitchd frozen with SIGSTOP (a switch that stops reading) while the controller
 *   has output queued for it: the echo timeout drops it, its queued output is released,
 *   a second switch (another OVS) is served throughout; after SIGCONT the frozen switch
 *   reconnects and is served again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { L2_COOKIE } from '../../apps/l2-learning/index.js';
import type { Connection } from '../../src/runtime/internal.js';
import { createTestbed, type Host, type OvsInstance, ping } from '../harness/index.js';
import {
  l2Learning,
  startTestController,
  type TestController,
} from '../reliability/support/controller.js';
import {
  dumpFlows,
  freeze,
  killVswitchd,
  startVswitchd,
  thaw,
} from '../reliability/support/ovs-faults.js';

const TIMEOUT = 120_000;
const DPID_A = 0xa1n;
const DPID_B = 0xb1n;
const WAIT = { timeout: 30_000, interval: 100 };

describe('switch faults', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let tc: TestController;
  let ovsA: OvsInstance;
  let ovsB: OvsInstance;
  let a1: Host;
  let a2: Host;
  let b1: Host;
  let b2: Host;

  const conn = (dpid: bigint): Connection | undefined => tc.controller.registry.get(dpid);
  /** Pings until one run of `count` gets every reply (the first packets wait on learning). */
  const pingsCleanly = async (from: Host, to: Host) => {
    await vi.waitFor(async () => {
      const r = await ping(from, to.ip, { count: 3, interval: 0.1, timeoutSec: 1 });
      expect(r.lossPct, r.output).toBe(0);
    }, WAIT);
  };

  beforeAll(async () => {
    ovsA = await tb.startOvs();
    ovsB = await tb.startOvs();
    // OVS connects only to unix sockets inside its own run dir: one listener per switch.
    const sockets = [ovsA, ovsB].map((o) => join(o.rundir, 'ctl.sock'));
    tc = await startTestController([l2Learning()], {
      listen: sockets.map((path) => ({ kind: 'unix' as const, path })),
      echoIntervalMs: 500,
      echoTimeoutMs: 1500,
    });
    tb.defer(() => tc.stop());
    const bridge = (dpid: bigint, i: number) => ({
      dpid,
      failMode: 'secure' as const,
      controller: `unix:${sockets[i]}`,
    });
    await ovsA.addBridge('br0', bridge(DPID_A, 0));
    await ovsB.addBridge('br0', bridge(DPID_B, 1));
    a1 = await tb.addHost(ovsA, 'br0', { name: 'a1', ip: '10.0.1.1/24', mac: '02:00:00:00:01:01' });
    a2 = await tb.addHost(ovsA, 'br0', { name: 'a2', ip: '10.0.1.2/24', mac: '02:00:00:00:01:02' });
    b1 = await tb.addHost(ovsB, 'br0', { name: 'b1', ip: '10.0.2.1/24', mac: '02:00:00:00:02:01' });
    b2 = await tb.addHost(ovsB, 'br0', { name: 'b2', ip: '10.0.2.2/24', mac: '02:00:00:00:02:02' });
    await vi.waitFor(() => expect(conn(DPID_A) && conn(DPID_B)).toBeTruthy(), WAIT);
    await pingsCleanly(a1, a2);
    await pingsCleanly(b1, b2);
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  const reconciles = () =>
    tc.records.filter((r) => r.msg === 'flows reconciled' && r.dpid === '00000000000000a1');

  test('ovs-vswitchd killed and restarted: re-handshake, flows restored', async () => {
    const before = conn(DPID_A)!;
    const seen = reconciles().length;
    await killVswitchd(ovsA);
    await vi.waitFor(() => expect(before.isClosed()).toBe(true), WAIT);
    expect(before.closeReason).toMatch(/closed the connection|socket error/);
    expect(conn(DPID_A)).toBeUndefined();

    await startVswitchd(ovsA);
    await vi.waitFor(() => expect(conn(DPID_A)?.state).toBe('ready'), WAIT);
    expect(conn(DPID_A)).not.toBe(before);
    // A restarted userspace switch has no flows: reconcile adds the table-miss flow.
    await vi.waitFor(() => expect(reconciles().length).toBe(seen + 1), WAIT);
    const r = reconciles().at(-1)!;
    expect([r.kept, r.deleted, r.added]).toEqual([0, 0, 1]);
    await vi.waitFor(async () => {
      const flows = await dumpFlows(ovsA, 'br0');
      expect(flows.some((f) => f.cookie === L2_COOKIE && f.priority === 0)).toBe(true);
    }, WAIT);
    await pingsCleanly(a1, a2);
  });

  test('ovs-vswitchd frozen: dropped by echo timeout, output released, others served', async () => {
    const frozen = conn(DPID_A)!;
    const other = conn(DPID_B)!;
    freeze(ovsA);
    tb.defer(() => thaw(ovsA));
    // Output for the frozen switch: more than its socket buffers take, less than the limit.
    const dp = tc.controller.appHandles(frozen)[0]!;
    const data = Buffer.alloc(30_000, 0x42);
    for (let i = 0; i < 60; i++) dp.packetOut({ actions: [], data });
    await vi.waitFor(() => expect(frozen.backlog).toBeGreaterThan(100_000), WAIT);
    const queued = frozen.backlog;
    expect(frozen.readingPaused).toBe(false);

    // The other switch is served while this one hangs.
    const r = await ping(b1, b2.ip, { count: 20, interval: 0.05, timeoutSec: 1 });
    expect(r.lossPct, r.output).toBe(0);

    await vi.waitFor(() => expect(frozen.isClosed()).toBe(true), WAIT);
    expect(frozen.closeReason).toMatch(/dead peer: .*echo unanswered/);
    expect(frozen.backlog, `${queued} bytes were queued`).toBe(0);
    expect(tc.controller.connections.has(frozen)).toBe(false);
    expect(conn(DPID_B)).toBe(other);
    expect(other.isClosed()).toBe(false);

    thaw(ovsA);
    await vi.waitFor(() => expect(conn(DPID_A)?.state).toBe('ready'), WAIT);
    expect(conn(DPID_A)).not.toBe(frozen);
    await pingsCleanly(a1, a2);
    expect(conn(DPID_B)).toBe(other);
    console.log(`frozen switch: ${queued} bytes queued when it was dropped, 0 after`);
  });
});
