/**
 * The match-to-key conversion done the slow, obvious way (BigInt for every field, every
 * word written): the oracle the engine's MatchKey is checked against, and the identity
 * of a match in the flow-mod differential test.
 */
import { type Match, OXM_BY_NAME } from '../../src/codec/index.js';
import { KEY_FIELDS, KEY_WORDS } from '../../src/engine/flow-key.js';

export type ReferenceKey = { value: number[]; mask: number[] } | { error: [number, number] };

export function referenceKey(match: Match): ReferenceKey {
  const value = new Array<number>(KEY_WORDS).fill(0);
  const mask = new Array<number>(KEY_WORDS).fill(0);
  for (const e of match) {
    if (e.field === 'raw') return { error: [4, 6] };
    const full = (1n << BigInt(OXM_BY_NAME.get(e.field)!.bytes * 8)) - 1n;
    const m = e.mask === undefined ? full : BigInt(e.mask);
    const v = BigInt(e.value) & m;
    for (const p of KEY_FIELDS.get(e.field)!.parts) {
      const bits = (1n << BigInt(p.bits)) - 1n;
      const pm = ((m >> BigInt(p.offset)) & bits) << BigInt(p.shift);
      const pv = ((v >> BigInt(p.offset)) & bits) << BigInt(p.shift);
      if (BigInt(mask[p.word]!) & pm) return { error: [4, 9] };
      mask[p.word] = Number(BigInt(mask[p.word]!) | pm);
      value[p.word] = Number(BigInt(value[p.word]!) | pv);
    }
  }
  return { value, mask };
}
