/**
 * static-flows on real Open vSwitch, loaded the way `ofctl-ts controller --config FILE
 * --app ...` loads it (config file, flow file beside it, port names), with the
 * controller in process on a unix socket in the OVS run dir. Checks that the switch
 * holds exactly the file's flows and forwards by them; that a controller restart
 * removes and re-adds nothing (every flow's age and packet count run on); that an edited
 * file replaces only the flow that changed (on a reload, the runtime's as on SIGHUP and
 * the app's own, and at the next start when the edit was made while the controller was
 * down); that a stale flow is deleted and a flow
 * the switch rejects is logged with its file:line; and that a flow someone else installed
 * is never touched. Every wait is "until it happens", bounded generously.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { StaticFlowsConfig } from '../../apps/static-flows/config.js';
import type { StaticFlowsHandlers } from '../../apps/static-flows/handlers.js';
import { loadApps, parseControllerArgs, resolveSettings } from '../../src/cli/controller.js';
import { type AppDefinition, controllerOptions } from '../../src/runtime/internal.js';
import { createTestbed, type Host, type OvsInstance, ping } from '../harness/index.js';
import { type LogRecord, startInstances } from '../runtime/helpers.js';

const TIMEOUT = 120_000;
const APP = fileURLToPath(new URL('../../apps/static-flows/index.ts', import.meta.url));

interface Running {
  readonly handlers: StaticFlowsHandlers;
  readonly records: LogRecord[];
  /** What SIGHUP does: read the config file, validate the app's section, hand it over. */
  sighup(): Promise<string[]>;
  stop(): Promise<void>;
}

/** One flow of `ovs-ofctl dump-flows --no-names`: its text without counters, age, count. */
interface Dumped {
  readonly flow: string;
  readonly duration: number;
  readonly packets: number;
}

/** A dumped flow's cookie, table, priority and match: its text up to the actions. */
const identity = (f: Dumped) => f.flow.replace(/ actions=.*/, '').replace(/^cookie=\S+ /, '');

function parseDump(text: string): Dumped[] {
  return text
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => ({
      flow: l
        .trim()
        .replace(
          / duration=[\d.]+s,| n_packets=\d+,| n_bytes=\d+,| idle_age=\d+,| hard_age=\d+,/g,
          '',
        ),
      duration: Number(/duration=([\d.]+)s/.exec(l)![1]),
      packets: Number(/n_packets=(\d+)/.exec(l)![1]),
    }));
}

