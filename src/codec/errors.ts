/**
 * OpenFlow 1.3.5 error types and codes (spec section 7.4.4), and the error value the
 * decoder returns instead of throwing.
 */

export const ErrorType = {
  HELLO_FAILED: 0,
  BAD_REQUEST: 1,
  BAD_ACTION: 2,
  BAD_INSTRUCTION: 3,
  BAD_MATCH: 4,
  FLOW_MOD_FAILED: 5,
  GROUP_MOD_FAILED: 6,
  PORT_MOD_FAILED: 7,
  TABLE_MOD_FAILED: 8,
  QUEUE_OP_FAILED: 9,
  SWITCH_CONFIG_FAILED: 10,
  ROLE_REQUEST_FAILED: 11,
  METER_MOD_FAILED: 12,
  TABLE_FEATURES_FAILED: 13,
  EXPERIMENTER: 0xffff,
} as const;

/** Code names per error type, indexed by code number, as the spec lists them. */
const CODES = {
  0: { prefix: 'OFPHFC', names: ['INCOMPATIBLE', 'EPERM'] },
  1: {
    prefix: 'OFPBRC',
    names: [
      'BAD_VERSION',
      'BAD_TYPE',
      'BAD_MULTIPART',
      'BAD_EXPERIMENTER',
      'BAD_EXP_TYPE',
      'EPERM',
      'BAD_LEN',
      'BUFFER_EMPTY',
      'BUFFER_UNKNOWN',
      'BAD_TABLE_ID',
      'IS_SLAVE',
      'BAD_PORT',
      'BAD_PACKET',
      'MULTIPART_BUFFER_OVERFLOW',
    ],
  },
  2: {
    prefix: 'OFPBAC',
    names: [
      'BAD_TYPE',
      'BAD_LEN',
      'BAD_EXPERIMENTER',
      'BAD_EXP_TYPE',
      'BAD_OUT_PORT',
      'BAD_ARGUMENT',
      'EPERM',
      'TOO_MANY',
      'BAD_QUEUE',
      'BAD_OUT_GROUP',
      'MATCH_INCONSISTENT',
      'UNSUPPORTED_ORDER',
      'BAD_TAG',
      'BAD_SET_TYPE',
      'BAD_SET_LEN',
      'BAD_SET_ARGUMENT',
    ],
  },
  3: {
    prefix: 'OFPBIC',
    names: [
      'UNKNOWN_INST',
      'UNSUP_INST',
      'BAD_TABLE_ID',
      'UNSUP_METADATA',
      'UNSUP_METADATA_MASK',
      'BAD_EXPERIMENTER',
      'BAD_EXP_TYPE',
      'BAD_LEN',
      'EPERM',
    ],
  },
  4: {
    prefix: 'OFPBMC',
    names: [
      'BAD_TYPE',
      'BAD_LEN',
      'BAD_TAG',
      'BAD_DL_ADDR_MASK',
      'BAD_NW_ADDR_MASK',
      'BAD_WILDCARDS',
      'BAD_FIELD',
      'BAD_VALUE',
      'BAD_MASK',
      'BAD_PREREQ',
      'DUP_FIELD',
      'EPERM',
    ],
  },
  5: {
    prefix: 'OFPFMFC',
    names: [
      'UNKNOWN',
      'TABLE_FULL',
      'BAD_TABLE_ID',
      'OVERLAP',
      'EPERM',
      'BAD_TIMEOUT',
      'BAD_COMMAND',
      'BAD_FLAGS',
    ],
  },
  6: {
    prefix: 'OFPGMFC',
    names: [
      'GROUP_EXISTS',
      'INVALID_GROUP',
      'WEIGHT_UNSUPPORTED',
      'OUT_OF_GROUPS',
      'OUT_OF_BUCKETS',
      'CHAINING_UNSUPPORTED',
      'WATCH_UNSUPPORTED',
      'LOOP',
      'UNKNOWN_GROUP',
      'CHAINED_GROUP',
      'BAD_TYPE',
      'BAD_COMMAND',
      'BAD_BUCKET',
      'BAD_WATCH',
      'EPERM',
    ],
  },
  7: {
    prefix: 'OFPPMFC',
    names: ['BAD_PORT', 'BAD_HW_ADDR', 'BAD_CONFIG', 'BAD_ADVERTISE', 'EPERM'],
  },
  8: { prefix: 'OFPTMFC', names: ['BAD_TABLE', 'BAD_CONFIG', 'EPERM'] },
  9: { prefix: 'OFPQOFC', names: ['BAD_PORT', 'BAD_QUEUE', 'EPERM'] },
  10: { prefix: 'OFPSCFC', names: ['BAD_FLAGS', 'BAD_LEN', 'EPERM'] },
  11: { prefix: 'OFPRRFC', names: ['STALE', 'UNSUP', 'BAD_ROLE'] },
  12: {
    prefix: 'OFPMMFC',
    names: [
      'UNKNOWN',
      'METER_EXISTS',
      'INVALID_METER',
      'UNKNOWN_METER',
      'BAD_COMMAND',
      'BAD_FLAGS',
      'BAD_RATE',
      'BAD_BURST',
      'BAD_BAND',
      'BAD_BAND_VALUE',
      'OUT_OF_METERS',
      'OUT_OF_BANDS',
    ],
  },
  13: {
    prefix: 'OFPTFFC',
    names: ['BAD_TABLE', 'BAD_METADATA', 'BAD_TYPE', 'BAD_LEN', 'BAD_ARGUMENT', 'EPERM'],
  },
} as const;

