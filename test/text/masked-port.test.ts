/**
 * Masked transport ports print as Open vSwitch's format_be16_masked does: `0x%x/0x%x`,
 * zero included (`tp_src=0x0/0xff00`, not `0/0xff00`), checked against `ovs-ofctl
 * parse-flow` (offline) on the FLOW_MOD ofctl-ts encodes for the same text.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { encodeMessage, FlowModCommand } from '../../src/codec/index.js';
import { parseFlow, toFlowMod } from '../../src/text/flow-parse.js';
import { ofpToString } from '../../src/text/print/index.js';

const ovsOfctl = (() => {
  try {
    execFileSync('ovs-ofctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FLOWS = [
  'tcp,tp_src=0/0xff00,actions=drop',
  'udp,tp_dst=0/0xff00,actions=drop',
  'sctp,tp_src=0/0xff00,tp_dst=0x100/0xff00,actions=drop',
  'tcp,tp_src=0x0100/0xff00,actions=drop',
  'tcp6,tp_dst=0/1,actions=drop',
  'udp,tp_src=80,actions=drop',
];

/** The FLOW_MOD line after the header: "ADD <match> actions=...". */
const body = (line: string) => line.slice(line.indexOf('ADD'));

describe.skipIf(!ovsOfctl)('masked ports print as ovs-ofctl prints them', () => {
  test.each(FLOWS)('%s', (flow) => {
    const ovs = execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', 'parse-flow', flow], {
      encoding: 'utf8',
    });
    const want = body(ovs.trimEnd().split('\n').at(-1)!);
    const ours = ofpToString(encodeMessage(toFlowMod(parseFlow(flow, FlowModCommand.ADD), 1)), 2);
    expect(body(ours.trimEnd().split('\n')[0]!)).toBe(want);
  });
});
