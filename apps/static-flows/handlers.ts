/**
 * The static-flows event handlers. Per switch, one job at a time (switch-up, a port
 * change that alters what the lines resolve to, a reload): resolve the wanted flows,
 * read the app's flows on the switch (at switch-up the runtime's reconcile hook has
 * already handed them over), delete the stale ones strictly, add the missing and changed
 * ones (the runtime puts a barrier between deletes and adds), wait for a barrier, and log
 * one summary line. Flows already right are never sent, so a controller restart leaves
 * them, their counters and their traffic alone.
 *
 * Every FLOW_MOD of a job is remembered by xid until the job's barrier, so an OFPT_ERROR
 * the switch answers with is logged with the file:line of the flow that caused it.
 */
import { FlowModCommand, type FlowStats } from '../../src/codec/index.js';
import type { AppHandlers, Datapath, Logger, Outgoing } from '../../src/runtime/index.js';
import { reread, type StaticFlowsConfig } from './config.js';
import { STATIC_COOKIE, STATIC_COOKIE_MASK } from './flow-lines.js';
import { resolveFlows, type SwitchFlows } from './resolve.js';
import { flowKey, flowVersion, planSync } from './sync-plan.js';

const ALL_COOKIE_BITS = 0xffff_ffff_ffff_ffffn;

/** The outcome of one job on one switch (also the fields of its log line). */
export interface SyncSummary {
  readonly dpid: string;
  /** The config entry that applied (`datapaths.KEY`, `default`), or undefined for none. */
  readonly entry: string | undefined;
  readonly added: number;
  readonly replaced: number;
  readonly removed: number;
  readonly kept: number;
  /** Lines not installed on this switch (a port it lacks, a duplicate). */
  readonly skipped: number;
  /** Flow-mods the switch answered with an error. */
  readonly rejected: number;
}

export interface StaticFlowsHandlers extends AppHandlers {
  /**
   * The runtime's reload hook (SIGHUP hands over the validated new config), also callable
   * directly: moves every connected switch to `next` (default: the current config with
   * its flow files read again), touching only the flows that change. Rejects with the
   * ConfigError when the files no longer parse; the old config then stays in force.
   */
  reload(next?: StaticFlowsConfig): Promise<SyncSummary[]>;
  readonly config: StaticFlowsConfig;
}

interface SwitchState {
  /** The app's flows the runtime found at connect, consumed by switchUp. */
  found: readonly FlowStats[] | undefined;
  queue: Promise<unknown>;
  /** Flow-mods of the running job by xid: what to name when the switch rejects one. */
  readonly sent: Map<number, SentFlow>;
  rejected: number;
  /** What the lines resolved to at the last job (a port change that alters it resyncs). */
  resolved: string | undefined;
}

/** A flow-mod in flight: the line it came from (or `stale`) and the flow. */
interface SentFlow {
  readonly origin: string;
  readonly text: string;
}

export interface HandlerDeps {
  readonly config: StaticFlowsConfig;
  readonly log: Logger;
  /** The switches currently up (the app context's view). */
  readonly datapaths: () => ReadonlyMap<bigint, Datapath>;
}

/** A fingerprint of a resolution: the wanted flows and the skipped lines. */
function fingerprint(r: SwitchFlows): string {
  const wanted = r.wanted.map((w) => `${flowKey(w.fm)} ${flowVersion(w.fm)}`).sort();
  const skipped = r.skipped.map((s) => `${s.line.origin} ${s.reason}`);
  return JSON.stringify([r.entry, wanted, skipped]);
}