type Codes = typeof CODES;
/** Every standard error's spec name, e.g. `OFPBRC_BAD_LEN`. */
export type StdErrorName = {
  [T in keyof Codes]: `${Codes[T]['prefix']}_${Codes[T]['names'][number]}`;
}[keyof Codes];

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'OFPET_HELLO_FAILED',
  1: 'OFPET_BAD_REQUEST',
  2: 'OFPET_BAD_ACTION',
  3: 'OFPET_BAD_INSTRUCTION',
  4: 'OFPET_BAD_MATCH',
  5: 'OFPET_FLOW_MOD_FAILED',
  6: 'OFPET_GROUP_MOD_FAILED',
  7: 'OFPET_PORT_MOD_FAILED',
  8: 'OFPET_TABLE_MOD_FAILED',
  9: 'OFPET_QUEUE_OP_FAILED',
  10: 'OFPET_SWITCH_CONFIG_FAILED',
  11: 'OFPET_ROLE_REQUEST_FAILED',
  12: 'OFPET_METER_MOD_FAILED',
  13: 'OFPET_TABLE_FEATURES_FAILED',
  65535: 'OFPET_EXPERIMENTER',
};

/** Spec name of an error type, e.g. `OFPET_BAD_MATCH`, or undefined when unknown. */
export function errorTypeName(type: number): string | undefined {
  return TYPE_NAMES[type];
}

/** Spec name of an error code, e.g. `OFPBMC_BAD_FIELD`, or undefined when unknown. */
export function errorCodeName(type: number, code: number): string | undefined {
  const t = (CODES as Readonly<Record<number, { prefix: string; names: readonly string[] }>>)[type];
  const n = t?.names[code];
  return t && n ? `${t.prefix}_${n}` : undefined;
}

/** Every (type, code) pair the spec defines, for tests and tables. */
export function allErrorCodes(): { type: number; code: number; name: string }[] {
  const out: { type: number; code: number; name: string }[] = [];
  for (const [type, t] of Object.entries(CODES)) {
    t.names.forEach((n: string, code: number) => {
      out.push({ type: Number(type), code, name: `${t.prefix}_${n}` });
    });
  }
  return out;
}

/** The ONF experimenter ID (0x4f4e4600, "ONF\0"). */
export const ONF_EXPERIMENTER_ID = 0x4f4e4600;

/**
 * Errors that OpenFlow 1.3 has no code for: ONF extensions define them, and a 1.3 switch
 * sends them as OFPET_EXPERIMENTER with experimenter ONF_EXPERIMENTER_ID and this
 * exp_code (later versions gave them standard codes; Open vSwitch uses the same numbers).
 */
const ONF_CODES = {
  2600: 'OFPBIC_DUP_INST',
  4250: 'OFPBAC_BAD_SET_MASK',
} as const;
export type OnfErrorName = (typeof ONF_CODES)[keyof typeof ONF_CODES];

/** An error's identity: for OFPET_EXPERIMENTER, `code` is the exp_code. */
export interface ErrorId {
  readonly type: number;
  readonly code: number;
  /** Present only when type is OFPET_EXPERIMENTER (0xffff). */
  readonly experimenter?: number | undefined;
}

/** Spec name of any error, standard or ONF experimenter, or undefined when unknown. */
export function errorName(e: ErrorId): string | undefined {
  if (e.type === ErrorType.EXPERIMENTER) {
    if (e.experimenter !== ONF_EXPERIMENTER_ID) return undefined;
    return (ONF_CODES as Readonly<Record<number, string>>)[e.code];
  }
  return errorCodeName(e.type, e.code);
}

/**
 * Names Open vSwitch prints for some OpenFlow 1.3 codes: pre-1.3 spelling
 * (vendor/stat/slave) and the 1.4 property errors it maps table-features codes to.
 */
