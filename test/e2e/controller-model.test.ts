/**
 * The flow model against real Open vSwitch: an in-process controller (l2-learning, the
 * engine's model per datapath) reached by the bridge through the harness's unix-socket
 * relay. After the hosts have talked, the model and the switch's flow stats agree; a
 * flow changed behind the controller's back shows up as a difference; and the model
 * answers where a frame goes the way the switch forwards it.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import l2 from '../../apps/l2-learning/index.js';
import {
  type AppContext,
  type AppDefinition,
  controllerOptions,
  type Datapath,
  DEFAULT_SETTINGS,
  defineApp,
  EngineFlowModel,
} from '../../src/runtime/internal.js';
import { createTestbed, exec, type Host, type OvsInstance, ping } from '../harness/index.js';
import { startInstances } from '../runtime/helpers.js';

const TIMEOUT = 120_000;
const DPID = 0x5an;

describe('flow model vs Open vSwitch', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let ctx: AppContext<unknown> | undefined;
  const hosts: Host[] = [];
  const datapath = (): Datapath | undefined => ctx?.datapaths().get(DPID);

  beforeAll(async () => {
    ovs = await tb.startOvs();
    await ovs.addBridge('br0', { dpid: DPID, failMode: 'secure' });
    for (let i = 1; i <= 3; i++) {
      const mac = `02:00:00:00:01:0${i}`;
      const h = await tb.addHost(ovs, 'br0', { name: `h${i}`, ip: `10.1.0.${i}/24`, mac });
      await exec(h, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
      hosts.push(h);
    }
    const app = defineApp({
      ...l2,
      create: (c) => {
        ctx = c as AppContext<unknown>;
        return l2.create(c);
      },
    });
    const tc = await startInstances(
      [{ def: app as AppDefinition<unknown>, config: l2.validateConfig!(undefined, 'test') }],
      controllerOptions({ ...DEFAULT_SETTINGS, listen: ['tcp:127.0.0.1:0'], flowModel: true }),
    );
    tb.defer(() => tc.stop());
    const relay = await tb.startRelay(ovs, tc.port);
    await ovs.setController('br0', relay.target);
    await vi.waitFor(() => expect(datapath()?.connected).toBe(true), { timeout: 30_000 });
  }, TIMEOUT);

  afterAll(() => tb.teardown(), TIMEOUT);

  test('after the hosts have talked, the model and the switch hold the same flows', async () => {
    for (const a of hosts) {
      for (const b of hosts) {
        if (a === b) continue;
        await vi.waitFor(
          async () => expect((await ping(a, b.ip, { count: 1, timeoutSec: 1 })).received).toBe(1),
          { timeout: 30_000, interval: 100 },
        );
      }
    }
    const dp = datapath()!;
    expect(dp.model).toBeInstanceOf(EngineFlowModel);
    await dp.barrier();
    const c = await dp.compareWithModel();
    expect(c.missing).toEqual([]);
    expect(c.unexpected).toEqual([]);
    expect(c.different).toEqual([]);
    expect(dp.model!.flows().length).toBe(1 + 6);
    expect((dp.model as EngineFlowModel).rejected).toBe(0);
  });

  test('a flow added behind the controller shows up as unexpected', async () => {
    await ovs.ofctl('add-flow', 'br0', 'table=0,priority=77,in_port=1,actions=drop');
    const c = await datapath()!.compareWithModel();
    expect(c.equal).toBe(false);
    expect(c.unexpected.map((f) => f.priority)).toEqual([77]);
    await ovs.ofctl('--strict', 'del-flows', 'br0', 'table=0,priority=77,in_port=1');
  });

  test('the model forwards a frame between learned hosts as the switch does', () => {
    const [h1, h2] = hosts as [Host, Host];
    const model = (datapath()!.model as EngineFlowModel).model;
    const frame = Buffer.alloc(60);
    Buffer.from(h2.mac.replaceAll(':', ''), 'hex').copy(frame, 0);
    Buffer.from(h1.mac.replaceAll(':', ''), 'hex').copy(frame, 6);
    frame.writeUInt16BE(0x0800, 12);
    const r = model.process(frame, h1.ofport);
    expect(r.packetIns).toEqual([]);
    expect(r.outputs.map((o) => o.port)).toEqual([h2.ofport]);
  });
});
