/**
 * Flows as replace-flows and diff-flows compare them, kept as bytes: each flow is an
 * OFPT_FLOW_MOD (ADD) message, built straight from a flow stats reply entry or encoded from
 * a line of a file. Its identity (ovs-ofctl's: table, priority, match) is a string key for
 * a hash map, its version (cookie, timeouts, flags, instructions) compared byte for byte.
 * Nothing is decoded unless a flow has to be printed.
 *
 * The key of a match made of OpenFlow basic fields is its TLVs sorted: Open vSwitch and
 * ovs-ofctl (and so ofctl-ts) encode a match from the same normalized form, so equal
 * matches have equal TLVs. A match with anything else (Nicira fields, packet_type) is
 * keyed by its normalized text, as before.
 */
import { decodeMessage, type FlowMod, FlowModCommand, FlowModFlags } from '../codec/index.js';
import { formatInstructions } from '../text/actions-format.js';
import { formatMatch } from '../text/match-format.js';
import { normalize } from '../text/match-normalize.js';
import { fromOxm } from '../text/ovs-match.js';

const OFPT_FLOW_MOD = 14;
/** Offsets in an OpenFlow 1.3 flow_mod (section 7.3.4.1). */
const FM_COOKIE = 8;
const FM_TABLE = 24;
const FM_COMMAND = 25;
const FM_IDLE = 26;
const FM_PRIORITY = 30;
const FM_FLAGS = 44;
const FM_MATCH = 48;
/** Offsets in an ofp_flow_stats entry (section 7.3.5.2). */
const FS_MATCH = 48;
const FS_HEADER = 56;
const OXM_OPENFLOW_BASIC = 0x8000;

export interface FlowEntry {
  readonly key: string;
  /** The flow as an OFPT_FLOW_MOD ADD (xid 0). */
  readonly fm: Buffer;
}

/** Where the instructions start: after the match, padded to 8 bytes. */
function instructionsStart(fm: Buffer): number {
  return FM_MATCH + ((fm.readUInt16BE(FM_MATCH + 2) + 7) & ~7);
}

function matchKey(fm: Buffer): string {
  const start = FM_MATCH + 4;
  const end = FM_MATCH + fm.readUInt16BE(FM_MATCH + 2);
  const head = `${fm[FM_TABLE]}|${fm.readUInt16BE(FM_PRIORITY)}|`;
  let basic = true;
  let ascending = true;
  let last = -1;
  for (let off = start; off + 4 <= end; off += 4 + fm[off + 3]!) {
    if (fm.readUInt16BE(off) !== OXM_OPENFLOW_BASIC) basic = false;
    const field = fm[off + 2]! >> 1;
    if (field <= last) ascending = false;
    last = field;
  }
  if (!basic) {
    const d = decodeFlowMod(fm);
    return `${head}~${formatMatch(normalize(fromOxm(d.match)), d.priority)}`;
  }
  if (ascending) return head + fm.toString('latin1', start, end);
  const tlvs: string[] = [];
  for (let off = start; off + 4 <= end; off += 4 + fm[off + 3]!) {
    tlvs.push(fm.toString('latin1', off, off + 4 + fm[off + 3]!));
  }
  return head + tlvs.sort().join('');
}

export function entryOf(fm: Buffer): FlowEntry {
  return { key: matchKey(fm), fm };
}

/** The flow_mod for each entry of an OFPST_FLOW reply (whose length was checked). */
export function flowModsOfReply(raw: Buffer, each: (fm: Buffer) => void): void {
  for (let off = 16; off + FS_HEADER <= raw.length; ) {
    const len = raw.readUInt16BE(off);
    if (len < FS_HEADER || off + len > raw.length) return;
    const fm = Buffer.allocUnsafe(len);
    fm[0] = 4;
    fm[1] = OFPT_FLOW_MOD;
    fm.writeUInt16BE(len, 2);
    fm.fill(0, 4, 8); // xid
    fm.fill(0, 16, 24); // cookie_mask
    fm.fill(0, 46, 48); // pad
    raw.copy(fm, FM_COOKIE, off + 24, off + 32);
    fm[FM_TABLE] = raw[off + 2]!;
    fm[FM_COMMAND] = FlowModCommand.ADD;
    raw.copy(fm, FM_IDLE, off + 14, off + 18); // idle and hard timeouts
    raw.copy(fm, FM_PRIORITY, off + 12, off + 14);
    fm.fill(0xff, 32, 44); // buffer_id, out_port, out_group: none, any, any
    raw.copy(fm, FM_FLAGS, off + 18, off + 20);
    raw.copy(fm, FM_MATCH, off + FS_MATCH, off + len);
    each(fm);
    off += len;
  }
}

export function decodeFlowMod(fm: Buffer): FlowMod {
  const r = decodeMessage(fm);
  if (!r.ok || r.value.type !== 'flow_mod') {
    throw new Error(`flow_mod of ${fm.length} bytes does not decode`);
  }
  return r.value;
}

/**
 * A flow read from a file keeps only send_flow_rem of its flags, as in ovs-ofctl's
 * read_flows_from_file: replace-flows sends it without reset_counts, no_*_counts or
 * check_overlap.
 */
export function fileFlow(fm: Buffer): FlowEntry {
  fm.writeUInt16BE(fm.readUInt16BE(FM_FLAGS) & FlowModFlags.SEND_FLOW_REM, FM_FLAGS);
  return entryOf(fm);
}

/** Same cookie, timeouts and instructions (ovs-ofctl's fte_version_equals: not flags). */
export function sameVersion(a: Buffer, b: Buffer): boolean {
  if (a.compare(b, FM_COOKIE, FM_COOKIE + 8, FM_COOKIE, FM_COOKIE + 8) !== 0) return false;
  if (a.compare(b, FM_IDLE, FM_IDLE + 4, FM_IDLE, FM_IDLE + 4) !== 0) return false;
  const ia = instructionsStart(a);
  const ib = instructionsStart(b);
  if (a.compare(b, ib, b.length, ia, a.length) === 0) return true;
  // Different bytes may still be the same actions (a max_len or padding left as sent).
  const x = decodeFlowMod(a);
  const y = decodeFlowMod(b);
  return formatInstructions(x.instructions) === formatInstructions(y.instructions);
}

/** The DELETE_STRICT that removes this flow (its match, priority and table). */
export function deleteStrict(fm: Buffer): Buffer {
  const len = instructionsStart(fm);
  const del = Buffer.from(fm.subarray(0, len));
  del.writeUInt16BE(len, 2);
  del[FM_COMMAND] = FlowModCommand.DELETE_STRICT;
  return del;
}
