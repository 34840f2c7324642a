/**
 * Open vSwitch as an independent decoder of what we encode: a seeded sample of valid
 * messages, 20 of every type and 20 of every multipart request and reply body, is
 * written to files and printed by `ovs-ofctl ofp-parse` (four batches, two at a time).
 * OVS must name each message as the type we encoded, report no decode error and log no
 * warning. The messages come from valid-arbitraries.ts, whose header lists the semantic
 * rules OVS applies on top of the wire format. Our own semantic checks (checkMatch,
 * checkInstructions) must accept every flow OVS accepted.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allErrorCodes,
  checkInstructions,
  checkMatch,
  decodeMessage,
  type ErrorId,
  encodeMessage,
  errorByName,
  errorName,
  type Message,
  type MessageType,
  MULTIPART_KINDS,
  type MultipartKind,
  messageCode,
  messageName,
} from '../../src/codec/index.js';
import { normalize } from './support/normalize.js';
import { type OfpPrint, ofpParse, requireOvsOfctl, withLimit } from './support/ovs-ofctl.js';
import { VALID_MESSAGES, VALID_REPLY_BODIES, VALID_REQUEST_BODIES } from './valid-arbitraries.js';

const PER_TYPE = 20;
const SEED = 20240613;
const KINDS: MultipartKind[] = [...MULTIPART_KINDS, 'experimenter'];

/** How OVS names a message in the first line it prints. */
function ovsName(m: Message): string {
  if (m.type === 'multipart_request' || m.type === 'multipart_reply') {
    const dir = m.type === 'multipart_request' ? 'request' : 'reply';
    const k = m.body.kind;
    if (k === 'experimenter') return `ONFST_FLOW_MONITOR ${dir}`;
    return `OFPST_${k === 'port_stats' ? 'PORT' : k.toUpperCase()} ${dir}`;
  }
  if (m.type === 'experimenter') {
    const names: Record<number, string> = {
      1870: 'FLOW_MONITOR_CANCEL',
      1871: 'FLOW_MONITOR_PAUSED',
      1872: 'FLOW_MONITOR_RESUMED',
      1911: 'ROLE_STATUS',
    };
    return `ONFT_${names[m.expType]}`;
  }
  return messageName(messageCode(m.type))!;
}

/** The sample: every message type, then every multipart body both ways. */
function sample(): Message[] {
  const out: Message[] = [];
  const types = Object.keys(VALID_MESSAGES) as MessageType[];
  types.forEach((t, i) => {
    const arb = VALID_MESSAGES[t] as fc.Arbitrary<Message>;
    out.push(...fc.sample(arb, { numRuns: PER_TYPE, seed: SEED + i }));
  });
  KINDS.forEach((kind, i) => {
    for (const body of fc.sample(VALID_REQUEST_BODIES[kind], {
      numRuns: PER_TYPE,
      seed: SEED + 100 + i,
    })) {
      out.push({ type: 'multipart_request', xid: 0, flags: 0, body });
    }
    for (const body of fc.sample(VALID_REPLY_BODIES[kind], {
      numRuns: PER_TYPE,
      seed: SEED + 200 + i,
    })) {
      out.push({ type: 'multipart_reply', xid: 0, flags: 0, body });
    }
  });
  return out;
}

/** Error-code names of every class, as OVS prints them when something is rejected. */
const ERROR_NAME =
  /\b(?:OFPBRC|OFPBAC|OFPBIC|OFPBMC|OFPFMFC|OFPGMFC|OFPPMFC|OFPTMFC|OFPQOFC|OFPSCFC|OFPRRFC|OFPMMFC|OFPTFFC|OFPHFC|OFPMOFC|NXBRC|NXBAC)_\w+/;

/** Everything wrong with OVS's printout of `m`, as messages. */
function problems(m: Message, p: OfpPrint): string[] {
  const out: string[] = [];
  const [first = '', ...rest] = p.text.split('\n');
  const head = new RegExp(`^${ovsName(m)} \\(OF1\\.3\\) \\(xid=0x[0-9a-f]+\\):`);
  if (!head.test(first)) out.push(`first line is not "${head.source}"`);
  if (p.text.includes('***')) out.push('OVS marks a decode problem (***)');
  // An error message's first line legitimately names its error, and nothing else may.
  const named = m.type === 'error' ? rest : [first, ...rest];
  if (named.some((l) => ERROR_NAME.test(l))) out.push('OVS names an error');
  if (m.type === 'error') {
    const printed = /\): (\w+)$/.exec(first)?.[1] ?? '';
    const want = { type: m.errType, code: m.code, experimenter: m.experimenter };
    if (!sameError(errorByName(printed), want)) out.push(`OVS names the error ${printed}`);
  }
  return out;
}

