/**
 * The static flows one switch should hold: the config entry that applies to it (its
 * datapath ID, else its bridge name, else the default) and each of the entry's lines
 * parsed with the switch's own port names. A line naming a port the switch does not
 * have is skipped with the parser's reason (it comes in when the port appears); two
 * lines that turn out to be the same flow on this switch (`in_port=1` and `in_port=eth1`,
 * say) leave the later one, as `ovs-ofctl add-flows` would.
 */
import { OFPP } from '../../src/codec/index.js';
import { PortMap } from '../../src/text/ports.js';
import type { FlowSet, StaticFlowsConfig } from './config.js';
import { type FlowLine, lineFlowMod } from './flow-lines.js';
import { flowKey, type WantedFlow } from './sync-plan.js';

/** A port as the switch describes it. */
export interface SwitchPort {
  readonly portNo: number;
  readonly name: string;
}

export interface SkippedLine {
  readonly line: FlowLine;
  readonly reason: string;
}

export interface SwitchFlows {
  /** The entry that applies (`datapaths.KEY` or `default`); undefined when none does. */
  readonly entry: string | undefined;
  readonly wanted: readonly WantedFlow[];
  readonly skipped: readonly SkippedLine[];
}

/** The config entry for a switch: by dpid, then by bridge name, then the default. */
function entryFor(
  config: StaticFlowsConfig,
  dpid: bigint,
  ports: readonly SwitchPort[],
): { readonly name: string; readonly flows: FlowSet } | undefined {
  const byDpid = config.datapaths.find((d) => d.dpid === dpid);
  if (byDpid) return { name: `datapaths.${byDpid.key}`, flows: byDpid.flows };
  const bridge = ports.find((p) => p.portNo === OFPP.LOCAL)?.name;
  const byName = config.datapaths.find((d) => d.bridge !== undefined && d.bridge === bridge);
  if (byName) return { name: `datapaths.${byName.key}`, flows: byName.flows };
  return config.default ? { name: 'default', flows: config.default } : undefined;
}

/** The flows `config` wants on the switch `dpid` with these ports. */
export function resolveFlows(
  config: StaticFlowsConfig,
  dpid: bigint,
  switchPorts: Iterable<SwitchPort>,
): SwitchFlows {
  const ports = [...switchPorts];
  const entry = entryFor(config, dpid, ports);
  if (!entry) return { entry: undefined, wanted: [], skipped: [] };
  const map = new PortMap(ports);
  const byKey = new Map<string, WantedFlow>();
  const skipped: SkippedLine[] = [];
  for (const line of entry.flows.lines) {
    let w: WantedFlow;
    try {
      w = { line, fm: lineFlowMod(line.text, map) };
    } catch (e) {
      skipped.push({ line, reason: (e as Error).message });
      continue;
    }
    const key = flowKey(w.fm);
    const earlier = byKey.get(key);
    if (earlier) {
      skipped.push({
        line: earlier.line,
        reason: `replaced by ${line.origin}, the same flow on this switch (${key})`,
      });
      byKey.delete(key);
    }
    byKey.set(key, w);
  }
  return { entry: entry.name, wanted: [...byKey.values()], skipped };
}
