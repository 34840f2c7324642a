/**
 * The flow key: every OXM basic field at a fixed place in KEY_WORDS 32-bit words, so a
 * packet's fields, a rule's values and a rule's masks are all `Uint32Array`s of the same
 * layout and matching is `(key[i] & mask[i]) === value[i]` word by word, with no BigInt
 * and no strings on the lookup path.
 *
 * Like Open vSwitch's `struct flow`, fields that can never appear together share bits:
 * tcp/udp/sctp ports and ICMPv4/ICMPv6 type and code all live in the one TP word (source
 * or type in the high half, destination or code in the low half). The OXM prerequisites
 * (ip_proto=6 for tcp_src, ...) that every installed match satisfies keep them apart.
 * Sharing keeps the number of distinct masks (classifier tuples) as low as OVS's.
 *
 * The layout itself is in key-layout.ts, the conversion of a match (FlowMatch, MatchKey,
 * toFlowMatch) in match-key.ts; both are re-exported here. This file reads and writes
 * single fields and lists a packet key's header fields.
 */
import {
  OFPVID_PRESENT,
  OXM_BY_NAME,
  OXM_FIELDS,
  type OxmBasic,
  type OxmName,
  type OxmValue,
} from '../codec/index.js';
import { KEY_FIELDS, type KeyPart } from './key-layout.js';

export * from './key-layout.js';
export { type FlowMatch, isFlowMatch, MatchKey, toFlowMatch } from './match-key.js';

const low = (bits: number) => (bits === 32 ? 0xffffffff : (1 << bits) - 1);

function partOf(v: bigint, part: KeyPart): number {
  return Number((v >> BigInt(part.offset)) & BigInt(low(part.bits)));
}

/** Writes `value` into `key` (other fields untouched). Not for hot paths: it uses BigInt. */
export function writeKeyField(key: Uint32Array, name: OxmName, value: OxmValue): void {
  const v = BigInt(value);
  for (const part of KEY_FIELDS.get(name)!.parts) {
    const m = low(part.bits) << part.shift;
    key[part.word] = ((key[part.word]! & ~m) | (partOf(v, part) << part.shift)) >>> 0;
  }
}

/** Reads a field out of a key, as the codec represents its value (number or bigint). */
export function readKeyField(key: Uint32Array, name: OxmName): OxmValue {
  const f = KEY_FIELDS.get(name)!;
  if (f.big) {
    let v = 0n;
    for (const part of f.parts) {
      v |= BigInt(((key[part.word]! >>> part.shift) & low(part.bits)) >>> 0) << BigInt(part.offset);
    }
    return v;
  }
  let v = 0;
  for (const part of f.parts) {
    v += (((key[part.word]! >>> part.shift) & low(part.bits)) >>> 0) * 2 ** part.offset;
  }
  return v;
}

function prereqsHold(key: Uint32Array, name: OxmName, depth = 0): boolean {
  if (depth > 4) return false;
  for (const pr of OXM_BY_NAME.get(name)!.prereqs) {
    if (pr.field === 'vlan_vid') {
      if ((Number(readKeyField(key, 'vlan_vid')) & OFPVID_PRESENT) === 0) return false;
      continue;
    }
    if (pr.values.length === 0) continue;
    if (!prereqsHold(key, pr.field, depth + 1)) return false;
    if (!pr.values.includes(Number(readKeyField(key, pr.field)))) return false;
  }
  return true;
}

const PIPELINE_FIELDS: ReadonlySet<OxmName> = new Set(['in_port', 'in_phy_port', 'metadata']);

/**
 * The header fields a packet with this key carries, as OXM entries in table order:
 * every field whose prerequisites the packet meets (vlan_vid and vlan_pcp only when
 * tagged, tunnel_id only when non-zero). Pipeline fields (in_port, in_phy_port,
 * metadata) are left out unless `withPipeline` is set.
 */
export function keyFields(key: Uint32Array, withPipeline = false): OxmBasic[] {
  const out: OxmBasic[] = [];
  for (const f of OXM_FIELDS) {
    if (PIPELINE_FIELDS.has(f.name) && !withPipeline) continue;
    const value = readKeyField(key, f.name);
    if (f.name === 'tunnel_id' && value === 0n) continue;
    if (f.name === 'vlan_vid' && (Number(value) & OFPVID_PRESENT) === 0) continue;
    if (!prereqsHold(key, f.name)) continue;
    out.push({ field: f.name, value });
  }
  return out;
}