const OVS_ALIASES: Readonly<Record<string, string>> = {
  OFPBRC_BAD_STAT: 'OFPBRC_BAD_MULTIPART',
  OFPBRC_BAD_VENDOR: 'OFPBRC_BAD_EXPERIMENTER',
  OFPBRC_BAD_SUBTYPE: 'OFPBRC_BAD_EXP_TYPE',
  OFPBRC_IS_SECONDARY: 'OFPBRC_IS_SLAVE',
  OFPBAC_BAD_VENDOR: 'OFPBAC_BAD_EXPERIMENTER',
  OFPBAC_BAD_VENDOR_TYPE: 'OFPBAC_BAD_EXP_TYPE',
  OFPBPC_BAD_TYPE: 'OFPTFFC_BAD_TYPE',
  OFPBPC_BAD_LEN: 'OFPTFFC_BAD_LEN',
  OFPBPC_BAD_VALUE: 'OFPTFFC_BAD_ARGUMENT',
};

/**
 * Looks an error up by spec name (`OFPBRC_BAD_LEN`), the inverse of errorName; also
 * accepts the names Open vSwitch prints for the same codes (OVS_ALIASES).
 */
export function errorByName(name: string): ErrorId | undefined {
  const alias = OVS_ALIASES[name];
  if (alias) return errorByName(alias);
  for (const [type, t] of Object.entries(CODES)) {
    if (!name.startsWith(`${t.prefix}_`)) continue;
    const code = (t.names as readonly string[]).indexOf(name.slice(t.prefix.length + 1));
    if (code >= 0) return { type: Number(type), code };
  }
  for (const [code, n] of Object.entries(ONF_CODES)) {
    if (n === name) {
      return {
        type: ErrorType.EXPERIMENTER,
        code: Number(code),
        experimenter: ONF_EXPERIMENTER_ID,
      };
    }
  }
  return undefined;
}

/** What a decoder returns for malformed input: the error a peer should be sent. */
export interface OfpError extends ErrorId {
  /** Human-readable account: what was wrong, where. */
  readonly message: string;
}

/** Thrown only inside the codec and caught at its boundary; never escapes decode(). */
export class OfpDecodeError extends Error {
  constructor(
    readonly type: number,
    readonly code: number,
    message: string,
    readonly experimenter?: number,
  ) {
    super(message);
  }
  toValue(): OfpError {
    if (this.experimenter === undefined) {
      return { type: this.type, code: this.code, message: this.message };
    }
    return {
      type: this.type,
      code: this.code,
      experimenter: this.experimenter,
      message: this.message,
    };
  }
}

/** Every OpenFlow 1.3 error by its spec name, ONF experimenter ones included. */
export type ErrorName = StdErrorName | OnfErrorName;

function buildOfperr(): Readonly<Record<ErrorName, ErrorId>> {
  const out: Record<string, ErrorId> = {};
  for (const e of allErrorCodes()) out[e.name] = { type: e.type, code: e.code };
  for (const [code, name] of Object.entries(ONF_CODES)) {
    out[name] = {
      type: ErrorType.EXPERIMENTER,
      code: Number(code),
      experimenter: ONF_EXPERIMENTER_ID,
    };
  }
  return Object.freeze(out) as Record<ErrorName, ErrorId>;
}

/**
 * The one place errors are named: `OFPERR.OFPBRC_BAD_LEN` is `{ type: 1, code: 6 }`. Code
 * raises and answers errors through these names only, never through bare numbers.
 */
export const OFPERR = buildOfperr();

/** An error value to answer with. */
export function ofpError(id: ErrorId, message: string): OfpError {
  return id.experimenter === undefined
    ? { type: id.type, code: id.code, message }
    : { type: id.type, code: id.code, experimenter: id.experimenter, message };
}

/** Raises `id` inside the codec; decode() turns it into an error value. */
export function fail(id: ErrorId, message: string): never {
  throw new OfpDecodeError(id.type, id.code, message, id.experimenter);
}

// Frequently raised errors, named for readability at the call site.
export const badRequestLen = (what: string): never =>
  fail(OFPERR.OFPBRC_BAD_LEN, `bad length: ${what}`);
export const badMatchLen = (what: string): never =>
  fail(OFPERR.OFPBMC_BAD_LEN, `bad match length: ${what}`);
export const badActionLen = (what: string): never =>
  fail(OFPERR.OFPBAC_BAD_LEN, `bad action length: ${what}`);
export const badInstructionLen = (what: string): never =>
  fail(OFPERR.OFPBIC_BAD_LEN, `bad instruction length: ${what}`);

export type Result<T> = { ok: true; value: T } | { ok: false; error: OfpError };
