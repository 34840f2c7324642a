/** Reads the JSON-lines fixtures recorded from Open vSwitch 3.1 (see fixtures/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export const TEXT_FIXTURES = join(import.meta.dirname, 'fixtures');
export const VECTORS = join(import.meta.dirname, '..', 'fixtures', 'vectors');

export interface FlowRecord {
  readonly text: string;
  /** ovs-ofctl parse-flow's OFPT_FLOW_MOD line, or "ERR ovs-ofctl: ..." */
  readonly ovs: string;
  readonly flowMod?: string;
  readonly statsReply?: string;
  readonly dump?: string;
  readonly switchError?: string;
}

export const flowRecords = (): FlowRecord[] =>
  readJsonl<FlowRecord>(join(TEXT_FIXTURES, 'ovs-flows.jsonl'));