describe('static-flows on Open vSwitch', { timeout: TIMEOUT }, () => {
  const tb = createTestbed();
  const dir = mkdtempSync(join(tmpdir(), 'static-flows-e2e-'));
  const cfgFile = join(dir, 'ctl.json');
  const flowFile = join(dir, 'flows', 'br0.flows');
  let ovs: OvsInstance;
  let h1: Host;
  let h2: Host;
  let target: string;
  let ctl: Running;

  /** The flows of br0, sorted by their text. */
  async function dump(): Promise<Dumped[]> {
    const flows = parseDump(await ovs.ofctl('--no-names', 'dump-flows', 'br0'));
    return flows.sort((a, b) => a.flow.localeCompare(b.flow));
  }

  function writeFlows(lines: readonly string[]): void {
    writeFileSync(flowFile, `# br0: h1 and h2, IPv4 and ARP only\n${lines.join('\n')}\n`);
  }

  /** The app as the controller command loads it: --config FILE --app PATH. */
  async function startController(): Promise<Running> {
    const args = parseControllerArgs(['--config', cfgFile, '--app', APP, '--listen', target]);
    const settings = resolveSettings(args);
    const [inst] = await loadApps(settings, args.config);
    let handlers: StaticFlowsHandlers | undefined;
    const def = inst!.def as AppDefinition<StaticFlowsConfig>;
    const wrapped: AppDefinition<StaticFlowsConfig> = {
      ...def,
      create: (c) => {
        handlers = def.create(c) as StaticFlowsHandlers;
        return handlers;
      },
    };
    const c = await startInstances(
      [{ def: wrapped as AppDefinition<unknown>, config: inst!.config }],
      controllerOptions(settings),
    );
    tb.defer(() => c.stop());
    const sighup = () => {
      const section = resolveSettings(args).appConfig['static-flows'];
      const next = def.validateConfig!(section, `${cfgFile}: appConfig.static-flows`);
      return c.controller.reload(new Map([['static-flows', next]]));
    };
    return { handlers: handlers!, records: c.records, sighup, stop: c.stop };
  }

  /** The summary lines of the app so far. */
  const summaries = (r: Running) => r.records.filter((x) => x.msg.startsWith('static flows'));

  async function waitForSummary(r: Running, n: number): Promise<LogRecord> {
    await vi.waitFor(() => expect(summaries(r).length).toBeGreaterThanOrEqual(n), {
      timeout: 30_000,
      interval: 100,
    });
    return summaries(r)[n - 1]!;
  }

  const LINES = [
    'priority=0,actions=drop',
    'priority=100,arp,actions=FLOOD',
    'priority=100,ip,in_port=h1,actions=output:h2',
    'priority=100,ip,in_port=h2,actions=output:h1',
    'cookie=0x2a,table=1,priority=5,tcp,tp_dst=22,actions=drop',
  ];
  const SF = 'cookie=0x5346000000000000';
  /** The edit: traffic from h2 gets its TTL decremented (one flow changes). */
  const decTtlFromH2 = (lines: readonly string[]) =>
    lines.map((l) => (l.includes('in_port=h2') ? l.replace('actions=', 'actions=dec_ttl,') : l));

  beforeAll(async () => {
    mkdirSync(join(dir, 'flows'));
    writeFlows(LINES);
    writeFileSync(
      cfgFile,
      JSON.stringify({
        appConfig: {
          'static-flows': { datapaths: { '0000000000000001': { file: 'flows/br0.flows' } } },
        },
      }),
    );
    ovs = await tb.startOvs();
    target = `unix:${join(ovs.rundir, 'static-flows.sock')}`;
    await ovs.addBridge('br0', { dpid: 1, failMode: 'secure' });
    h1 = await tb.addHost(ovs, 'br0', { name: 'h1', ip: '10.0.0.1/24' });
    h2 = await tb.addHost(ovs, 'br0', { name: 'h2', ip: '10.0.0.2/24' });
    ctl = await startController();
    await ovs.setController('br0', target);
  }, TIMEOUT);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await tb.teardown();
  }, TIMEOUT);

  test('the switch holds exactly the flows of the file and forwards by them', async () => {
    const first = await waitForSummary(ctl, 1);
    expect(first).toMatchObject({ added: 5, replaced: 0, removed: 0, kept: 0, rejected: 0 });
    // Someone else's flow: no app cookie, so the app must never touch it. (Added only now:
    // Open vSwitch flushes a bridge's flows when it gets its first controller.)
    await ovs.ofctl('add-flow', 'br0', 'table=2,priority=1,actions=drop');
    expect((await dump()).map((f) => f.flow)).toEqual([
      'cookie=0x0, table=2, priority=1 actions=drop',
      `${SF}, table=0, priority=0 actions=drop`,
      `${SF}, table=0, priority=100,arp actions=FLOOD`,
      `${SF}, table=0, priority=100,ip,in_port=${h1.ofport} actions=output:${h2.ofport}`,
      `${SF}, table=0, priority=100,ip,in_port=${h2.ofport} actions=output:${h1.ofport}`,
      'cookie=0x534600000000002a, table=1, priority=5,tcp,tp_dst=22 actions=drop',
    ]);
    const r = await ping(h1, h2.ip, { count: 3, interval: 0.2, timeoutSec: 2 });
    expect(r.received, r.output).toBeGreaterThan(0);
    expect(ctl.records.filter((x) => x.level >= 40)).toEqual([]);
  });

  test('a controller restart removes and re-adds nothing: ages and counters run on', async () => {
    // Every flow at least a second old, so a re-added one (age ~0) would show, and the
    // ping's packets counted (the datapath reports them to the flows with a delay).
    const ipFromH1 = `ip,in_port=${h1.ofport}`;
    await vi.waitFor(
      async () =>
        expect((await dump()).find((f) => f.flow.includes(ipFromH1))!.packets).toBeGreaterThan(0),
      { timeout: 10_000, interval: 200 },
    );
    await vi.waitFor(
      async () =>
        expect(Math.min(...(await dump()).map((f) => f.duration))).toBeGreaterThanOrEqual(1),
      { timeout: 10_000, interval: 200 },
    );
    const before = await dump();
    await ctl.stop();
    ctl = await startController();
    const summary = await waitForSummary(ctl, 1);
    expect(summary).toMatchObject({ added: 0, replaced: 0, removed: 0, kept: 5, rejected: 0 });
    const after = await dump();
    expect(after.map((f) => f.flow)).toEqual(before.map((f) => f.flow));
    after.forEach((f, i) => {
      expect(f.duration, f.flow).toBeGreaterThanOrEqual(before[i]!.duration);
      expect(f.packets, f.flow).toBeGreaterThanOrEqual(before[i]!.packets);
    });
    expect(after.find((f) => f.flow.includes(ipFromH1))!.packets).toBeGreaterThan(0);
  });

  test('an edited file replaces only the flow that changed (reload on SIGHUP)', async () => {
    await ping(h1, h2.ip, { count: 2, interval: 0.2, timeoutSec: 2 });
    const before = await dump();
    const changed = `priority=100,ip,in_port=${h2.ofport}`;
    writeFlows(decTtlFromH2(LINES));
    const started = Date.now();
    const n = summaries(ctl).length;
    expect(await ctl.sighup()).toEqual(['static-flows']);
    const summary = await waitForSummary(ctl, n + 1);
    expect(summary).toMatchObject({ added: 0, replaced: 1, removed: 0, kept: 4, rejected: 0 });
    const after = await dump();
    const sinceReload = (Date.now() - started) / 1000;
    expect(after.map((f) => f.flow)).toEqual(
      before.map((f) =>
        f.flow.includes(changed) ? f.flow.replace('actions=', 'actions=dec_ttl,') : f.flow,
      ),
    );
    const was = new Map(before.map((f) => [identity(f), f]));
    for (const f of after) {
      const old = was.get(identity(f))!;
      if (f.flow.includes(changed)) {
        // Replaced: a new entry, no older than the reload (the old one was over 1 s old).
        expect(old.duration, f.flow).toBeGreaterThanOrEqual(1);
        expect(f.duration, f.flow).toBeLessThanOrEqual(sinceReload + 0.01);
      } else {
        expect(f.packets, f.flow).toBeGreaterThanOrEqual(old.packets);
        expect(f.duration, f.flow).toBeGreaterThanOrEqual(old.duration);
      }
    }
    const r = await ping(h1, h2.ip, { count: 2, interval: 0.2, timeoutSec: 2 });
    expect(r.received, r.output).toBeGreaterThan(0);
  });

  test('a dropped line is deleted alone; a flow the switch rejects is logged with file:line', async () => {
    const lines = [
      ...LINES.filter((l) => !l.includes('tp_dst=22')),
      'priority=50,udp,actions=group:7',
    ];
    writeFlows(decTtlFromH2(lines));
    const from = ctl.records.length;
    const [summary] = await ctl.handlers.reload();
    expect(summary).toMatchObject({ added: 1, replaced: 0, removed: 1, kept: 4, rejected: 1 });
    const errors = ctl.records.slice(from).filter((x) => x.level >= 50);
    expect(errors).toEqual([
      expect.objectContaining({
        dpid: '0000000000000001',
        flow: 'flows/br0.flows:6',
        errorName: 'OFPBAC_BAD_OUT_GROUP',
        msg: 'flows/br0.flows:6: the switch rejected "priority=50,udp,actions=group:7" with OFPBAC_BAD_OUT_GROUP',
      }),
    ]);
    const flows = (await dump()).map((f) => f.flow);
    expect(flows).not.toContainEqual(expect.stringContaining('tp_dst=22'));
    expect(flows).not.toContainEqual(expect.stringContaining('udp'));
    expect(flows).toContain('cookie=0x0, table=2, priority=1 actions=drop');
    expect(flows).toHaveLength(5);
  });

  test('an edit made while the controller is down is applied at its next start', async () => {
    const before = await dump();
    await ctl.stop();
    writeFlows(LINES.filter((l) => !l.includes('tp_dst=22')));
    ctl = await startController();
    const summary = await waitForSummary(ctl, 1);
    expect(summary).toMatchObject({ added: 0, replaced: 1, removed: 0, kept: 3, rejected: 0 });
    const after = await dump();
    expect(after.map((f) => f.flow)).toContain(
      `${SF}, table=0, priority=100,ip,in_port=${h2.ofport} actions=output:${h1.ofport}`,
    );
    const was = new Map(before.map((f) => [identity(f), f]));
    for (const f of after) {
      if (f.flow.includes(`in_port=${h2.ofport}`)) continue;
      expect(f.duration, f.flow).toBeGreaterThanOrEqual(was.get(identity(f))!.duration);
    }
    expect(ctl.records.filter((x) => x.level >= 40)).toEqual([]);
  });
});
