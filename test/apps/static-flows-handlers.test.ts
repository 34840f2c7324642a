/**
 * The static-flows handlers against a switch made of the project's flow-table engine
 * (SwitchModel) behind the runtime's real Datapath handle: what a fresh switch gets,
 * that a controller restart sends nothing and leaves every flow's age running, that an
 * edited file replaces only the flow that changed, that stale flows go one by one and
 * nobody else's flows are touched, that a switch's OFPT_ERROR is logged with the
 * file:line of the flow, that a line naming a missing port waits for the port, and that
 * a reload (the runtime hook with a new config, or rereading the files) changes only what
 * differs and refuses a file that no longer parses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { configFromJson, type StaticFlowsConfig } from '../../apps/static-flows/config.js';
import { STATIC_COOKIE, STATIC_COOKIE_MASK } from '../../apps/static-flows/flow-lines.js';
import { createHandlers, type StaticFlowsHandlers } from '../../apps/static-flows/handlers.js';
import { flowKey } from '../../apps/static-flows/sync-plan.js';
import {
  type FlowMod,
  FlowModCommand,
  type FlowStats,
  type Message,
  OFPP,
  type Port,
} from '../../src/codec/index.js';
import { ALL_FLOWS } from '../../src/engine/stats.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { DatapathHandle } from '../../src/runtime/datapath.js';
import { OpenFlowError } from '../../src/runtime/errors.js';
import { createLogger } from '../../src/runtime/log.js';
import { makePort } from '../runtime/fake-switch.js';
import { TestPort } from '../runtime/test-port.js';

const DPID = 0x1n;
type LogRecord = Record<string, unknown> & { level: number; msg: string };

/**
 * One switch: the engine holds its flows (with a clock the test moves), a fake
 * connection hands the app's messages to it, and OFPT_ERRORs come back to the app
 * before the reply to the next barrier, as on a real connection.
 */
class FakeSwitch {
  nowMs = 0;
  readonly model = new SwitchModel({ clock: () => this.nowMs, ports: [1, 2, 3] });
  readonly ports = new Map<number, Port>([
    [1, makePort(1, 'eth1')],
    [2, makePort(2, 'vm1')],
    [OFPP.LOCAL, makePort(OFPP.LOCAL, 'br0')],
  ]);
  /** Flow-mods received: `ADD table=0 priority=1 ...` or `DEL table=0 ...`. */
  received: string[] = [];
  statsRequests = 0;
  private xid = 100;
  private errors: (() => void)[] = [];
  /** Hands an OFPT_ERROR to the connected app's error handler. */
  private deliver: (err: OpenFlowError) => void = () => undefined;

  /** What the app host does at connect: handle, reconcile (unless `skipReconcile`), switchUp. */
  async connect(
    handlers: StaticFlowsHandlers,
    records: LogRecord[],
    opts: { skipReconcile?: boolean } = {},
  ): Promise<DatapathHandle> {
    const log = logger(records).child({ dpid: '0000000000000001' });
    const port = new TestPort({
      dpid: DPID,
      ports: this.ports,
      log,
      firstXid: this.xid,
      onSend: (m) => {
        if (m.type === 'flow_mod') this.flowMod(m);
      },
      respond: (m) => this.request(m),
    });
    const handle = new DatapathHandle(port, 0, 'static-flows', {
      value: STATIC_COOKIE,
      mask: STATIC_COOKIE_MASK,
    });
    this.deliver = (err) => handlers.error?.(handle, err);
    if (!opts.skipReconcile) {
      const found = await handle.flowStats({
        cookie: STATIC_COOKIE,
        cookieMask: STATIC_COOKIE_MASK,
      });
      await handlers.reconcile?.(handle, found);
    }
    handle.active = true;
    await handlers.switchUp?.(handle);
    return handle;
  }

