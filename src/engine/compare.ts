/**
 * Comparing the model's flows with those a real switch reports (FlowStats from a flow
 * stats reply), ignoring counters and durations. Flows are identified by table,
 * priority and match, matches being compared in a normal form (field order, a full mask
 * the same as none, a zero mask the same as an absent field, value bits outside the
 * mask ignored); then cookie, timeouts, flags and instructions (in execution order, the
 * order switches report them in) are compared.
 */
import {
  type Action,
  assertNever,
  type FlowStats,
  fullMask,
  type Instruction,
  type Match,
  OXM_BY_NAME,
  type OxmEntry,
} from '../codec/index.js';
import { STATE_FLAGS } from './flow-entry.js';
import { executionOrder } from './instruction-check.js';

export type ComparedField = 'cookie' | 'timeouts' | 'flags' | 'instructions';

export interface FlowDifference {
  readonly model: FlowStats;
  readonly real: FlowStats;
  readonly fields: readonly ComparedField[];
}

export interface FlowComparison {
  /** In the model, not on the switch. */
  readonly onlyInModel: readonly FlowStats[];
  /** On the switch, not in the model. */
  readonly onlyInSwitch: readonly FlowStats[];
  /** Same table, priority and match; some compared field differs. */
  readonly different: readonly FlowDifference[];
  readonly equal: boolean;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function normalEntry(e: OxmEntry): { code: number; text: string } | undefined {
  if (e.field === 'raw') {
    return {
      code: 0x10000 + e.oxmClass * 128 + e.oxmField,
      text: `${e.oxmClass}:${e.oxmField}${e.hasMask ? '/m' : ''}=${hex(e.payload)}`,
    };
  }
  const info = OXM_BY_NAME.get(e.field)!;
  const full = BigInt(fullMask(info));
  const mask = e.mask === undefined ? full : BigInt(e.mask) & full;
  if (mask === 0n) return undefined;
  const value = BigInt(e.value) & mask;
  const text =
    mask === full
      ? `${e.field}=${value.toString(16)}`
      : `${e.field}=${value.toString(16)}/${mask.toString(16)}`;
  return { code: info.code, text };
}

/** A match in normal form, as text (equal text: equal match). */
export function normalMatch(m: Match): string {
  return m
    .flatMap((e) => {
      const n = normalEntry(e);
      return n ? [n] : [];
    })
    .sort((a, b) => a.code - b.code)
    .map((n) => n.text)
    .join(',');
}

function normalAction(a: Action): string {
  if (a.type === 'set_field') return `set_field(${normalEntry(a.field)?.text ?? ''})`;
  if (a.type === 'experimenter') return `experimenter(${a.experimenter}:${hex(a.data)})`;
  const { type, ...rest } = a;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
  return `${type}(${args})`;
}

/**
 * Instructions in normal form, as text: execution order, and without apply-actions or
 * write-actions that hold no action (they do nothing; Open vSwitch does not report them).
 */
export function normalInstructions(list: readonly Instruction[]): string {
  return executionOrder(list)
    .filter(
      (i) =>
        !((i.type === 'apply_actions' || i.type === 'write_actions') && i.actions.length === 0),
    )
    .map((i) => {
      switch (i.type) {
        case 'apply_actions':
        case 'write_actions':
          return `${i.type}[${i.actions.map(normalAction).join(',')}]`;
        case 'goto_table':
          return `goto_table(${i.tableId})`;
        case 'write_metadata':
          return `write_metadata(${i.metadata.toString(16)}/${i.mask.toString(16)})`;
        case 'meter':
          return `meter(${i.meterId})`;
        case 'clear_actions':
          return 'clear_actions';
        case 'experimenter':
          return `experimenter(${i.experimenter}:${hex(i.data)})`;
        default:
          return assertNever(i, 'instruction');
      }
    })
    .join(' ');
}

const identity = (f: FlowStats) => `${f.tableId}|${f.priority}|${normalMatch(f.match)}`;

export interface CompareOptions {
  /** Fields not to compare (all four are compared by default). */
  readonly ignore?: readonly ComparedField[];
}

/** Mismatches in both directions between the model's flows and a switch's. */
export function compareFlows(
  model: readonly FlowStats[],
  real: readonly FlowStats[],
  opts: CompareOptions = {},
): FlowComparison {
  const ignore = new Set(opts.ignore ?? []);
  const byId = new Map<string, FlowStats[]>();
  for (const f of real) {
    const id = identity(f);
    byId.set(id, [...(byId.get(id) ?? []), f]);
  }
  const onlyInModel: FlowStats[] = [];
  const different: FlowDifference[] = [];
  for (const m of model) {
    const id = identity(m);
    const candidates = byId.get(id);
    const r = candidates?.shift();
    if (!r) {
      onlyInModel.push(m);
      continue;
    }
    const fields: ComparedField[] = [];
    if (!ignore.has('cookie') && m.cookie !== r.cookie) fields.push('cookie');
    if (
      !ignore.has('timeouts') &&
      (m.idleTimeout !== r.idleTimeout || m.hardTimeout !== r.hardTimeout)
    ) {
      fields.push('timeouts');
    }
    if (!ignore.has('flags') && (m.flags & STATE_FLAGS) !== (r.flags & STATE_FLAGS))
      fields.push('flags');
    if (
      !ignore.has('instructions') &&
      normalInstructions(m.instructions) !== normalInstructions(r.instructions)
    ) {
      fields.push('instructions');
    }
    if (fields.length > 0) different.push({ model: m, real: r, fields });
  }
  const onlyInSwitch = [...byId.values()].flat();
  return {
    onlyInModel,
    onlyInSwitch,
    different,
    equal: onlyInModel.length === 0 && onlyInSwitch.length === 0 && different.length === 0,
  };
}
