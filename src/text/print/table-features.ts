/**
 * TABLE_FEATURES as ovs-ofctl prints them (ofputil_table_features_format): per table its
 * metadata, max_entries, instructions and actions for table-miss and other flows, the
 * matchable fields by kind, and "ditto" for runs of tables with identical features.
 * Field lists use Open vSwitch's field names, grouped as OVS groups them
 * ("eth_{src,dst}", "reg0...reg7"); OXM ids OVS has no name for print as oxm(class:field).
 */
import type { TableFeatures } from '../../codec/index.js';
import { actionBitmapText } from '../group.js';
import { hex } from '../values.js';
import { groupNames } from './name-groups.js';
import { oxmIdName, sortFieldNames } from './oxm-names.js';

interface InstructionFeatures {
  next: Set<number>;
  instructions: number;
  writeActions: number;
  writeSet: string;
  applyActions: number;
  applySet: string;
}

interface Features {
  tableId: number;
  name: string;
  metadataMatch: bigint;
  metadataWrite: bigint;
  maxEntries: number;
  nonmiss: InstructionFeatures;
  miss: InstructionFeatures;
  arbitrary: string[];
  wildcard: string[];
  exact: string[];
}

const INSTRUCTION_NAMES: Readonly<Record<number, string>> = {
  1: 'goto_table',
  2: 'write_metadata',
  3: 'write_actions',
  4: 'apply_actions',
  5: 'clear_actions',
  6: 'meter',
};
/** OVS lists instructions in its own order (meter first, goto_table last). */
const INSTRUCTION_ORDER = [6, 4, 5, 3, 2, 1];

function actionBits(ids: readonly { type: number }[]): number {
  let bits = 0;
  for (const id of ids) if (id.type < 32) bits |= 1 << id.type;
  return bits;
}

function knownNames(
  ids: readonly { header: number; experimenter?: number | undefined }[],
): string[] {
  const out: string[] = [];
  for (const i of ids) {
    const n = oxmIdName(i.header, i.experimenter);
    if (n) out.push(n);
  }
  return out;
}

function setFieldNames(
  ids: readonly { header: number; experimenter?: number | undefined }[],
): string {
  return groupNames(sortFieldNames(knownNames(ids)));
}

function decode(t: TableFeatures): Features {
  const empty = (): InstructionFeatures => ({
    next: new Set(),
    instructions: 0,
    writeActions: 0,
    writeSet: '',
    applyActions: 0,
    applySet: '',
  });
  const nonmiss = empty();
  const miss = empty();
  const seen = new Set<string>();
  let matchIds: { header: number; experimenter?: number | undefined }[] = [];
  let wildcardHeaders = new Set<number>();
  for (const p of t.properties) {
    seen.add(p.type);
    const target = p.type.endsWith('_miss') ? miss : nonmiss;
    switch (p.type) {
      case 'instructions':
      case 'instructions_miss':
        for (const id of p.ids) if (id.type < 32) target.instructions |= 1 << id.type;
        break;
      case 'next_tables':
      case 'next_tables_miss':
        for (const n of p.tableIds) target.next.add(n);
        break;
      case 'write_actions':
      case 'write_actions_miss':
        target.writeActions = actionBits(p.ids);
        break;
      case 'apply_actions':
      case 'apply_actions_miss':
        target.applyActions = actionBits(p.ids);
        break;
      case 'write_setfield':
      case 'write_setfield_miss':
        target.writeSet = setFieldNames(p.oxmIds);
        break;
      case 'apply_setfield':
      case 'apply_setfield_miss':
        target.applySet = setFieldNames(p.oxmIds);
        break;
      case 'match':
        matchIds = [...p.oxmIds];
        break;
      case 'wildcards':
        wildcardHeaders = new Set(p.oxmIds.map((i) => i.header & ~0x1ff));
        break;
      default:
        break;
    }
  }
  if (!seen.has('instructions_miss')) miss.instructions = nonmiss.instructions;
  if (!seen.has('next_tables_miss')) miss.next = new Set(nonmiss.next);
  if (!seen.has('write_actions_miss')) miss.writeActions = nonmiss.writeActions;
  if (!seen.has('apply_actions_miss')) miss.applyActions = nonmiss.applyActions;
  if (!seen.has('write_setfield_miss')) miss.writeSet = nonmiss.writeSet;
  if (!seen.has('apply_setfield_miss')) miss.applySet = nonmiss.applySet;
  const arbitrary: string[] = [];
  const wildcard: string[] = [];
  const exact: string[] = [];
  for (const id of matchIds) {
    const name = oxmIdName(id.header, id.experimenter);
    if (!name) continue;
    const masked = (id.header & 0x100) !== 0;
    if (masked) arbitrary.push(name);
    else if (wildcardHeaders.has(id.header & ~0x1ff)) wildcard.push(name);
    else exact.push(name);
  }
  for (const list of [arbitrary, wildcard, exact])
    list.splice(0, list.length, ...sortFieldNames(list));
  return {
    tableId: t.tableId,
    name: Buffer.from(t.name, 'latin1').toString('utf8'),
    metadataMatch: t.metadataMatch,
    metadataWrite: t.metadataWrite,
    maxEntries: t.maxEntries,
    nonmiss,
    miss,
    arbitrary,
    wildcard,
    exact,
  };
}

function nextEqual(a: Set<number>, aId: number, b: Set<number>, bId: number): boolean {
  const diff = new Set([...a].filter((x) => !b.has(x)).concat([...b].filter((x) => !a.has(x))));
  if (diff.size === 0) return true;
  if (diff.size === 1) {
    const only = [...diff][0]!;
    if (bId === aId + 1 && only === bId && a.has(bId)) return true;
    if (aId === bId + 1 && only === aId && b.has(aId)) return true;
  }
  return false;
}

