import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { encodeMessage, type Message } from '../../src/codec/index.js';
import { VALID_MESSAGES, VALID_REPLY_BODIES, VALID_REQUEST_BODIES } from './valid-arbitraries.js';
import { ofpParse, XID_BASE } from './support/ovs-ofctl.js';

it('explore', async () => {
  const msgs: Message[] = [];
  const N = Number(process.env.N ?? 30);
  for (const [t, a] of Object.entries(VALID_MESSAGES)) msgs.push(...fc.sample(a as fc.Arbitrary<Message>, { numRuns: N, seed: Number(process.env.SEED ?? 1) }));
  for (const [k, a] of Object.entries(VALID_REQUEST_BODIES)) msgs.push(...fc.sample(a, { numRuns: N, seed: Number(process.env.SEED ?? 1) + 1000 }).map((body) => ({ type: 'multipart_request', xid: 0, flags: 0, body }) as Message));
  for (const [k, a] of Object.entries(VALID_REPLY_BODIES)) msgs.push(...fc.sample(a, { numRuns: N, seed: Number(process.env.SEED ?? 1) + 2000 }).map((body) => ({ type: 'multipart_reply', xid: 0, flags: 0, body }) as Message));
  const bufs = msgs.map((m, i) => encodeMessage({ ...m, xid: XID_BASE + i } as Message));
  const { prints, stderr } = await ofpParse(bufs);
  const out = prints.map((p, i) => `### ${msgs[i]!.type} ${'body' in msgs[i]! ? (msgs[i] as any).body.kind : ''}\n${p.text}`).join('\n');
  writeFileSync('/tmp/p2scratch/explore.txt', out);
  writeFileSync('/tmp/p2scratch/explore-stderr.txt', stderr);
}, 60000);