  private flowMod(m: FlowMod): void {
    const del = m.command === FlowModCommand.DELETE_STRICT || m.command === FlowModCommand.DELETE;
    this.received.push(del ? `DEL ${flowKey(m)}` : `ADD ${flowKey(m)}`);
    const err = this.model.applyFlowMod(m);
    if (err) {
      const msg = {
        type: 'error',
        xid: m.xid,
        errType: err.type,
        code: err.code,
        data: new Uint8Array(),
      } as const;
      this.errors.push(() => this.deliver(new OpenFlowError(msg)));
    }
  }

  private async request(m: Message): Promise<Message> {
    if (m.type === 'barrier_request') {
      const pending = this.errors;
      this.errors = [];
      for (const deliver of pending) deliver();
      return { type: 'barrier_reply', xid: m.xid };
    }
    if (m.type === 'multipart_request' && m.body.kind === 'flow') {
      this.statsRequests++;
      return {
        type: 'multipart_reply',
        xid: m.xid,
        flags: 0,
        body: { kind: 'flow', flows: this.flows(m.body.cookie, m.body.cookieMask) },
      };
    }
    throw new Error(`unexpected request ${m.type}`);
  }

  /** The switch's flows (those with cookie/mask when given). */
  flows(cookie = 0n, cookieMask = 0n): FlowStats[] {
    const r = this.model.flowStats({ ...ALL_FLOWS, cookie, cookieMask });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  /** Seconds each flow has been installed, by identity. */
  ages(): Map<string, number> {
    return new Map(this.flows().map((f) => [flowKey(f), f.durationSec]));
  }
}

function logger(records: LogRecord[]) {
  return createLogger({
    level: 'debug',
    pretty: false,
    stream: { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) },
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'static-flows-handlers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FILE = join(tmp, 'sw.flows');
const WHERE = `${join(tmp, 'ctl.json')}: appConfig.static-flows`;
writeFileSync(join(tmp, 'ctl.json'), '{}');

const LINES = [
  '# the test switch',
  'priority=0,actions=drop',
  'priority=10,in_port=vm1,actions=output:eth1',
  'priority=10,in_port=eth1,actions=output:vm1',
  'table=1,priority=5,arp,actions=NORMAL',
];

function config(lines: readonly string[] = LINES): StaticFlowsConfig {
  writeFileSync(FILE, `${lines.join('\n')}\n`);
  return configFromJson({ datapaths: { '0x1': { file: 'sw.flows' } } }, WHERE);
}

/** A controller instance: the app's handlers, its log, the switches it has up. */
function controller(cfg: StaticFlowsConfig) {
  const records: LogRecord[] = [];
  const ups = new Map<bigint, DatapathHandle>();
  const handlers = createHandlers({ config: cfg, log: logger(records), datapaths: () => ups });
  const connect = async (sw: FakeSwitch, opts?: { skipReconcile?: boolean }) => {
    const dp = await sw.connect(handlers, records, opts);
    ups.set(DPID, dp);
    return dp;
  };
  const summaries = () => records.filter((r) => r.msg.startsWith('static flows'));
  return { handlers, records, connect, summaries };
}

describe('static-flows on a switch', () => {
  let sw: FakeSwitch;
  beforeEach(() => {
    sw = new FakeSwitch();
  });

  test('a fresh switch gets every flow with the app cookie, ports resolved; one summary', async () => {
    const ctl = controller(config());
    await ctl.connect(sw);
    expect(sw.received).toEqual([
      'ADD table=0 priority=0',
      'ADD table=0 priority=10,in_port=2',
      'ADD table=0 priority=10,in_port=1',
      'ADD table=1 priority=5,arp',
    ]);
    expect(sw.flows().every((f) => f.cookie === STATIC_COOKIE)).toBe(true);
    expect(ctl.summaries()).toEqual([
      expect.objectContaining({
        level: 30,
        dpid: '0000000000000001',
        entry: 'datapaths.0x1',
        added: 4,
        replaced: 0,
        removed: 0,
        kept: 0,
        msg: 'static flows (datapaths.0x1): 4 added, 0 replaced, 0 removed, 0 kept',
      }),
    ]);
  });

  test('a controller restart sends nothing and every flow keeps its age', async () => {
    await controller(config()).connect(sw);
    sw.received = [];
    sw.nowMs = 42_000;
    const again = controller(config());
    await again.connect(sw);
    expect(sw.received).toEqual([]);
    expect(again.summaries()[0]).toMatchObject({ added: 0, replaced: 0, removed: 0, kept: 4 });
    expect([...sw.ages().values()]).toEqual([42, 42, 42, 42]);
    // The flows came from the runtime's reconcile: switchUp read nothing more.
    expect(sw.statsRequests).toBe(2);
  });

  test('an edited file replaces only the flow that changed (reload, then restart)', async () => {
    const ctl = controller(config());
    await ctl.connect(sw);
    sw.received = [];
    sw.nowMs = 10_000;
    config(
      LINES.map((l) => l.replace('in_port=eth1,actions=output:vm1', 'in_port=eth1,actions=FLOOD')),
    );
    const [summary] = await ctl.handlers.reload();
    expect(sw.received).toEqual(['ADD table=0 priority=10,in_port=1']);
    expect(summary).toMatchObject({ added: 0, replaced: 1, removed: 0, kept: 3 });
    const ages = sw.ages();
    expect(ages.get('table=0 priority=10,in_port=1')).toBe(0);
    expect(ages.get('table=0 priority=10,in_port=2')).toBe(10);
    // A restart on the edited file finds everything right.
    sw.received = [];
    await controller(ctl.handlers.config).connect(sw);
    expect(sw.received).toEqual([]);
  });

  test('a removed line: its flow alone is deleted, strictly; flows of others stay', async () => {
    await controller(config()).connect(sw);
    const foreign: FlowMod = {
      ...sw.flows()[0]!,
      type: 'flow_mod',
      xid: 1,
      command: FlowModCommand.ADD,
      cookie: 0x77n,
      cookieMask: 0n,
      tableId: 1,
      priority: 5,
      bufferId: 0xffffffff,
      outPort: OFPP.ANY,
      outGroup: 0xffffffff,
      match: [{ field: 'eth_type', value: 0x800 }],
    };
    expect(sw.model.applyFlowMod(foreign)).toBeUndefined();
    sw.received = [];
    const ctl = controller(config(LINES.filter((l) => !l.includes('arp'))));
    await ctl.connect(sw);
    expect(sw.received).toEqual(['DEL table=1 priority=5,arp']);
    expect(ctl.summaries()[0]).toMatchObject({ added: 0, removed: 1, kept: 3 });
    expect(sw.flows().map((f) => [flowKey(f), f.cookie])).toContainEqual([
      'table=1 priority=5,ip',
      0x77n,
    ]);
    expect(sw.flows()).toHaveLength(4);
  });

  test("a flow the switch rejects is logged with its file:line and the switch's error", async () => {
    const ctl = controller(config([...LINES, 'priority=20,ip,actions=group:7']));
    await ctl.connect(sw);
    const errors = ctl.records.filter((r) => r.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({
        flow: 'sw.flows:6',
        errorName: 'OFPBAC_BAD_OUT_GROUP',
        msg: 'sw.flows:6: the switch rejected "priority=20,ip,actions=group:7" with OFPBAC_BAD_OUT_GROUP',
      }),
    ]);
    expect(ctl.summaries()[0]).toMatchObject({ added: 5, rejected: 1 });
    expect(ctl.summaries()[0]!.msg).toMatch(/, 1 rejected$/);
    expect(sw.flows()).toHaveLength(4);
  });

  test('a line naming a missing port is skipped until the port appears', async () => {
    const ctl = controller(config([...LINES, 'priority=10,in_port=vm2,actions=output:eth1']));
    const dp = await ctl.connect(sw);
    const warnings = ctl.records.filter((r) => r.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        flow: 'sw.flows:6',
        msg: expect.stringMatching(/^sw\.flows:6: not installed: vm2/),
      }),
    ]);
    expect(ctl.summaries()[0]).toMatchObject({ added: 4, skipped: 1 });

    // A port change that alters nothing the lines resolve to: no request, no flow-mod.
    sw.received = [];
    const requests = sw.statsRequests;
    sw.ports.set(7, makePort(7, 'unused'));
    await ctl.handlers.portStatus?.(dp, {
      type: 'port_status',
      xid: 0,
      reason: 0,
      port: makePort(7, 'unused'),
    });
    expect([sw.received, sw.statsRequests]).toEqual([[], requests]);

    sw.ports.set(3, makePort(3, 'vm2'));
    await ctl.handlers.portStatus?.(dp, {
      type: 'port_status',
      xid: 0,
      reason: 0,
      port: makePort(3, 'vm2'),
    });
    expect(sw.received).toEqual(['ADD table=0 priority=10,in_port=3']);
    expect(ctl.summaries()[1]).toMatchObject({ added: 1, kept: 4, skipped: 0 });

    // The port goes away: its flow goes with it.
    sw.received = [];
    sw.ports.delete(3);
    await ctl.handlers.portStatus?.(dp, {
      type: 'port_status',
      xid: 0,
      reason: 1,
      port: makePort(3, 'vm2'),
    });
    expect(sw.received).toEqual(['DEL table=0 priority=10,in_port=3']);
  });

