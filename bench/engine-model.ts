/**
 * `npm run bench engine-model [-- --flows N] [--quick]`: the cost of the per-datapath flow
 * model the controller keeps (src/engine SwitchModel, as src/runtime/engine-model.ts builds
 * it), on the learning switch's flow shape: match in_port + eth_src + eth_dst, one
 * apply-actions output, idle timeout, SEND_FLOW_REM, the app's cookie. Prints
 * applyFlowMod/s for ADD of N distinct flows, for re-ADD of the same flows (each replaces
 * its twin), for DELETE_STRICT of each (as a FLOW_REMOVED is applied) and for a
 * cookie-scoped DELETE of all; full flowStats dumps/s with entries/s; the app's loose
 * DELETE by eth_dst (a scan of the table) and an expiry scan; heap bytes per entry.
 * FLOW_MODs are built untimed, in small batches just before they are applied, and the
 * time counted is this process's CPU time (a busy shared machine inflates wall time).
 * Best of 5 rounds; --quick uses 20 000 flows and one round (about 1 s), rougher.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  type Action,
  type FlowMod,
  FlowModCommand,
  FlowModFlags,
  FlowModTemplate,
  type Instruction,
  type Match,
  OFP_NO_BUFFER,
  OFPP,
} from '../src/codec/index.js';
import { SwitchModel } from '../src/engine/index.js';

interface Options {
  readonly flows: number;
  readonly quick: boolean;
}

function parseArgs(args: readonly string[]): Options {
  let flows: number | undefined;
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--flows' || a.startsWith('--flows=')) {
      const v = a === '--flows' ? args[++i] : a.slice('--flows='.length);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--flows needs a count, got ${v}`);
      flows = n;
    }
  }
  return { flows: flows ?? (quick ? 20_000 : 100_000), quick };
}

/** The garbage collector, when it can be exposed at run time. */
function findGc(): (() => void) | undefined {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return g.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

function heap(gc: (() => void) | undefined): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * CPU seconds of this process (user + system): on a shared machine, time spent waiting
 * for a core does not count. Garbage collector threads do, so figures are conservative.
 */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The l2-learning app's cookie and its mask ('L2' in the top 16 bits). */
const COOKIE = 0x4c32_0000_0000_0000n;
const COOKIE_MASK = 0xffff_0000_0000_0000n;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;
const PORTS = 48;
/** Open vSwitch reports 254 tables, and the runtime sizes the model from that. */
const N_TABLES = 254;

/**
 * A FLOW_MOD as the runtime's fillFlowMod builds one: an object literal, fields in this
 * order (the shape matters to V8; the engine sees this one from the controller).
 */
function flowMod(
  command: number,
  cookieMask: bigint,
  idleTimeout: number,
  flags: number,
  tableId: number,
  match: Match,
  instructions: readonly Instruction[],
): FlowMod {
  return {
    type: 'flow_mod',
    xid: 0,
    cookie: COOKIE,
    cookieMask,
    tableId,
    command,
    idleTimeout,
    hardTimeout: 0,
    priority: 100,
    bufferId: OFP_NO_BUFFER,
    outPort: OFPP.ANY,
    outGroup: 0xffffffff,
    flags,
    match,
    instructions,
  };
}

/** One shared action list per output port, as the l2-learning app keeps them. */
const OUTPUTS: readonly (readonly Action[])[] = Array.from({ length: PORTS }, (_, i) => [
  { type: 'output', port: i + 1, maxLen: 0 },
]);

/** Flow i: hosts i * 7919 and (i + 1) * 104729 of a 2^40 MAC space, ports from i. */
function learningMatch(i: number): Match {
  return [
    { field: 'in_port', value: 1 + (i % PORTS) },
    { field: 'eth_src', value: 0x02_00_00_00_00_00 + i * 7919 },
    { field: 'eth_dst', value: 0x02_00_00_00_00_00 + (i + 1) * 104729 },
  ];
}

/** The app's ADD for flow i. */
function addFlow(i: number): FlowMod {
  const actions = OUTPUTS[(i * 31 + 5) % PORTS]!;
  return flowMod(FlowModCommand.ADD, 0n, 60, FlowModFlags.SEND_FLOW_REM, 0, learningMatch(i), [
    { type: 'apply_actions', actions },
  ]);
}

/** What the runtime applies for flow i's FLOW_REMOVED: strict, exact cookie. */
function removedFlow(i: number): FlowMod {
  return flowMod(FlowModCommand.DELETE_STRICT, ALL_ONES, 0, 0, 0, learningMatch(i), []);
}

function newModel(): SwitchModel {
  const ports = Array.from({ length: PORTS }, (_, i) => i + 1);
  return new SwitchModel({ nTables: N_TABLES, ports, floodToLocal: true });
}

/**
 * FLOW_MODs are made in batches just before they are applied, untimed: a controller
 * applies a FLOW_MOD it has just built, still in cache. Only applyFlowMod is timed.
 */
const BATCH = 256;

/** Seconds to apply make(0..n-1); throws on a refused FLOW_MOD (a bench bug). */
function applyAll(model: SwitchModel, n: number, make: (i: number) => FlowMod): number {
  const batch: FlowMod[] = new Array(BATCH);
  let secs = 0;
  for (let start = 0; start < n; start += BATCH) {
    const len = Math.min(BATCH, n - start);
    for (let j = 0; j < len; j++) batch[j] = make(start + j);
    const t0 = cpu();
    for (let j = 0; j < len; j++) {
      const e = model.applyFlowMod(batch[j]!);
      if (e !== undefined) throw new Error(`flow_mod ${start + j} refused: ${e.message}`);
    }
    secs += cpu() - t0;
  }
  return secs;
}

/** The l2-learning app's learned-flow template (its slots: in_port, eth_src, eth_dst, output). */
function learningTemplate(): FlowModTemplate {
  const { type: _t, xid: _x, ...m } = addFlow(0);
  return new FlowModTemplate(m);
}

function setTemplate(t: FlowModTemplate, i: number): void {
  t.setField(0, 1 + (i % PORTS))
    .setField(1, 0x02_00_00_00_00_00 + i * 7919)
    .setField(2, 0x02_00_00_00_00_00 + (i + 1) * 104729)
    .setOutput(0, 1 + ((i * 31 + 5) % PORTS));
}

/**
 * Seconds the model spends on n template sends (applyTemplate, as the runtime calls it
 * for every FLOW_MOD template sent): the loop with the app's slot writes, less the same
 * loop without the model (the app pays for the writes with the model off too).
 */
function templateAll(model: SwitchModel, t: FlowModTemplate, n: number): number {
  const layout = t.layout;
  const t0 = cpu();
  for (let i = 0; i < n; i++) {
    setTemplate(t, i);
    if (!model.applyTemplate(layout)) throw new Error(`template flow ${i} left the fast path`);
  }
  const t1 = cpu();
  for (let i = 0; i < n; i++) setTemplate(t, i);
  return Math.max(0, t1 - t0 - (cpu() - t1));
}

/** Seconds per call of `fn`, called at least 3 times and for at least 0.2 s of CPU. */
function perCall(fn: () => void): number {
  const t0 = cpu();
  let calls = 0;
  while (calls < 3 || cpu() - t0 < 0.2) {
    fn();
    calls++;
  }
  return (cpu() - t0) / calls;
}

/** Seconds: for all n FLOW_MODs (add, readd, del), per call for the others. */
interface Round {
  readonly add: number;
  readonly readd: number;
  readonly del: number;
  readonly stats: number;
  readonly expire: number;
  readonly looseDel: number;
  readonly cookieDel: number;
  readonly slotAdd: number;
  readonly slotRenew: number;
}

const deleteByCookie = (): FlowMod =>
  flowMod(FlowModCommand.DELETE, COOKIE_MASK, 0, 0, 0xff, [], []);

/** The app's "forget a MAC": a cookie-scoped loose DELETE by eth_dst in every table. */
const deleteByDst = (i: number): FlowMod =>
  flowMod(FlowModCommand.DELETE, COOKIE_MASK, 0, 0, 0xff, [learningMatch(i)[2]!], []);

/** Loose DELETEs to time: each scans the table, so a few give the figure. */
const LOOSE_DELETES = 20;

function round(n: number): Round {
  const model = newModel();
  const add = applyAll(model, n, addFlow);
  const readd = applyAll(model, n, addFlow);
  const stats = perCall(() => {
    const r = model.flowStats();
    if (!r.ok || r.value.length !== n) throw new Error(`flowStats did not list ${n} flows`);
  });
  // Nothing is due (idle timeouts of 60 s): the cost of a periodic expiry scan.
  const expire = perCall(() => {
    if (model.expire().length !== 0) throw new Error('expire removed fresh flows');
  });
  const looseDel = applyAll(model, LOOSE_DELETES, deleteByDst) / LOOSE_DELETES;
  if (model.allEntries().length !== n - LOOSE_DELETES) throw new Error('loose DELETE missed');
  applyAll(model, LOOSE_DELETES, addFlow);
  const del = applyAll(model, n, removedFlow);
  if (model.allEntries().length !== 0) throw new Error('DELETE_STRICT left entries behind');
  applyAll(model, n, addFlow);
  const cookieDel = applyAll(model, 1, deleteByCookie);
  if (model.allEntries().length !== 0) throw new Error('DELETE by cookie left entries behind');
  const slots = newModel();
  const t = learningTemplate();
  const slotAdd = templateAll(slots, t, n);
  const slotRenew = templateAll(slots, t, n);
  if (slots.allEntries().length !== n) throw new Error('template ADDs lost entries');
  return { add, readd, del, stats, expire, looseDel, cookieDel, slotAdd, slotRenew };
}

const rate = (x: number) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)} k` : x.toFixed(0);

/**
 * Heap bytes per entry: the model's own structures (the FLOW_MODs held by the bench and
 * not counted), and with what an entry keeps of its FLOW_MOD (match and instructions
 * list, by reference) when the FLOW_MOD is otherwise garbage, as in the controller.
 */
function memoryPerEntry(
  n: number,
  gc: (() => void) | undefined,
): { own: number; kept: number; slots: number } {
  const fms = Array.from({ length: n }, (_, i) => addFlow(i));
  const before = heap(gc);
  const own = newModel();
  applyAll(own, n, (i) => fms[i]!);
  const ownBytes = (heap(gc) - before) / n;
  fms.length = 0;
  const before2 = heap(gc);
  const kept = newModel();
  applyAll(kept, n, addFlow);
  const keptBytes = (heap(gc) - before2) / n;
  const before3 = heap(gc);
  const slots = newModel();
  templateAll(slots, learningTemplate(), n);
  const slotBytes = (heap(gc) - before3) / n;
  if (own.allEntries().length !== n || kept.allEntries().length !== n) {
    throw new Error('ADD lost entries');
  }
  if (slots.allEntries().length !== n) throw new Error('template ADDs lost entries');
  return { own: ownBytes, kept: keptBytes, slots: slotBytes };
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const n = opts.flows;
  const gc = findGc();
  console.log(
    `engine-model: ${n} learning-switch flows, ${N_TABLES} tables${opts.quick ? ', quick' : ''}, ` +
      `one thread, Node ${process.version}`,
  );

  const mem = memoryPerEntry(n, gc);
  const rounds = opts.quick ? 1 : 5;
  const best: Record<keyof Round, number> = {
    add: Infinity,
    readd: Infinity,
    del: Infinity,
    stats: Infinity,
    expire: Infinity,
    looseDel: Infinity,
    cookieDel: Infinity,
    slotAdd: Infinity,
    slotRenew: Infinity,
  };
  for (let i = 0; i < rounds; i++) {
    const r = round(n);
    for (const k of Object.keys(best) as (keyof Round)[]) best[k] = Math.min(best[k], r[k]);
  }
  const row = (name: string, perSec: number, extra = '') =>
    console.log(`  ${name.padEnd(30)}${rate(perSec).padStart(10)}/s${extra}`);
  const us = (secs: number) => `  (${((secs * 1e6) / n).toFixed(2)} us/op)`;
  console.log(`  best of ${rounds} round${rounds > 1 ? 's' : ''}:`);
  row('ADD applyFlowMod', n / best.add, us(best.add));
  row('re-ADD (replace) applyFlowMod', n / best.readd, us(best.readd));
  row('DELETE_STRICT applyFlowMod', n / best.del, us(best.del));
  row('template ADD (from slots)', n / best.slotAdd, us(best.slotAdd));
  row('template re-ADD (renew)', n / best.slotRenew, us(best.slotRenew));
  row('flowStats dumps', 1 / best.stats, `  (${rate(n / best.stats)} entries/s)`);
  row(
    'DELETE by cookie (all flows)',
    1 / best.cookieDel,
    `  (${rate(n / best.cookieDel)} entries/s)`,
  );
  const ms = (secs: number) => `  (${(secs * 1e3).toFixed(2)} ms each)`;
  row('DELETE by eth_dst (loose, scan)', 1 / best.looseDel, ms(best.looseDel));
  row('expire scans (nothing due)', 1 / best.expire, ms(best.expire));
  const bytes = (name: string, x: number) =>
    console.log(`  ${name.padEnd(30)}${x.toFixed(0).padStart(10)}${gc ? '' : ' (no gc!)'}`);
  bytes("bytes/entry, model's own", mem.own);
  bytes('bytes/entry, with match+ins', mem.kept);
  bytes('bytes/entry, from a template', mem.slots);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  target >= 1 M/s for ADD ${verdict(n / best.add >= 1e6)}, ` +
      `re-ADD ${verdict(n / best.readd >= 1e6)}, DELETE_STRICT ${verdict(n / best.del >= 1e6)}`,
  );
}