export function createHandlers(deps: HandlerDeps): StaticFlowsHandlers {
  const { log, datapaths } = deps;
  let config = deps.config;
  const switches = new Map<Datapath, SwitchState>();

  const warnLines = (c: StaticFlowsConfig) => {
    for (const w of c.warnings) log.warn(w);
  };
  warnLines(config);

  function stateOf(dp: Datapath): SwitchState {
    let st = switches.get(dp);
    if (!st) {
      st = {
        found: undefined,
        queue: Promise.resolve(),
        sent: new Map(),
        rejected: 0,
        resolved: undefined,
      };
      switches.set(dp, st);
    }
    return st;
  }

  /** Runs `job` after the switch's running job; undefined if the switch left meanwhile. */
  function enqueue<T>(dp: Datapath, st: SwitchState, job: () => Promise<T>) {
    const run = st.queue.then(() => (dp.connected ? job() : undefined));
    st.queue = run.catch(() => undefined);
    return run;
  }

  async function sync(
    dp: Datapath,
    st: SwitchState,
    found?: readonly FlowStats[],
  ): Promise<SyncSummary> {
    const flows = resolveFlows(config, dp.dpid, dp.ports.values());
    for (const s of flows.skipped) {
      dp.log.warn({ flow: s.line.origin }, `${s.line.origin}: not installed: ${s.reason}`);
    }
    const installed =
      found ?? (await dp.flowStats({ cookie: STATIC_COOKIE, cookieMask: STATIC_COOKIE_MASK }));
    const plan = planSync(installed, flows.wanted);
    st.sent.clear();
    st.rejected = 0;
    for (const f of plan.stale) {
      const xid = dp.flowMod({
        command: FlowModCommand.DELETE_STRICT,
        tableId: f.tableId,
        priority: f.priority,
        match: f.match,
        cookie: f.cookie,
        cookieMask: ALL_COOKIE_BITS,
      });
      st.sent.set(xid, { origin: 'stale flow', text: `delete_strict ${flowKey(f)}` });
    }
    for (const w of [...plan.replaced, ...plan.added]) {
      const xid = dp.send(w.fm as Outgoing);
      st.sent.set(xid, { origin: w.line.origin, text: w.line.text });
    }
    await dp.barrier();
    st.sent.clear();
    st.resolved = fingerprint(flows);
    const summary: SyncSummary = {
      dpid: dp.dpidHex,
      entry: flows.entry,
      added: plan.added.length,
      replaced: plan.replaced.length,
      removed: plan.stale.length,
      kept: plan.kept.length,
      skipped: flows.skipped.length,
      rejected: st.rejected,
    };
    const { added, replaced, removed, kept, skipped, rejected } = summary;
    const extra = `${skipped ? `, ${skipped} skipped` : ''}${rejected ? `, ${rejected} rejected` : ''}`;
    dp.log.info(
      summary,
      `static flows (${flows.entry ?? 'no entry'}): ${added} added, ${replaced} replaced, ` +
        `${removed} removed, ${kept} kept${extra}`,
    );
    return summary;
  }

  return {
    get config() {
      return config;
    },

    reconcile(dp, flows) {
      stateOf(dp).found = flows;
    },

    async switchUp(dp) {
      const st = stateOf(dp);
      const found = st.found;
      st.found = undefined;
      await enqueue(dp, st, () => sync(dp, st, found));
    },

    switchDown(dp) {
      switches.delete(dp);
    },

    async portStatus(dp) {
      const st = switches.get(dp);
      if (!st) return;
      await enqueue(dp, st, async () => {
        const now = fingerprint(resolveFlows(config, dp.dpid, dp.ports.values()));
        if (now !== st.resolved) await sync(dp, st);
      });
    },

    error(dp, err) {
      const st = switches.get(dp);
      const sent = st?.sent.get(err.xid);
      if (!st || !sent) {
        dp.log.warn({ errorName: err.errorName }, err.message);
        return;
      }
      st.rejected++;
      dp.log.error(
        { flow: sent.origin, errorName: err.errorName },
        `${sent.origin}: the switch rejected "${sent.text}" with ${err.errorName}`,
      );
    },

    async reload(next) {
      const fresh = next ?? reread(config);
      log.info({ config: fresh.where }, 'static-flows: reloading the configuration');
      config = fresh;
      warnLines(fresh);
      const jobs: Promise<SyncSummary | undefined>[] = [];
      for (const dp of datapaths().values()) {
        const st = switches.get(dp);
        if (!st || !dp.connected) continue;
        const job = enqueue(dp, st, () => sync(dp, st)).catch((e: unknown) => {
          dp.log.error({ err: e }, 'static-flows: reload failed on this switch');
          return undefined;
        });
        jobs.push(job);
      }
      return (await Promise.all(jobs)).filter((s) => s !== undefined);
    },
  };
}
