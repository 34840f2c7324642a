/**
 * Controller restart on real Open vSwitch (fail_mode=secure), with the built controller
 * running l2-learning in a child process: while two hosts ping each other every 10 ms,
 * the controller is killed with SIGKILL and started again. The installed flows keep
 * forwarding while it is down; on reconnect it reads the switch's flows and reconciles
 * them by cookie: the learned flows are adopted (not deleted and re-added: their age
 * spans the restart), a stale flow with its cookie is deleted, a flow with another
 * cookie is left alone, nothing is added that was there. Ping loss is printed and stays
 * under a bound generous enough for a loaded machine (load tier, vitest.config.ts); the
 * adopted flows' ages are the exact check that forwarding never stopped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createTestbed, type Host, type OvsInstance, ping } from '../harness/index.js';
import { dumpFlows, pingRun } from '../reliability/support/ovs-faults.js';
import { type ControllerProcess, inNetns, spawnController } from '../runtime/controller-process.js';

const TIMEOUT = 120_000;
/** Ping loss allowed (fraction): the controller is down over a second of the 7 s run, so
 * flows that stopped forwarding would lose well over 10%. */
const LOSS_BOUND = 0.05;
const L2_COOKIE = 0x4c32_0000_0000_0000n;
const FOREIGN_COOKIE = 0x99n;
const DPID = 0xc1;
const ARGS = ['--listen', 'tcp:127.0.0.1:6653', '--app', 'l2-learning', '--log-level', 'info'];

const isDpid = (r: { readonly [k: string]: unknown }) => r.dpid === '00000000000000c1';

describe('controller killed and restarted while traffic flows', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let ctl: ControllerProcess;
  let h1: Host;
  let h2: Host;

  beforeAll(async () => {
    ovs = await tb.startOvs();
    ctl = await spawnController(inNetns(tb, ovs.netns), ARGS);
    await ovs.addBridge('br0', {
      dpid: DPID,
      failMode: 'secure',
      controller: 'tcp:127.0.0.1:6653',
    });
    h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24', mac: '02:00:00:00:00:01' });
    h2 = await tb.addHost(ovs, 'br0', { name: 'h2', ip: '10.0.0.2/24', mac: '02:00:00:00:00:02' });
    await ctl.waitForLog((r) => r.msg === 'flows reconciled' && isDpid(r), 'the switch reconciled');
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('flows keep forwarding while it is down; on restart they are adopted, not replaced', async () => {
    // Learn both hosts: two exact-match flows with the app's cookie.
    const warm = await ping(h1, h2.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
    expect(warm.received, warm.output).toBeGreaterThan(0);
    const learned = async () =>
      (await dumpFlows(ovs, 'br0')).filter(
        (f) => f.cookie === L2_COOKIE && f.priority === 1 && !f.line.includes('in_port=9'),
      );
    await vi.waitFor(async () => expect(await learned()).toHaveLength(2), { timeout: 10_000 });
    // A stale flow with the app's cookie (its port does not exist) and another app's flow.
    await ovs.ofctl(
      'add-flow',
      'br0',
      'cookie=0x4c32000000000000,priority=1,in_port=9,dl_src=02:00:00:00:00:09,' +
        'dl_dst=02:00:00:00:00:01,actions=output:1',
    );
    await ovs.ofctl('add-flow', 'br0', 'cookie=0x99,priority=5,dl_type=0x88cc,actions=drop');

    const traffic = pingRun(h1, h2.ip, 700, 0.01);
    traffic.catch(() => undefined); // awaited below; a failure must not go unhandled first
    await sleep(1000);
    const killedAt = performance.now();
    await ctl.kill();
    await sleep(1000);
    // Down: secure mode keeps the flows.
    expect(await learned()).toHaveLength(2);

    const restarted = await spawnController(inNetns(tb, ovs.netns), ARGS);
    const rec = await restarted.waitForLog(
      (r) => r.msg === 'flows reconciled' && isDpid(r),
      'reconcile after the restart',
    );
    // Kept: the table-miss flow and both learned flows; deleted: the stale one; added: none.
    expect([rec.kept, rec.deleted, rec.added, rec.macs]).toEqual([3, 1, 0, 2]);

    const r = await traffic;
    const loss = (r.sent - r.received) / r.sent;
    console.log(`controller restart: ping ${r.received}/${r.sent} received`);
    expect(loss, r.output).toBeLessThan(LOSS_BOUND);

    const flows = await dumpFlows(ovs, 'br0');
    const since = (performance.now() - killedAt) / 1000;
    const mine = flows.filter((f) => f.cookie === L2_COOKIE);
    expect(mine.map((f) => f.line).filter((l) => l.includes('in_port=9'))).toEqual([]);
    expect(mine).toHaveLength(3);
    for (const f of mine) expect(f.durationSec, f.line).toBeGreaterThan(since);
    expect(flows.filter((f) => f.cookie === FOREIGN_COOKIE)).toHaveLength(1);
    expect(restarted.records.filter((x) => (x.level as number) >= 50)).toEqual([]);
  });
});
