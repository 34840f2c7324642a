/**
 * Group and meter text against ovs-ofctl 3.1: the GROUP_MOD and METER_MOD bytes it sent
 * for each text (or the error it printed), and its ofp-print of those messages.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { encodeMessage } from '../../src/codec/index.js';
import { GroupModCommand, parseGroupMod } from '../../src/text/group.js';
import { MeterModCommand, parseMeterMod } from '../../src/text/meter.js';
import { ofpToString } from '../../src/text/print/index.js';
import { readJsonl, TEXT_FIXTURES } from './fixtures.js';

interface Rec {
  readonly command: 'add-group' | 'add-meter';
  readonly text: string;
  readonly hex?: string;
  readonly error?: string;
  readonly print?: string;
}

const records = readJsonl<Rec>(join(TEXT_FIXTURES, 'ovs-groups-meters.jsonl'));

function encode(r: Rec, xid: number): string {
  const m =
    r.command === 'add-group'
      ? parseGroupMod(r.text, GroupModCommand.ADD)
      : parseMeterMod(r.text, MeterModCommand.ADD);
  return encodeMessage({ ...m, xid }).toString('hex');
}

describe('group and meter texts', () => {
  test.each(records.filter((r) => r.hex).map((r) => [r.text, r] as const))(
    'bytes of %s',
    (_t, r) => {
      const xid = Buffer.from(r.hex!, 'hex').readUInt32BE(4);
      expect(encode(r, xid)).toBe(r.hex);
    },
  );

  test.each(records.filter((r) => r.error).map((r) => [r.text, r] as const))(
    'error for %s',
    (_t, r) => {
      expect(() => encode(r, 1)).toThrow(r.error!.replace(/^ovs-ofctl: /, ''));
    },
  );

  test.each(records.filter((r) => r.print).map((r) => [r.text, r] as const))(
    'ofp-print of %s',
    (_t, r) => {
      expect(ofpToString(Buffer.from(r.hex!, 'hex'))).toBe(r.print);
    },
  );

  test('delete without a group or meter means all of them', () => {
    expect(parseGroupMod('', GroupModCommand.DELETE).groupId).toBe(0xfffffffc);
    expect(parseGroupMod('group_id=7', GroupModCommand.DELETE).groupId).toBe(7);
    expect(parseMeterMod('meter=all', MeterModCommand.DELETE).meterId).toBe(0xffffffff);
    expect(() => parseGroupMod('group_id=7,bucket=output:1', GroupModCommand.DELETE)).toThrow(
      'bucket is not needed',
    );
  });
});
