/**
 * Flow text against Open vSwitch 3.1: for 182 flow texts recorded from ovs-ofctl, parsing
 * gives the FLOW_MOD ovs-ofctl describes (or the same error), the same bytes it sent, and
 * the dump-flows line it printed for the flow the switch then reported.
 */
import { describe, expect, test } from 'vitest';
import { encodeMessage, FlowModCommand } from '../../src/codec/index.js';
import { formatFlowMod } from '../../src/text/flow-format.js';
import { parseFlow, toFlowMod } from '../../src/text/flow-parse.js';
import { ofpToString } from '../../src/text/print/index.js';
import { flowRecords } from './fixtures.js';

const records = flowRecords();

/** What ofctl-ts says for the text, in ovs-ofctl parse-flow's shape. */
function describeFlow(text: string): string {
  try {
    const fm = toFlowMod(parseFlow(text, FlowModCommand.ADD), 1);
    const bytes = encodeMessage(fm);
    return ofpToString(bytes, 2).trimEnd().split('\n')[0]!;
  } catch (e) {
    return `ERR ovs-ofctl: ${(e as Error).message}`;
  }
}

describe('flow text parsing agrees with ovs-ofctl', () => {
  test('the fixture covers accepted and refused flows', () => {
    expect(records.length).toBeGreaterThan(150);
    expect(records.filter((r) => r.ovs.startsWith('ERR')).length).toBeGreaterThan(30);
  });

  test.each(records.map((r) => [r.text, r] as const))('%s', (text, r) => {
    expect(describeFlow(text)).toBe(r.ovs);
  });
});

describe('FLOW_MOD bytes equal what ovs-ofctl add-flow sent', () => {
  const withBytes = records.filter((r) => r.flowMod !== undefined);
  test('most accepted flows were sent', () => {
    expect(withBytes.length).toBeGreaterThan(120);
  });
  test.each(withBytes.map((r) => [r.text, r.flowMod!] as const))('%s', (text, hex) => {
    const fm = toFlowMod(parseFlow(text, FlowModCommand.ADD), 6);
    expect(encodeMessage(fm).toString('hex')).toBe(hex);
  });
});

describe('dump-flows text equals ovs-ofctl for the reply the switch sent', () => {
  const dumps = records.filter((r) => r.statsReply !== undefined);
  test.each(dumps.map((r) => [r.text, r] as const))('%s', (_text, r) => {
    expect(ofpToString(Buffer.from(r.statsReply!, 'hex'), 1)).toBe(r.dump);
  });
});

describe('flow mod descriptions', () => {
  test('modify and delete commands print their cookie mask and out_port', () => {
    const del = toFlowMod(
      parseFlow('cookie=0x10/0xff,out_port=2,tcp', FlowModCommand.DELETE_STRICT),
      3,
    );
    expect(formatFlowMod(del)).toBe(
      ' DEL_STRICT table:255 tcp cookie:0x10/0xff out_port:2 actions=drop',
    );
    const mod = toFlowMod(parseFlow('in_port=1,actions=output:2', FlowModCommand.MODIFY), 3);
    expect(formatFlowMod(mod)).toBe(' MOD in_port=1 actions=output:2');
  });
});
