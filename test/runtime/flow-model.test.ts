/**
 * The flow-model seam: every FLOW_MOD sent through a datapath handle and every
 * FLOW_REMOVED received reach the model, and compareWithModel() diffs the model with the
 * switch's flow stats (field order does not matter; cookie and instruction changes do).
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { FlowMod, FlowRemoved, FlowStats } from '../../src/codec/index.js';
import { compareFlows, type FlowModel, flowIdentity } from '../../src/runtime/internal.js';
import { flowMod, flowRemoved, flowStats } from '../engine/helpers.js';
import { FakeSwitch } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

const stats = (priority: number, over: Partial<FlowStats> = {}): FlowStats =>
  flowStats({
    priority,
    cookie: 1n,
    match: [
      { field: 'in_port', value: priority },
      { field: 'eth_dst', value: 0x020000000001 },
    ],
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2, maxLen: 0 }] }],
    ...over,
  });

describe('compareFlows', () => {
  test('identical sets are equal whatever the field order and counters', () => {
    const a = [stats(1), stats(2)];
    const b = [
      stats(2, { packetCount: 9n, match: [...stats(2).match].reverse() }),
      stats(1, { durationSec: 40 }),
    ];
    expect(compareFlows(a, b)).toEqual({ missing: [], unexpected: [], different: [], equal: true });
    expect(flowIdentity(a[1]!)).toBe(flowIdentity(b[0]!));
  });

  test('missing, unexpected and different flows are reported', () => {
    const model = [stats(1), stats(2), stats(3)];
    const actual = [stats(2, { cookie: 5n }), stats(3, { instructions: [] }), stats(4)];
    const c = compareFlows(model, actual);
    expect(c.equal).toBe(false);
    expect(c.missing.map((f) => f.priority)).toEqual([1]);
    expect(c.unexpected.map((f) => f.priority)).toEqual([4]);
    expect(c.different.map((d) => d.model?.priority)).toEqual([2, 3]);
  });
});

describe('model hook', () => {
  let tc: TestController | undefined;
  let sw: FakeSwitch | undefined;
  afterEach(async () => {
    await sw?.close();
    await tc?.stop();
  });

  /** A list model: ADD appends, DELETE clears, FLOW_REMOVED drops by priority. */
  class ListModel implements FlowModel {
    readonly log: string[] = [];
    readonly list: FlowStats[] = [];
    applyFlowMod(fm: FlowMod): void {
      this.log.push(`mod ${fm.command} ${fm.priority}`);
      if (fm.command === 3) this.list.length = 0;
      else
        this.list.push(
          stats(fm.priority, { match: fm.match, cookie: fm.cookie, instructions: fm.instructions }),
        );
    }
    applyFlowRemoved(fr: FlowRemoved): void {
      this.log.push(`removed ${fr.priority}`);
    }
    flows(): readonly FlowStats[] {
      return this.list;
    }
  }

  test('flow-mods and flow-removed reach the per-datapath model; compareWithModel diffs', async () => {
    const models: ListModel[] = [];
    const app = recorder('rec');
    tc = await startController([app.def], {
      flowModel: () => {
        const m = new ListModel();
        models.push(m);
        return m;
      },
    });
    sw = await FakeSwitch.connect(tc.port, { dpid: 3n });
    await app.waitFor('switchUp');
    const dp = app.handles.get(3n)!;
    expect(dp.model).toBe(models[0]);
    dp.deleteFlows();
    const match = [{ field: 'in_port', value: 1 }] as const;
    dp.flowMod({ priority: 10, match, actions: [{ type: 'output', port: 2, maxLen: 0 }] });
    dp.send(flowMod({ priority: 11 }));
    sw.send(flowRemoved({ priority: 11 }));
    await app.waitFor('flowRemoved');
    expect(models[0]!.log).toEqual(['mod 3 32768', 'mod 0 10', 'mod 0 11', 'removed 11']);

    const comparing = dp.compareWithModel();
    const req = await sw.waitFor('multipart_request', (m) => m.body.kind === 'flow');
    const onSwitch = stats(10, { match: [...match], cookie: 0n });
    sw.send({
      type: 'multipart_reply',
      xid: req.xid,
      flags: 0,
      body: { kind: 'flow', flows: [onSwitch] },
    });
    const c = await comparing;
    expect(c.missing.map((f) => f.priority)).toEqual([11]);
    expect(c.unexpected).toEqual([]);
    expect(c.different).toEqual([]);
  });

  test('without a factory there is no model and compareWithModel says so', async () => {
    const app = recorder('rec');
    tc = await startController([app.def]);
    sw = await FakeSwitch.connect(tc.port, { dpid: 4n });
    await app.waitFor('switchUp');
    const dp = app.handles.get(4n)!;
    expect(dp.model).toBeUndefined();
    await expect(dp.compareWithModel()).rejects.toThrow(/no flow model/);
  });
});
