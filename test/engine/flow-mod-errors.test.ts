/**
 * The error a switch sends for each bad FLOW_MOD (OpenFlow 1.3.5 section 6.4 and
 * 7.4.4), nothing installed when it does; and requests that look odd but are valid.
 */
import { describe, expect, test } from 'vitest';
import { FlowModCommand, type Match, OFPP } from '../../src/codec/index.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { apply, errName, flowMod, goto, out } from './helpers.js';

const ip: Match = [{ field: 'eth_type', value: 0x0800 }];
const { ADD, MODIFY, DELETE, DELETE_STRICT } = FlowModCommand;
const model = () => new SwitchModel({ nTables: 4, ports: [1, 2, 3] });
const flowCount = (m: SwitchModel) => m.allEntries().length;

describe('errors a switch sends', () => {
  const cases: [string, Parameters<typeof flowMod>[0], string][] = [
    ['bad command', { command: 9 }, 'OFPFMFC_BAD_COMMAND'],
    ['table past the pipeline', { tableId: 4 }, 'OFPFMFC_BAD_TABLE_ID'],
    ['OFPTT_ALL in an ADD', { tableId: 0xff }, 'OFPFMFC_BAD_TABLE_ID'],
    ['OFPTT_ALL in a MODIFY', { command: MODIFY, tableId: 0xff }, 'OFPFMFC_BAD_TABLE_ID'],
    ['unknown flag', { flags: 0x100 }, 'OFPFMFC_BAD_FLAGS'],
    [
      'tcp_dst without ip_proto',
      { match: [...ip, { field: 'tcp_dst', value: 80 }] },
      'OFPBMC_BAD_PREREQ',
    ],
    [
      'value outside mask',
      { match: [...ip, { field: 'ipv4_src', value: 0xff, mask: 0xff00 }] },
      'OFPBMC_BAD_WILDCARDS',
    ],
    [
      'experimenter match field',
      {
        match: [
          { field: 'raw', oxmClass: 1, oxmField: 16, hasMask: false, payload: new Uint8Array(4) },
        ],
      },
      'OFPBMC_BAD_FIELD',
    ],
    ['goto backwards', { tableId: 2, instructions: [goto(1)] }, 'OFPBIC_BAD_TABLE_ID'],
    ['goto past the pipeline', { instructions: [goto(4)] }, 'OFPBIC_BAD_TABLE_ID'],
    ['two apply-actions', { instructions: [apply(), apply()] }, 'OFPBIC_UNSUP_INST'],
    ['unknown meter', { instructions: [{ type: 'meter', meterId: 3 }] }, 'OFPMMFC_UNKNOWN_METER'],
    [
      'unknown group',
      { instructions: [apply({ type: 'group', groupId: 3 })] },
      'OFPBAC_BAD_OUT_GROUP',
    ],
    ['output to port 0', { instructions: [apply(out(0))] }, 'OFPBAC_BAD_OUT_PORT'],
    ['output to ANY', { instructions: [apply(out(OFPP.ANY))] }, 'OFPBAC_BAD_OUT_PORT'],
    [
      'output to TABLE in a flow',
      { instructions: [apply(out(OFPP.TABLE))] },
      'OFPBAC_BAD_OUT_PORT',
    ],
    [
      'push_vlan 0x0800',
      { instructions: [apply({ type: 'push_vlan', ethertype: 0x0800 })] },
      'OFPBAC_BAD_ARGUMENT',
    ],
    [
      'pop_vlan without a VLAN match',
      { instructions: [apply({ type: 'pop_vlan' })] },
      'OFPBAC_MATCH_INCONSISTENT',
    ],
    [
      'set vlan_vid on an untagged match',
      { instructions: [apply({ type: 'set_field', field: { field: 'vlan_vid', value: 0x1005 } })] },
      'OFPBAC_MATCH_INCONSISTENT',
    ],
    [
      'set ipv4_src without eth_type',
      { instructions: [apply({ type: 'set_field', field: { field: 'ipv4_src', value: 1 } })] },
      'OFPBAC_MATCH_INCONSISTENT',
    ],
    [
      'dec_nw_ttl on a non-IP match',
      { instructions: [apply({ type: 'dec_nw_ttl' })] },
      'OFPBAC_MATCH_INCONSISTENT',
    ],
    [
      'set_field of eth_type',
      { instructions: [apply({ type: 'set_field', field: { field: 'eth_type', value: 1 } })] },
      'OFPBAC_BAD_SET_TYPE',
    ],
    [
      'set_field vlan_pcp 8',
      {
        match: [{ field: 'vlan_vid', value: 0x1001 }],
        instructions: [apply({ type: 'set_field', field: { field: 'vlan_pcp', value: 8 } })],
      },
      'OFPBAC_BAD_SET_ARGUMENT',
    ],
    [
      'experimenter action',
      {
        instructions: [
          apply({ type: 'experimenter', experimenter: 0x2320, data: new Uint8Array(4) }),
        ],
      },
      'OFPBAC_BAD_EXPERIMENTER',
    ],
  ];
  for (const [name, fm, want] of cases) {
    test(name, () => {
      const m = model();
      expect(errName(m.applyFlowMod(flowMod(fm)))).toBe(want);
      expect(flowCount(m)).toBe(0);
    });
  }
});

describe('valid requests', () => {
  test('actions made consistent by earlier ones are accepted', () => {
    const m = model();
    const pushed = flowMod({
      instructions: [
        apply(
          { type: 'push_vlan', ethertype: 0x8100 },
          { type: 'set_field', field: { field: 'vlan_vid', value: 0x1005 } },
          out(1),
          { type: 'pop_vlan' },
        ),
      ],
    });
    expect(m.applyFlowMod(pushed)).toBeUndefined();
    const withVlan = flowMod({
      match: [{ field: 'vlan_vid', value: 0x1000, mask: 0x1000 }],
      instructions: [apply({ type: 'pop_vlan' }, out(2))],
    });
    expect(m.applyFlowMod(withVlan)).toBeUndefined();
  });

  test('write-actions are checked in action-set order (push before set_field)', () => {
    const m = model();
    const fm = flowMod({
      instructions: [
        {
          type: 'write_actions',
          actions: [
            { type: 'set_field', field: { field: 'vlan_vid', value: 0x1005 } },
            { type: 'push_vlan', ethertype: 0x8100 },
          ],
        },
      ],
    });
    expect(m.applyFlowMod(fm)).toBeUndefined();
  });

  test('DELETE with OFPTT_ALL is valid, and deleting nothing is not an error', () => {
    const m = model();
    expect(m.applyFlowMod(flowMod({ command: DELETE, tableId: 0xff }))).toBeUndefined();
    expect(m.applyFlowMod(flowMod({ command: DELETE_STRICT, tableId: 3 }))).toBeUndefined();
    expect(m.applyFlowMod(flowMod({ command: ADD, tableId: 3 }))).toBeUndefined();
  });
});
