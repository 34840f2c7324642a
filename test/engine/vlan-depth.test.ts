/**
 * VLAN tag depth through an action list, against Open vSwitch 3.1's own check
 * (ofpacts_check, which `ovs-ofctl parse-flow` runs and ofproto runs on every FLOW_MOD):
 * OVS tracks two tags, so pop_vlan after push_vlan on a tagged match is fine twice, a
 * third pop is OFPBAC_MATCH_INCONSISTENT and a third push OFPBAC_BAD_TAG. Both of
 * ofctl-ts's checks must give OVS's verdict: the text one (ovs-ofctl syntax) and the
 * engine's (what the modelled switch answers to the FLOW_MOD).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { errorName, FlowModCommand } from '../../src/codec/index.js';
import { checkInstructions } from '../../src/engine/index.js';
import { encodeActions, encodeInstructions } from '../../src/text/actions-encode.js';
import { parseActionList } from '../../src/text/actions-parse.js';
import { parseFlow, toFlowMod } from '../../src/text/flow-parse.js';

const ovsOfctl = (() => {
  try {
    execFileSync('ovs-ofctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * OVS's verdict: 'ok' or the error name in "actions are invalid ... (NAME)". A pop_vlan
 * that the match does not back is inconsistent only for OpenFlow 1.1+ (ofpacts_check
 * leaves OpenFlow 1.0, where strip_vlan on any packet is fine, as the usable protocol),
 * so under -O OpenFlow13 ovs-ofctl says "no usable protocol": that is its
 * OFPBAC_MATCH_INCONSISTENT for OpenFlow 1.3.
 */
function ovsVerdict(flow: string): string {
  try {
    execFileSync('ovs-ofctl', ['-O', 'OpenFlow13', 'parse-flow', flow], { stdio: 'pipe' });
    return 'ok';
  } catch (e) {
    const err = String((e as { stderr?: Buffer }).stderr ?? '');
    if (err.includes('no usable protocol')) return 'OFPBAC_MATCH_INCONSISTENT';
    return /\((OFP\w+)\)/.exec(err)?.[1] ?? `unexpected: ${err.trim()}`;
  }
}

function textVerdict(flow: string): string {
  try {
    parseFlow(flow, FlowModCommand.ADD);
    return 'ok';
  } catch (e) {
    return /\((OFP\w+)\)/.exec((e as Error).message)?.[1] ?? (e as Error).message;
  }
}

const ctx = { nTables: 255, hasGroup: () => true, hasMeter: () => true };

/** The engine's answer to the FLOW_MOD; the match and actions are parsed unchecked. */
function engineVerdict(match: string, actions: string): string {
  const fm = toFlowMod(parseFlow(`${match},actions=drop`, FlowModCommand.ADD));
  const list = parseActionList(actions, {});
  const ins = encodeInstructions(list);
  const e = checkInstructions(ins, fm.match, fm.tableId, ctx);
  return e ? (errorName(e) ?? String(e.code)) : 'ok';
}

const TAGGED = 'table=3,priority=59845,cookie=0x64,in_port=3,vlan_tci=0x1000/0x1000';
const UNTAGGED = 'in_port=3,vlan_tci=0x0000/0x1000';
const ANY = 'in_port=3';

const CASES: readonly (readonly [string, string])[] = [
  // The flow of issue 15: one tag matched, one pushed, two popped.
  [
    TAGGED,
    'push_vlan:0x88a8,set_field:7291->vlan_vid,set_field:1->vlan_pcp,pop_vlan,pop_vlan,push_vlan:0x88a8,write_actions(output:5)',
  ],
  [TAGGED, 'pop_vlan,output:1'],
  [TAGGED, 'pop_vlan,pop_vlan,output:1'],
  [TAGGED, 'push_vlan:0x8100,pop_vlan,pop_vlan,output:1'],
  [TAGGED, 'push_vlan:0x8100,pop_vlan,pop_vlan,pop_vlan,output:1'],
  [TAGGED, 'push_vlan:0x8100,push_vlan:0x88a8,output:1'],
  [TAGGED, 'push_vlan:0x8100,pop_vlan,push_vlan:0x88a8,pop_vlan,pop_vlan,output:1'],
  [TAGGED, 'pop_vlan,set_field:5->vlan_vid,output:1'],
  [TAGGED, 'push_vlan:0x8100,pop_vlan,set_field:5->vlan_vid,output:1'],
  [UNTAGGED, 'pop_vlan,output:1'],
  [UNTAGGED, 'push_vlan:0x8100,pop_vlan,output:1'],
  [UNTAGGED, 'push_vlan:0x8100,pop_vlan,pop_vlan,output:1'],
  [UNTAGGED, 'push_vlan:0x8100,push_vlan:0x8100,pop_vlan,pop_vlan,output:1'],
  [UNTAGGED, 'push_vlan:0x8100,push_vlan:0x8100,push_vlan:0x8100,output:1'],
  [ANY, 'push_vlan:0x8100,set_field:3->vlan_vid,pop_vlan,output:1'],
  [ANY, 'push_vlan:0x8100,push_vlan:0x88a8,pop_vlan,set_field:3->vlan_vid,output:1'],
  [ANY, 'pop_vlan,output:1'],
];

describe.skipIf(!ovsOfctl)('VLAN tag depth through the actions agrees with Open vSwitch', () => {
  test.each(CASES)('%s actions=%s', (match, actions) => {
    const want = ovsVerdict(`${match},actions=${actions}`);
    expect(want).toMatch(/^(ok|OFP\w+)$/);
    expect(textVerdict(`${match},actions=${actions}`)).toBe(want);
    expect(engineVerdict(match, actions)).toBe(want);
  });

  test('the cases cover acceptance and both refusals', () => {
    const verdicts = new Set(CASES.map(([m, a]) => ovsVerdict(`${m},actions=${a}`)));
    expect(verdicts).toEqual(new Set(['ok', 'OFPBAC_MATCH_INCONSISTENT', 'OFPBAC_BAD_TAG']));
  });
});

test('encodeActions keeps both pops of a two-tag list', () => {
  const list = parseActionList('push_vlan:0x8100,pop_vlan,pop_vlan', {}, true);
  expect(encodeActions(list).map((a) => a.type)).toEqual(['push_vlan', 'pop_vlan', 'pop_vlan']);
});
