/**
 * TLS with real Open vSwitch: certificates made by `ovs-pki` (a controller CA and a
 * switch CA), the built controller listening on `ssl:` with --cert/--key/--ca (mutual
 * authentication), each OVS configured with `ovs-vsctl set-ssl` and an `ssl:` controller
 * target. A switch whose certificate the switch CA signed connects: the handshake
 * completes, l2-learning installs its flows and the hosts ping. A switch whose
 * certificate comes from another CA is refused, the controller logs the refusal, and
 * the switch gets no flows.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createTestbed, ping } from '../harness/index.js';
import { dumpFlows } from '../reliability/support/ovs-faults.js';
import { makePki, type Pki } from '../reliability/support/pki.js';
import { inNetns, spawnController } from '../runtime/controller-process.js';

const TIMEOUT = 120_000;
const L2_COOKIE = 0x4c32_0000_0000_0000n;
const TARGET = 'ssl:127.0.0.1:6653';

describe('TLS between Open vSwitch and the controller', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let pki: Pki;

  /** An OVS using `cert`/`key`, trusting the controller CA, and a controller beside it. */
  async function setUp(cert: string, key: string, dpid: number) {
    const ovs = await tb.startOvs();
    await ovs.vsctl('set-ssl', key, cert, pki.controllerCa);
    const ctl = await spawnController(inNetns(tb, ovs.netns), [
      '--listen',
      TARGET,
      '--cert',
      pki.ctlCert,
      '--key',
      pki.ctlKey,
      '--ca',
      pki.switchCa,
      '--app',
      'l2-learning',
      '--log-level',
      'debug',
    ]);
    await ovs.addBridge('br0', { dpid, failMode: 'secure', controller: TARGET });
    return { ovs, ctl };
  }

  beforeAll(() => {
    pki = makePki();
    tb.defer(() => pki.remove());
  });

  afterAll(() => tb.teardown(), TIMEOUT);

  test('a switch with a certificate from the switch CA is served', async () => {
    const { ovs, ctl } = await setUp(pki.swCert, pki.swKey, 0x51);
    const h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24' });
    const h2 = await tb.addHost(ovs, 'br0', { name: 'h2', ip: '10.0.0.2/24' });
    const up = await ctl.waitForLog(
      (r) => r.msg === 'flows reconciled' && r.dpid === '0000000000000051',
      'the switch coming up over TLS',
    );
    expect(up.added).toBe(1);
    const authenticated = ctl.records.find((r) => r.msg === 'TLS peer authenticated');
    expect(authenticated?.subject).toMatch(/^sw id:/);
    await vi.waitFor(async () => expect(await ovs.controllerConnected('br0')).toBe(true), {
      timeout: 20_000,
      interval: 200,
    });
    const flows = await dumpFlows(ovs, 'br0');
    expect(flows.some((f) => f.cookie === L2_COOKIE && f.priority === 0)).toBe(true);
    await vi.waitFor(
      async () => {
        const r = await ping(h1, h2.ip, { count: 3, interval: 0.2, timeoutSec: 1 });
        expect(r.lossPct, r.output).toBe(0);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(ctl.records.filter((r) => String(r.msg).startsWith('TLS handshake refused'))).toEqual(
      [],
    );
  });

  test('a switch with a certificate from another CA is refused and the refusal logged', async () => {
    const { ovs, ctl } = await setUp(pki.rogueCert, pki.rogueKey, 0x52);
    const refusal = await ctl.waitForLog(
      (r) => String(r.msg).startsWith('TLS handshake refused'),
      'a refused TLS handshake',
    );
    expect(refusal.level).toBe(40);
    expect(String(refusal.peer)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(String(refusal.reason)).toMatch(/not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(ctl.records.some((r) => r.msg === 'switch up')).toBe(false);
    expect(await ovs.controllerConnected('br0')).toBe(false);
    expect(await dumpFlows(ovs, 'br0')).toEqual([]);
  });
});