  test('the runtime reload hook: a new config moves the switch to it', async () => {
    const ctl = controller(config());
    await ctl.connect(sw);
    sw.received = [];
    const next = configFromJson(
      {
        datapaths: { br0: { lines: ['priority=0,actions=drop', 'priority=1,arp,actions=FLOOD'] } },
      },
      WHERE,
    );
    const summaries = await ctl.handlers.reload(next);
    expect(ctl.handlers.config).toBe(next);
    expect(summaries).toEqual([
      expect.objectContaining({ entry: 'datapaths.br0', added: 1, removed: 3, kept: 1 }),
    ]);
    expect(sw.received.sort()).toEqual([
      'ADD table=0 priority=1,arp',
      'DEL table=0 priority=10,in_port=1',
      'DEL table=0 priority=10,in_port=2',
      'DEL table=1 priority=5,arp',
    ]);
  });

  test('a reload whose file no longer parses is refused and changes nothing', async () => {
    const ctl = controller(config());
    await ctl.connect(sw);
    const before = ctl.handlers.config;
    sw.received = [];
    writeFileSync(FILE, [...LINES, 'priority=3,bogus=1,actions=drop'].join('\n'));
    await expect(ctl.handlers.reload()).rejects.toThrow(/^sw\.flows:6: /);
    expect(ctl.handlers.config).toBe(before);
    expect(sw.received).toEqual([]);
  });

  test('when the runtime could not hand over the flows, switchUp reads them itself', async () => {
    await controller(config()).connect(sw);
    sw.received = [];
    const requests = sw.statsRequests;
    await controller(config()).connect(sw, { skipReconcile: true });
    expect(sw.statsRequests).toBe(requests + 1);
    expect(sw.received).toEqual([]);
  });

  test('a switch no entry applies to loses the leftover static flows, nothing else', async () => {
    await controller(config()).connect(sw);
    sw.received = [];
    const other = configFromJson({ datapaths: { br9: { lines: ['actions=drop'] } } }, WHERE);
    const ctl = controller(other);
    await ctl.connect(sw);
    expect(sw.received.sort()).toEqual([
      'DEL table=0 priority=0',
      'DEL table=0 priority=10,in_port=1',
      'DEL table=0 priority=10,in_port=2',
      'DEL table=1 priority=5,arp',
    ]);
    expect(ctl.summaries()[0]!.msg).toBe(
      'static flows (no entry): 0 added, 0 replaced, 4 removed, 0 kept',
    );
  });
});
