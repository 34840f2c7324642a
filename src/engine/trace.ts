/**
 * A trace for people, in the style of `ovs-appctl ofproto/trace`: the packet's flow, each
 * table visited with the entry that matched (its match, priority, cookie and
 * instructions) or "No match.", what happened on the way (groups, drops), the final
 * flow, the action set, and every copy that left the switch. Formatting of matches
 * and actions is injectable (TraceFormatter) so the CLI can use the real ovs-ofctl one.
 */
import type { OxmBasic } from '../codec/index.js';
import { executionOrder } from './instruction-check.js';
import type { PipelineResult } from './pipeline.js';
import { defaultTraceFormatter, type TraceFormatter } from './trace-format.js';

export interface TraceOptions {
  readonly formatter?: TraceFormatter;
  /** Name printed in the `bridge("...")` header (default "model"). */
  readonly bridge?: string;
}

function portText(port: number, fmt: TraceFormatter): string {
  return fmt.actions([{ type: 'output', port, maxLen: 0xffff }]).replace(/^output:/, '');
}

/** Packet fields as a flow, leaving out metadata 0 and an in_phy_port equal to in_port. */
function fieldsText(fields: readonly OxmBasic[], fmt: TraceFormatter): string {
  const inPort = fields.find((f) => f.field === 'in_port')?.value;
  return fmt.match(
    fields.filter(
      (f) =>
        !(f.field === 'metadata' && f.value === 0n) &&
        !(f.field === 'in_phy_port' && f.value === inPort),
    ),
  );
}

/** Renders a pipeline result (from SwitchModel.process) as ofproto/trace-like text. */
export function formatTrace(result: PipelineResult, opts: TraceOptions = {}): string {
  const fmt = opts.formatter ?? defaultTraceFormatter;
  const bridge = `bridge("${opts.bridge ?? 'model'}")`;
  const lines: string[] = [];
  const first = result.visits[0]?.fields ?? result.finalFields;
  lines.push(`Flow: ${fieldsText(first, fmt)}`, '', bridge, '-'.repeat(bridge.length));
  for (const v of result.visits) {
    const e = v.entry;
    if (!e) {
      lines.push(` ${v.tableId}. No match.`, '    drop');
      continue;
    }
    const m = fmt.match(e.match);
    const cookie = e.cookie !== 0n ? `, cookie 0x${e.cookie.toString(16)}` : '';
    lines.push(` ${v.tableId}. ${m ? `${m}, ` : ''}priority ${e.priority}${cookie}`);
    const ins = executionOrder(e.instructions);
    if (ins.length === 0) lines.push('    drop');
    for (const i of ins) lines.push(`    ${fmt.instruction(i)}`);
  }
  for (const n of result.notes) lines.push(`    >> ${n}`);
  const start = fieldsText(first, fmt);
  const end = fieldsText(result.finalFields, fmt);
  lines.push('', `Final flow: ${start === end ? 'unchanged' : end}`);
  if (result.actionSet.length > 0) lines.push(`Action set: ${fmt.actions(result.actionSet)}`);
  const outs = result.outputs.map((o) => {
    const via = o.via === undefined ? '' : ` (${portText(o.via, fmt)})`;
    const q = o.queueId === undefined ? '' : ` queue ${o.queueId}`;
    return `${portText(o.port, fmt)}${via}${q}`;
  });
  const ins = result.packetIns.map(
    (p) =>
      `CONTROLLER (reason ${['no_match', 'action', 'invalid_ttl'][p.reason] ?? p.reason}, table ${p.tableId})`,
  );
  const all = [...outs, ...ins];
  lines.push(`Outputs: ${all.length === 0 ? 'drop' : all.join(', ')}`);
  for (const o of result.outputs) {
    lines.push(`  ${portText(o.port, fmt)}: ${fmt.match(o.fields)}`);
  }
  return `${lines.join('\n')}\n`;
}
