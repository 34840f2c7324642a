/**
 * Semantic checks on a match that a switch performs on FLOW_MOD (OpenFlow 1.3.5
 * section 7.2.3.6 and 7.2.3.7): prerequisites, and value bits outside the mask.
 * Decoding does not apply them; callers (the engine, apps) ask for them.
 */
import { OFPERR, type OfpError, ofpError } from './errors.js';
import { type Match, matchGet, type OxmBasic } from './match.js';
import { fullMask, OFPVID_PRESENT, OXM_BY_NAME, OXM_FIELDS } from './oxm-fields.js';

/** The largest valid value of each non-big field, by code: 2^bits - 1. */
const VALID_MAX: readonly number[] = OXM_FIELDS.map((f) => (f.big ? 0 : 2 ** f.bits - 1));

function exactValue(e: OxmBasic | undefined): number | undefined {
  if (!e) return undefined;
  if (e.mask !== undefined && e.mask !== fullMask(OXM_BY_NAME.get(e.field)!)) return undefined;
  return Number(e.value);
}

/** Returns the first violation as an OFPET_BAD_MATCH error, or undefined when the match is valid. */
export function checkMatch(m: Match): OfpError | undefined {
  for (const e of m) {
    if (e.field === 'raw') continue;
    const info = OXM_BY_NAME.get(e.field)!;
    // The field's bits, not its bytes: ip_dscp=64 or vlan_vid=0x2000 is OFPBMC_BAD_VALUE,
    // as Open vSwitch answers (a value the key would silently truncate).
    const max = info.big ? fullMask(info) : VALID_MAX[info.code]!;
    if (typeof e.value === 'bigint' ? e.value > BigInt(max) : e.value > Number(max)) {
      return ofpError(OFPERR.OFPBMC_BAD_VALUE, `value of ${e.field} does not fit its field`);
    }
    if (e.mask !== undefined) {
      const bad =
        typeof e.value === 'bigint'
          ? (e.value & ~BigInt(e.mask)) !== 0n
          : Number(BigInt(e.value) & ~BigInt(e.mask)) !== 0;
      if (bad) {
        return ofpError(
          OFPERR.OFPBMC_BAD_WILDCARDS,
          `${e.field} has value bits set outside its mask`,
        );
      }
    }
    for (const p of info.prereqs) {
      const dep = matchGet(m, p.field);
      if (p.field === 'vlan_vid') {
        // vlan_pcp needs a VLAN tag to be present (VID != NONE).
        const v = exactValue(dep);
        const present = dep?.mask !== undefined ? (Number(dep.value) & OFPVID_PRESENT) !== 0 : v;
        if (!dep || !present) {
          return ofpError(
            OFPERR.OFPBMC_BAD_PREREQ,
            `${e.field} requires a VLAN tag (vlan_vid present)`,
          );
        }
        continue;
      }
      if (!dep) {
        return ofpError(OFPERR.OFPBMC_BAD_PREREQ, `${e.field} requires ${p.field} to be matched`);
      }
      if (p.values.length === 0) continue;
      const v = exactValue(dep);
      if (v === undefined || !p.values.includes(v)) {
        const want = p.values.map((x) => `0x${x.toString(16)}`).join(' or ');
        return ofpError(OFPERR.OFPBMC_BAD_PREREQ, `${e.field} requires ${p.field}=${want}`);
      }
    }
  }
  return undefined;
}