const sameError = (a: ErrorId | undefined, b: ErrorId) =>
  a !== undefined && a.type === b.type && a.code === b.code && a.experimenter === b.experimenter;

describe('ovs-ofctl ofp-print on generated valid messages', () => {
  const messages = sample();
  let prints: OfpPrint[] = [];
  let stderr = '';
  // Without ovs-ofctl every test below fails with install advice (never a skip).
  let missing: Error | undefined;
  const needOvs = () => {
    if (missing) throw missing;
  };

  beforeAll(async () => {
    try {
      await requireOvsOfctl();
    } catch (e) {
      missing = e as Error;
      return;
    }
    const batches = [0, 1, 2, 3].map((b) => {
      const size = Math.ceil(messages.length / 4);
      return messages.slice(b * size, (b + 1) * size);
    });
    const results = await withLimit(
      2,
      batches.map((batch) => () => ofpParse(batch.map(encodeMessage))),
    );
    prints = results.flatMap((r) => r.prints);
    stderr = results.map((r) => r.stderr).join('');
  }, 60_000);

  it('covers every message type and multipart body, 20 each', () => {
    const types = new Set(messages.map((m) => m.type));
    expect(types.size).toBe(Object.keys(VALID_MESSAGES).length);
    for (const dir of ['multipart_request', 'multipart_reply'] as const) {
      const kinds = messages.flatMap((m) => (m.type === dir ? [m.body.kind] : []));
      for (const k of KINDS)
        expect(kinds.filter((x) => x === k).length).toBeGreaterThanOrEqual(PER_TYPE);
    }
  });

  it('OVS prints every one as the type we encoded, with no decode error', () => {
    needOvs();
    expect(prints.length).toBe(messages.length);
    const bad = messages.flatMap((m, i) => {
      const p = problems(m, prints[i]!);
      return p.length ? [`${m.type} #${i}: ${p.join('; ')}\n${prints[i]!.text}`] : [];
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('OVS names every OpenFlow 1.3 error code as errorName does, or by an alias errorByName knows', async () => {
    needOvs();
    const codes: ErrorId[] = [
      ...allErrorCodes(),
      errorByName('OFPBIC_DUP_INST')!,
      errorByName('OFPBAC_BAD_SET_MASK')!,
    ];
    const { prints: named } = await ofpParse(
      codes.map((c) =>
        encodeMessage({
          type: 'error',
          xid: 0,
          errType: c.type,
          code: c.code,
          ...(c.experimenter === undefined ? {} : { experimenter: c.experimenter }),
          data: new Uint8Array(),
        }),
      ),
    );
    const wrong = codes.flatMap((c, i) => {
      const printed = /\): (\w+)$/.exec(named[i]!.text.split('\n')[0]!)?.[1] ?? '';
      return sameError(errorByName(printed), c) ? [] : [`${errorName(c)} printed as ${printed}`];
    });
    expect(wrong).toEqual([]);
  });

  it('OVS logs no warning or error (INFO notes such as deprecations are allowed)', () => {
    needOvs();
    const lines = stderr.split('\n').filter((l) => /\|(WARN|ERR|EMER)\|/.test(l));
    expect(lines).toEqual([]);
  });

  it('our decoder reads every one back, and our flow checks accept what OVS accepted', () => {
    for (const m of messages) {
      const r = decodeMessage(encodeMessage(m));
      if (!r.ok) throw new Error(`${m.type}: ${r.error.message}`);
      expect(normalize(r.value)).toStrictEqual(normalize(m));
      if (m.type === 'flow_mod') {
        expect(checkMatch(m.match)).toBeUndefined();
        expect(checkInstructions(m.instructions, { tableId: m.tableId })).toBeUndefined();
      }
      if (m.type === 'packet_in' || m.type === 'flow_removed')
        expect(checkMatch(m.match)).toBeUndefined();
    }
  });
});