function actionsEqual(a: InstructionFeatures, b: InstructionFeatures): boolean {
  return (
    a.writeActions === b.writeActions &&
    a.writeSet === b.writeSet &&
    a.applyActions === b.applyActions &&
    a.applySet === b.applySet
  );
}

function instEqual(
  a: InstructionFeatures,
  aId: number,
  b: InstructionFeatures,
  bId: number,
): boolean {
  return (
    nextEqual(a.next, aId, b.next, bId) && a.instructions === b.instructions && actionsEqual(a, b)
  );
}

function instEmpty(f: InstructionFeatures): boolean {
  return (
    f.next.size === 0 &&
    !f.instructions &&
    !f.writeActions &&
    !f.applyActions &&
    !f.writeSet &&
    !f.applySet
  );
}

function matchKey(f: Features): string {
  return `${f.arbitrary.join(' ')}|${f.wildcard.join(' ')}|${f.exact.join(' ')}`;
}

function featuresEqual(a: Features, b: Features): boolean {
  return (
    a.metadataMatch === b.metadataMatch &&
    a.metadataWrite === b.metadataWrite &&
    a.maxEntries === b.maxEntries &&
    instEqual(a.nonmiss, a.tableId, b.nonmiss, b.tableId) &&
    instEqual(a.miss, a.tableId, b.miss, b.tableId) &&
    matchKey(a) === matchKey(b)
  );
}

function nextTablesText(next: Set<number>): string {
  const ids = [...next].filter((n) => n < 255).sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.length ? parts.join(',') : 'none';
}

function actionFeatures(actions: number, set: string): string {
  let s = '';
  if (actions) s += `        actions: ${actionBitmapText(actions)}\n`;
  if (set) s += `        supported on Set-Field: ${set}\n`;
  return s;
}

function printInstructions(f: InstructionFeatures, prev: InstructionFeatures | undefined): string {
  let s = '';
  if (f.next.size) s += `      next tables: ${nextTablesText(f.next)}\n`;
  if (f.instructions) {
    if (prev && prev.instructions === f.instructions) s += '      (same instructions)\n';
    else {
      const names = INSTRUCTION_ORDER.filter((i) => f.instructions & (1 << i)).map(
        (i) => INSTRUCTION_NAMES[i],
      );
      s += `      instructions: ${names.join(' ')}\n`;
    }
  }
  const writeEqApply = f.writeActions === f.applyActions && f.writeSet === f.applySet;
  if (prev && actionsEqual(f, prev) && f.writeSet) s += '      (same actions)\n';
  else if (!writeEqApply) {
    s += `      Write-Actions features:\n${actionFeatures(f.writeActions, f.writeSet)}`;
    s += `      Apply-Actions features:\n${actionFeatures(f.applyActions, f.applySet)}`;
  } else if (f.writeActions || f.writeSet) {
    s += `      Write-Actions and Apply-Actions features:\n${actionFeatures(f.writeActions, f.writeSet)}`;
  }
  return s;
}

function printOne(f: Features, prev: Features | undefined): string {
  let s = `\n  table ${f.tableId}`;
  if (f.name) s += ` ("${f.name}")`;
  s += ':\n';
  if (f.metadataMatch || f.metadataWrite) {
    s += `    metadata: match=${hex(f.metadataMatch)} write=${hex(f.metadataWrite)}\n`;
  }
  if (f.maxEntries) s += `    max_entries=${f.maxEntries}\n`;
  if (
    prev &&
    instEqual(f.nonmiss, f.tableId, prev.nonmiss, prev.tableId) &&
    instEqual(f.miss, f.tableId, prev.miss, prev.tableId)
  ) {
    if (!instEmpty(f.nonmiss)) s += '    (same instructions)\n';
  } else if (!instEqual(f.nonmiss, f.tableId, f.miss, f.tableId)) {
    s += `    instructions (other than table miss):\n${printInstructions(f.nonmiss, prev?.nonmiss)}`;
    s += `    instructions (table miss):\n${printInstructions(f.miss, prev?.miss)}`;
  } else if (!instEmpty(f.nonmiss)) {
    s += `    instructions (table miss and others):\n${printInstructions(f.nonmiss, prev?.nonmiss)}`;
  }
  if (f.arbitrary.length || f.wildcard.length || f.exact.length) {
    if (prev && matchKey(prev) === matchKey(f)) s += '    (same matching)\n';
    else {
      s += '    matching:\n';
      if (f.arbitrary.length) s += `      arbitrary mask: ${groupNames(f.arbitrary)}\n`;
      if (f.wildcard.length) s += `      exact match or wildcard: ${groupNames(f.wildcard)}\n`;
      if (f.exact.length) s += `      must exact match: ${groupNames(f.exact)}\n`;
    }
  }
  return s;
}

/** The body of a TABLE_FEATURES request or reply. */
export function printTableFeatures(tables: readonly TableFeatures[]): string {
  let s = '';
  let first = -1;
  let last = -1;
  let prev: Features | undefined;
  const finish = () => {
    if (first < 0) return '';
    return first === last
      ? `\n  table ${first}: ditto\n`
      : `\n  tables ${first}...${last}: ditto\n`;
  };
  for (const t of tables) {
    const f = decode(t);
    const same = prev !== undefined && featuresEqual(f, prev);
    if (same && !f.name) {
      if (first < 0) first = f.tableId;
      last = f.tableId;
      prev = f;
      continue;
    }
    s += finish();
    first = -1;
    if (same) s += `\n  table ${f.tableId} ("${f.name}"): ditto`;
    else s += printOne(f, prev);
    prev = f;
  }
  return s + finish();
}
