/**
 * Properties of the text layer: printing a flow and parsing the text back gives the same
 * FLOW_MOD bytes (for random matches over the OpenFlow 1.3 fields and random action
 * lists), and the parser reports bad input as a TextError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeMessage, FlowModCommand } from '../../src/codec/index.js';
import { formatFlowMod } from '../../src/text/flow-format.js';
import { parseFlow, toFlowMod } from '../../src/text/flow-parse.js';
import { formatIpv4, formatIpv6, formatMac, TextError } from '../../src/text/values.js';

const mac = fc.integer({ min: 0, max: 0xffffffffffff }).map(formatMac);
const ip4 = fc.integer({ min: 0, max: 0xffffffff }).map(formatIpv4);
const ip6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(formatIpv6);
const u16 = fc.integer({ min: 0, max: 0xffff });

/** One protocol with fields that suit it, in ovs-ofctl syntax. */
const l3 = fc.oneof(
  fc
    .record({ src: ip4, bits: fc.integer({ min: 1, max: 32 }), tp: u16 })
    .map(({ src, bits, tp }) => `tcp,nw_src=${src}/${bits},tp_dst=${tp}`),
  fc.record({ dst: ip4, tp: u16 }).map(({ dst, tp }) => `udp,nw_dst=${dst},tp_src=${tp}`),
  fc
    .record({ t: fc.integer({ min: 0, max: 255 }), c: fc.integer({ min: 0, max: 255 }) })
    .map(({ t, c }) => `icmp,icmp_type=${t},icmp_code=${c}`),
  fc
    .record({ src: ip6, label: fc.integer({ min: 0, max: 0xfffff }) })
    .map(({ src, label }) => `ipv6,ipv6_src=${src},ipv6_label=${label}`),
  fc
    .record({ op: fc.integer({ min: 1, max: 255 }), spa: ip4, sha: mac })
    .map(({ op, spa, sha }) => `arp,arp_op=${op},arp_spa=${spa},arp_sha=${sha}`),
  fc
    .record({ label: fc.integer({ min: 0, max: 0xfffff }), tc: fc.integer({ min: 0, max: 7 }) })
    .map(({ label, tc }) => `mpls,mpls_label=${label},mpls_tc=${tc}`),
  fc.constant(''),
);

const l2 = fc.record({
  inPort: fc.option(fc.integer({ min: 1, max: 0xfeff }), { nil: undefined }),
  src: fc.option(mac, { nil: undefined }),
  vlan: fc.option(fc.integer({ min: 0, max: 4095 }), { nil: undefined }),
  tun: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { nil: undefined }),
});

const actions = fc
  .array(
    fc.oneof(
      fc.integer({ min: 1, max: 0xfeff }).map((p) => `output:${p}`),
      fc.constantFrom('NORMAL', 'FLOOD', 'ALL', 'LOCAL', 'IN_PORT', 'CONTROLLER:128'),
      fc.integer({ min: 0, max: 0xffffffff }).map((g) => `group:${g}`),
      fc.integer({ min: 0, max: 0xffffffff }).map((q) => `set_queue:${q}`),
      mac.map((m) => `mod_dl_src:${m}`),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((t) => `set_field:${t}->tun_id`),
    ),
    { maxLength: 5 },
  )
  .map((a) => (a.length ? a.join(',') : 'drop'));

const flowText = fc
  .record({ l2, l3, priority: u16, actions })
  .map(({ l2: x, l3: proto, priority, actions: a }) => {
    const parts = [`priority=${priority}`];
    if (proto) parts.push(proto);
    if (x.inPort !== undefined) parts.push(`in_port=${x.inPort}`);
    if (x.src) parts.push(`dl_src=${x.src}`);
    if (x.vlan !== undefined) parts.push(`dl_vlan=${x.vlan}`);
    if (x.tun !== undefined) parts.push(`tun_id=0x${x.tun.toString(16)}`);
    return `${parts.join(',')},actions=${a}`;
  });

describe('print then parse is the identity on the wire', () => {
  test('random flows', () => {
    fc.assert(
      fc.property(flowText, (text) => {
        const fm = toFlowMod(parseFlow(text, FlowModCommand.ADD), 1);
        const printed = formatFlowMod(fm).replace(/^ ADD /, '');
        const again = toFlowMod(parseFlow(printed, FlowModCommand.ADD), 1);
        expect(encodeMessage(again).toString('hex')).toBe(encodeMessage(fm).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad input is a TextError', () => {
  test('random strings', () => {
    const word = fc.stringMatching(/^[a-z_0-9:=,./()>-]{0,40}$/);
    fc.assert(
      fc.property(word, (text) => {
        try {
          parseFlow(text, FlowModCommand.ADD);
        } catch (e) {
          expect(e).toBeInstanceOf(TextError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
