/**
 * The vnet app's event handlers: per connected switch, the resolved plan, the static
 * flows the switch holds and the learned MACs. Every event is turned into flow-mods by
 * the pure functions of this folder and sent through the datapath handle; when a change
 * both deletes and adds, the deletes go first and a barrier separates them.
 *
 * Config reload (`reload(config)`) and port changes take the same path: new plan, diff
 * of the static flow sets, learned MACs whose egress changed are forgotten, and nothing
 * else on the switch is touched.
 *
 * In OVSDB mode (`"ovsdb": {}` in the config and a controller with --ovsdb or
 * --ovsdb-listen) a switch's ports come from its bridge in an Open_vSwitch database
 * (ovsdb-source.ts); every database change re-plans the switches whose ports changed,
 * through the same diff, so a port added, retagged or removed costs only its own flows.
 */
import {
  type FlowMod,
  type FlowStats,
  matchGet,
  OFPPC,
  OFPPR_DELETE,
  OFPPS,
  type PacketIn,
  type PortStatus,
} from '../../src/codec/index.js';
import type { OvsdbView } from '../../src/ovsdb/index.js';
import type { AppHandlers, Datapath, Logger, Outgoing } from '../../src/runtime/index.js';
import type { VnetConfig } from './config.js';
import { addFlowMod, deleteStrictFlowMod, diffFlows, type FlowSpec } from './flow-set.js';
import { desiredFlows, LEARN_MISS_COOKIE } from './flows.js';
import {
  forgetPort,
  learn,
  onSourceRemoved,
  parseFrameHeader,
  reconcileLearned,
} from './learning.js';
import { formatMac, MacTable } from './mac-table.js';
import { OvsdbPortSource, type OvsdbResolution } from './ovsdb-source.js';
import { COOKIE_KIND_MASK, CookieKind, cookieKind, kindCookie } from './pipeline.js';
import { type DatapathPlan, planDatapath, type SwitchPort } from './plan.js';
import { vnetNorthbound } from './routes.js';
import { describeState, type VnetState } from './state.js';

interface SwitchState {
  plan: DatapathPlan | undefined;
  /** The static flows the switch holds (as far as we know). */
  flows: FlowSpec[];
  readonly macs: MacTable;
  /** Our flows found on the switch at connect (from reconcile), consumed by switchUp. */
  found: readonly FlowStats[];
  /** Convergence runs one at a time per switch (port changes and reloads may overlap). */
  queue: Promise<unknown>;
  /** OVSDB mode: what the database said at the last convergence. */
  ovsdb: OvsdbResolution | undefined;
}

export interface ApplySummary {
  readonly dpid: string;
  readonly removed: number;
  readonly added: number;
  readonly unchanged: number;
  readonly forgotten: number;
}

export interface VnetHandlers extends AppHandlers {
  /**
   * Switch to a new configuration without a cold start: per connected switch, only the
   * flows the change touches are deleted or added. Resolves when every switch has
   * acknowledged (barrier).
   */
  reload(config: VnetConfig): Promise<ApplySummary[]>;
  /** The current configuration. */
  readonly config: VnetConfig;
  /** Learned MACs of a switch, for tests and diagnostics. */
  macTable(dpid: bigint): MacTable | undefined;
  /** The plan a switch's flows follow now (undefined: not one of ours, or not up). */
  plan(dpid: bigint): DatapathPlan | undefined;
  /** Networks, ports per switch and where each learned MAC is (for `vnet show`, the API). */
  state(): VnetState;
}

function switchPorts(dp: Datapath): SwitchPort[] {
  return [...dp.ports.values()].map((p) => ({ name: p.name, number: p.portNo }));
}

function toSpec(f: FlowStats): FlowSpec {
  const { tableId, priority, match, instructions, cookie, idleTimeout, flags } = f;
  return { tableId, priority, match, instructions, cookie, idleTimeout, flags };
}

function send(dp: Datapath, mods: readonly FlowMod[]): void {
  for (const m of mods) dp.send(m as Outgoing);
}

