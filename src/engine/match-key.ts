/**
 * An OXM match in flow-key form (FlowMatch: mask words and masked value words, layout of
 * key-layout.ts) and the conversion to it. The conversion runs for every FLOW_MOD the
 * controller's model applies, so it is written for speed: fields of up to 48 bits (all
 * but metadata, tunnel_id and the IPv6 addresses) are split into words with number
 * arithmetic only, and a MatchKey reuses one pair of arrays, clearing only the words the
 * previous match set. A value or mask that is not a safe non-negative integer number
 * (a bigint given for a small field, say) takes the general BigInt path, which yields
 * the same words; so do the 64- and 128-bit fields.
 */
import {
  type Match,
  OFPERR,
  type OfpError,
  OXM_BY_NAME,
  type OxmBasic,
  ofpError,
} from '../codec/index.js';
import { KEY_FIELDS, KEY_WORDS, type KeyPart } from './key-layout.js';

/** A match in key form: `value` is already masked, so key K matches when K & mask == value. */
export interface FlowMatch {
  readonly value: Uint32Array;
  readonly mask: Uint32Array;
}

/** True when `x` is a FlowMatch rather than an error. */
export function isFlowMatch(x: FlowMatch | OfpError): x is FlowMatch {
  return (x as FlowMatch).mask !== undefined;
}

const TWO32 = 4294967296;
const low = (bits: number) => (bits === 32 ? 0xffffffff : (1 << bits) - 1);

/** How a field is written: its key parts and its all-ones mask (2^(8 * bytes) - 1). */
export interface FieldWriter {
  readonly parts: readonly KeyPart[];
  /** Part masks, `low(bits)`, in part order. */
  readonly lows: Int32Array;
  /** The field's value is a bigint (64- and 128-bit fields): always the general path. */
  readonly big: boolean;
  /** All ones, when the field is not big. */
  readonly full: number;
  readonly fullBig: bigint;
}

const WRITERS: ReadonlyMap<string, FieldWriter> = new Map(
  [...KEY_FIELDS.values()].map((f) => {
    const bytes = OXM_BY_NAME.get(f.name)!.bytes;
    const writer: FieldWriter = {
      parts: f.parts,
      lows: Int32Array.from(f.parts.map((p) => low(p.bits))),
      big: f.big,
      full: f.big ? 0 : 2 ** (bytes * 8) - 1,
      fullBig: 2n ** BigInt(bytes * 8) - 1n,
    };
    return [f.name, writer];
  }),
);

const badField = (e: { oxmClass: number; oxmField: number }): OfpError =>
  ofpError(
    OFPERR.OFPBMC_BAD_FIELD,
    `OXM class 0x${e.oxmClass.toString(16)} field ${e.oxmField} is not supported`,
  );

const conflict = (field: string): OfpError =>
  ofpError(OFPERR.OFPBMC_BAD_PREREQ, `${field} conflicts with another field of the match`);

/** The writer of OXM basic field `name` (for MatchKey.putExact). */
export function fieldWriter(name: string): FieldWriter | undefined {
  return WRITERS.get(name);
}

/** A number the fast path can split: an integer in [0, 2^53). */
const plain = (x: unknown): x is number =>
  typeof x === 'number' && x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x;

/**
 * A reusable FlowMatch. `set(match)` converts an OXM match into it, replacing the previous
 * one; `words` lists the mask's non-zero words (the first `n` entries, in the order set).
 * Classifier calls copy what they keep, so one MatchKey serves any number of FLOW_MODs.
 */
export class MatchKey implements FlowMatch {
  readonly value = new Uint32Array(KEY_WORDS);
  readonly mask = new Uint32Array(KEY_WORDS);
  readonly words = new Int32Array(KEY_WORDS);
  n = 0;

  /**
   * Converts `match`. Returns OFPBMC_BAD_FIELD for fields of other OXM classes (the
   * engine cannot match them) and OFPBMC_BAD_PREREQ for two fields that share bits
   * (tcp_src with udp_src: no packet can have both); after an error the key is partial.
   * Run `checkMatch` first for the other OFPET_BAD_MATCH cases.
   */
  set(match: Match): OfpError | undefined {
    this.clear();
    for (let i = 0; i < match.length; i++) {
      const e = match[i]!;
      if (e.field === 'raw') return badField(e);
      const w = WRITERS.get(e.field)!;
      const m = e.mask === undefined ? w.full : e.mask;
      const ok =
        !w.big && plain(e.value) && plain(m) ? this.putNumber(w, e.value, m) : this.putBig(w, e);
      if (!ok) return conflict(e.field);
    }
    return undefined;
  }

  /** Makes this key a copy of `other`. */
  copyFrom(other: MatchKey): void {
    this.clear();
    for (let j = 0; j < other.n; j++) {
      const w = other.words[j]!;
      this.value[w] = other.value[w]!;
      this.mask[w] = other.mask[w]!;
      this.words[j] = w;
    }
    this.n = other.n;
  }

  /**
   * Adds the field `w` writes, matched exactly on `value` (an integer in [0, 2^48), not a
   * 64- or 128-bit field); false when its bits are already taken.
   */
  putExact(w: FieldWriter, value: number): boolean {
    return this.putNumber(w, value, w.full);
  }

  /** Empties the key (every word zero). */
  clear(): void {
    const words = this.words;
    for (let j = 0; j < this.n; j++) {
      const w = words[j]!;
      this.value[w] = 0;
      this.mask[w] = 0;
    }
    this.n = 0;
  }

  /** ORs part bits `pm` (mask) and `pv` (value) into `word`; false when the mask bits were taken. */
  private put(word: number, pm: number, pv: number): boolean {
    const before = this.mask[word]!;
    if ((before & pm) !== 0) return false;
    if (pm === 0) return true;
    if (before === 0) this.words[this.n++] = word;
    this.mask[word] = before | pm;
    this.value[word] = this.value[word]! | (pv & pm);
    return true;
  }

  private putNumber(w: FieldWriter, v: number, m: number): boolean {
    const parts = w.parts;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      const lowBits = w.lows[k]!;
      // Offsets are 0 or 32 for number fields; `& lowBits` keeps the part's bits.
      const pv = p.offset === 0 ? v : Math.floor(v / TWO32);
      const pm = p.offset === 0 ? m : Math.floor(m / TWO32);
      if (!this.put(p.word, ((pm & lowBits) << p.shift) >>> 0, ((pv & lowBits) << p.shift) >>> 0)) {
        return false;
      }
    }
    return true;
  }

  /** The general path: BigInt arithmetic, any numeric representation. */
  private putBig(w: FieldWriter, e: OxmBasic): boolean {
    const m = e.mask === undefined ? w.fullBig : BigInt(e.mask);
    const v = BigInt(e.value) & m;
    for (let k = 0; k < w.parts.length; k++) {
      const p = w.parts[k]!;
      const part = (x: bigint) => Number((x >> BigInt(p.offset)) & BigInt(w.lows[k]! >>> 0));
      if (!this.put(p.word, (part(m) << p.shift) >>> 0, (part(v) << p.shift) >>> 0)) return false;
    }
    return true;
  }
}

/**
 * Converts an OXM match to key form, in arrays of its own (see MatchKey.set for the
 * errors). Hot paths keep a MatchKey and call `set` instead.
 */
export function toFlowMatch(match: Match): FlowMatch | OfpError {
  const key = new MatchKey();
  const e = key.set(match);
  return e ?? { value: key.value, mask: key.mask };
}
