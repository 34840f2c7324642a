/**
 * The engine's SwitchModel behind the flow-model seam: flow-mods, FLOW_REMOVED and
 * PORT_STATUS keep it in step with the switch, and over a live connection the datapath
 * handle compares it with the switch's flow stats.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { FlowMod, FlowStats, Port } from '../../src/codec/index.js';
import { EngineFlowModel, engineFlowModel } from '../../src/runtime/internal.js';
import { flowMod, flowRemoved } from '../engine/helpers.js';
import { FakeSwitch, makePort } from './fake-switch.js';
import { recorder, startController, type TestController } from './helpers.js';

const ports = (...nos: number[]) => new Map<number, Port>(nos.map((n) => [n, makePort(n)]));

const add = (priority: number, inPort: number, out: number, over: Partial<FlowMod> = {}): FlowMod =>
  flowMod({
    xid: 1,
    cookie: 0x77n,
    priority,
    flags: 1,
    match: [{ field: 'in_port', value: inPort }],
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: out, maxLen: 0 }] }],
    ...over,
  });

const frame = Buffer.alloc(60);

describe('EngineFlowModel', () => {
  test('flow-mods install and delete; FLOW_REMOVED removes exactly that flow', () => {
    const m = new EngineFlowModel({ dpid: 1n, nTables: 254, ports: ports(1, 2, 3) });
    m.applyFlowMod(add(10, 1, 2));
    m.applyFlowMod(add(10, 2, 1));
    m.applyFlowMod(add(5, 3, 0xfffffffb));
    expect(
      m
        .flows()
        .map((f) => f.priority)
        .sort(),
    ).toEqual([10, 10, 5]);
    expect(m.model.process(frame, 1).outputs.map((o) => o.port)).toEqual([2]);
    m.applyFlowRemoved(
      flowRemoved({ cookie: 0x77n, priority: 10, match: [{ field: 'in_port', value: 1 }] }),
    );
    expect(m.flows().map((f) => f.match)).toEqual([
      [{ field: 'in_port', value: 2 }],
      [{ field: 'in_port', value: 3 }],
    ]);
    m.applyFlowMod(add(0, 0, 0, { command: 3, tableId: 0xff, match: [], instructions: [] }));
    expect(m.flows()).toEqual([]);
    expect(m.rejected).toBe(0);
  });

  test('a flow-mod the switch would refuse is counted, not applied', () => {
    const m = new EngineFlowModel({ dpid: 1n, nTables: 4, ports: ports(1) });
    m.applyFlowMod(add(1, 1, 1, { tableId: 9 }));
    expect(m.rejected).toBe(1);
    expect(m.lastError?.type).toBe(5);
    expect(m.flows()).toEqual([]);
  });

  test('PORT_STATUS adds, changes and removes ports (FLOOD follows, LOCAL as in OVS)', () => {
    const LOCAL = 0xfffffffe;
    const m = new EngineFlowModel({ dpid: 1n, nTables: 1, ports: ports(1, 2) });
    const flood = () => m.model.process(frame, 1).outputs.map((o) => o.port);
    m.applyFlowMod(add(1, 1, 0xfffffffb));
    expect(flood()).toEqual([2, LOCAL]);
    m.applyPortStatus({ type: 'port_status', xid: 0, reason: 0, port: makePort(3) });
    expect(flood()).toEqual([2, 3, LOCAL]);
    m.applyPortStatus({
      type: 'port_status',
      xid: 0,
      reason: 2,
      port: { ...makePort(2), config: 1 },
    });
    expect(flood()).toEqual([3, LOCAL]);
    m.applyPortStatus({ type: 'port_status', xid: 0, reason: 1, port: makePort(3) });
    expect(flood()).toEqual([LOCAL]);
  });
});

describe('the model on a live connection', () => {
  let tc: TestController | undefined;
  let sw: FakeSwitch | undefined;
  afterEach(async () => {
    await sw?.close();
    await tc?.stop();
  });

  test('compareWithModel is equal when the switch holds what was sent, and says what differs', async () => {
    const app = recorder('rec');
    tc = await startController([app.def], { flowModel: engineFlowModel });
    sw = await FakeSwitch.connect(tc.port, { dpid: 8n, ports: [makePort(1), makePort(2)] });
    await app.waitFor('switchUp');
    const dp = app.handles.get(8n)!;
    expect(dp.model).toBeInstanceOf(EngineFlowModel);
    dp.flowMod({
      priority: 3,
      match: [{ field: 'in_port', value: 1 }],
      actions: [{ type: 'output', port: 2, maxLen: 0 }],
    });
    const asStats = (): FlowStats[] => [...dp.model!.flows()];

    const answer = async (flows: FlowStats[]) => {
      const req = await sw!.waitFor(
        'multipart_request',
        (m) => m.body.kind === 'flow',
        sw!.received.length,
      );
      sw!.send({ type: 'multipart_reply', xid: req.xid, flags: 0, body: { kind: 'flow', flows } });
    };
    let comparing = dp.compareWithModel();
    await answer(asStats());
    expect((await comparing).equal).toBe(true);

    comparing = dp.compareWithModel();
    await answer([]);
    const c = await comparing;
    expect(c.equal).toBe(false);
    expect(c.missing.map((f) => f.priority)).toEqual([3]);
  });
});