/** Deletes, then (if there are both) a barrier, then adds. */
async function applyOrdered(dp: Datapath, deletes: FlowMod[], adds: FlowMod[]): Promise<void> {
  send(dp, deletes);
  if (deletes.length > 0 && adds.length > 0) await dp.barrier();
  send(dp, adds);
}

export interface HandlerDeps {
  readonly config: VnetConfig;
  readonly log: Logger;
  /** The switches currently up (the app context's view). */
  readonly datapaths: () => ReadonlyMap<bigint, Datapath>;
  /** Clock in ms (tests pass their own). */
  readonly now?: () => number;
  /** The controller's OVSDB databases (used when the config has "ovsdb"). */
  readonly ovsdb?: OvsdbView | undefined;
}

export function createHandlers(deps: HandlerDeps): VnetHandlers {
  const { log, datapaths } = deps;
  const now = deps.now ?? Date.now;
  let config = deps.config;
  const switches = new Map<bigint, SwitchState>();
  if (config.ovsdb && !deps.ovsdb) {
    throw new Error(
      'the vnet config has "ovsdb" (ports from Open vSwitch) but the controller has no OVSDB: start it with --ovsdb unix:PATH|tcp:HOST:PORT or --ovsdb-listen tcp:HOST:PORT',
    );
  }
  const source = deps.ovsdb ? new OvsdbPortSource(deps.ovsdb) : undefined;

  /** The plan of a switch: the JSON config's datapath first, else its bridge in OVSDB. */
  function planFor(dp: Datapath, st: SwitchState): DatapathPlan | undefined {
    const ports = switchPorts(dp);
    const fromJson = planDatapath(config, dp.dpid, ports);
    st.ovsdb = undefined;
    if (fromJson || !config.ovsdb || !source) return fromJson;
    const r = source.resolve(config, dp.dpid);
    source.report(dp.dpid, r, dp.log);
    st.ovsdb = r;
    if (!r) return undefined;
    return planDatapath({ ...config, datapaths: [r.datapath] }, dp.dpid, ports);
  }

  /** Bring a switch from what it holds to the plan of `config`; learned MACs reconciled. */
  async function converge(dp: Datapath, st: SwitchState): Promise<ApplySummary> {
    const next = planFor(dp, st);
    const wanted = next ? desiredFlows(next) : [];
    const diff = diffFlows(st.flows, wanted);
    const forgets = reconcileLearned(st.plan, next, st.macs);
    if (next && next.missing.length > 0) {
      dp.log.info({ missing: next.missing }, 'configured ports not on the switch (yet)');
    }
    st.plan = next;
    st.flows = wanted;
    await applyOrdered(
      dp,
      [...forgets, ...diff.remove.map(deleteStrictFlowMod)],
      diff.add.map(addFlowMod),
    );
    await dp.barrier();
    const summary = {
      dpid: dp.dpidHex,
      removed: diff.remove.length,
      added: diff.add.length,
      unchanged: diff.unchanged,
      forgotten: forgets.length / 2,
    };
    dp.log.info({ datapath: next?.name, ...summary }, 'vnet flows converged');
    return summary;
  }

  function stateOf(dp: Datapath): SwitchState {
    let st = switches.get(dp.dpid);
    if (!st) {
      st = {
        plan: undefined,
        flows: [],
        macs: new MacTable(),
        found: [],
        queue: Promise.resolve(),
        ovsdb: undefined,
      };
      switches.set(dp.dpid, st);
    }
    return st;
  }

  /** Run `converge` after whatever convergence is already running on this switch. */
  function enqueue(dp: Datapath, st: SwitchState): Promise<ApplySummary> {
    const run = st.queue.then(() => converge(dp, st));
    st.queue = run.catch(() => undefined);
    return run;
  }

  function state(): VnetState {
    return describeState(
      config,
      [...switches].map(([dpid, st]) => ({
        dpid,
        plan: st.plan,
        macs: st.macs,
        host: st.ovsdb?.host ?? st.ovsdb?.database,
        bridge: st.ovsdb?.bridge,
        source: st.ovsdb ? 'ovsdb' : 'config',
        problems: st.ovsdb?.problems ?? [],
      })),
    );
  }

  // OVSDB changed: re-plan the switches whose ports per OVSDB are not what they follow.
  const unsubscribe = source?.onChange(() => {
    if (!config.ovsdb) return;
    for (const [dpid, dp] of datapaths()) {
      const st = switches.get(dpid);
      if (!st || !dp.connected || planDatapath(config, dpid, switchPorts(dp))) continue;
      const r = source.resolve(config, dpid);
      if (r?.fingerprint === st.ovsdb?.fingerprint) continue;
      enqueue(dp, st).catch((e: unknown) =>
        dp.log.error({ err: e }, 'vnet: applying an OVSDB change failed'),
      );
    }
  });

  return {
    get config() {
      return config;
    },

    macTable: (dpid) => switches.get(dpid)?.macs,

    plan: (dpid) => switches.get(dpid)?.plan,

    northbound: vnetNorthbound(() => state()),

    state: () => state(),

    stop() {
      unsubscribe?.();
    },

    reconcile(dp, flows) {
      stateOf(dp).found = flows;
    },

    async switchUp(dp) {
      const st = stateOf(dp);
      st.plan = undefined;
      st.macs.clear();
      // Static flows already on the switch count as installed (a controller restart
      // re-adds nothing that is right); learned flows are dropped and relearned.
      const found = st.found.filter((f) => cookieKind(f.cookie) !== CookieKind.LEARNED);
      const learned = st.found.length - found.length;
      st.flows = found.map(toSpec);
      st.found = [];
      if (learned > 0) {
        dp.deleteFlows({ cookie: kindCookie(CookieKind.LEARNED), cookieMask: COOKIE_KIND_MASK });
      }
      await enqueue(dp, st);
      if (!st.plan && config.ovsdb) {
        dp.log.info(
          { config: config.source },
          'no Open_vSwitch database describes this datapath (yet); its flows follow once one does',
        );
      } else if (!st.plan) {
        dp.log.warn(
          { config: config.source },
          'switch is not in the vnet config; leaving it alone',
        );
      }
    },

    switchDown(dp, reason) {
      switches.delete(dp.dpid);
      source?.forget(dp.dpid);
      dp.log.info({ reason }, 'vnet: switch down, state dropped');
    },

    packetIn(dp, msg: PacketIn) {
      if (msg.cookie !== LEARN_MISS_COOKIE) return;
      const st = switches.get(dp.dpid);
      if (!st?.plan) return;
      const inPort = matchGet(msg.match, 'in_port')?.value;
      const frame = parseFrameHeader(msg.data);
      if (typeof inPort !== 'number' || !frame) return;
      const out = learn({
        plan: st.plan,
        table: st.macs,
        inPort,
        frame,
        idleTimeout: config.macIdleTimeout,
        now: now(),
      });
      if (out.kind === 'ignored') {
        dp.log.debug({ inPort, reason: out.reason }, 'learning: frame ignored');
        return;
      }
      dp.log.debug(
        { vlan: frame.vlan, mac: formatMac(frame.src), port: inPort, from: out.from },
        `learning: ${out.kind}`,
      );
      send(dp, out.mods);
    },

    flowRemoved(dp, msg) {
      if (cookieKind(msg.cookie) !== CookieKind.LEARNED) return;
      const st = switches.get(dp.dpid);
      if (st) send(dp, onSourceRemoved(st.macs, msg));
    },

    async portStatus(dp, msg: PortStatus) {
      const st = switches.get(dp.dpid);
      if (!st) return;
      const p = msg.port;
      const down =
        msg.reason === OFPPR_DELETE ||
        (p.state & OFPPS.LINK_DOWN) !== 0 ||
        (p.config & OFPPC.PORT_DOWN) !== 0;
      if (down) send(dp, forgetPort(st.macs, p.portNo));
      await enqueue(dp, st);
    },

    async reload(next) {
      log.info({ from: config.source, to: next.source }, 'vnet: reloading configuration');
      config = next;
      const jobs: Promise<ApplySummary>[] = [];
      for (const [dpid, dp] of datapaths()) {
        const st = switches.get(dpid);
        if (st && dp.connected) jobs.push(enqueue(dp, st));
      }
      return Promise.all(jobs);
    },
  };
}
