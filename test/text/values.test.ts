/**
 * The value syntax under every ovs-ofctl text form: addresses, masks, integers, ports,
 * durations, hex dumps and the key-value scanner. Expected strings were printed by
 * ovs-ofctl 3.1 (e.g. `parse-flow ipv6,ipv6_src=...`) or come from its source's rules.
 */
import { describe, expect, test } from 'vitest';
import { OFPP } from '../../src/codec/index.js';
import { formatPort, PortMap, parsePortOrUndef } from '../../src/text/ports.js';
import { extractActions, parseKeyValues } from '../../src/text/tokenize.js';
import {
  formatDuration,
  formatIpv4Masked,
  formatIpv6,
  formatIpv6Masked,
  formatMac,
  hex,
  hexDump,
  parseCIntOrUndef,
  parseIpv4Masked,
  parseIpv6OrUndef,
  parseMacOrUndef,
  TextError,
} from '../../src/text/values.js';

describe('IPv6 text, as inet_ntop prints it', () => {
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1::1', '2001:0:0:1::1'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
    ['0:0:1::', '0:0:1::'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ];
  test.each(cases)('%s prints as %s', (input, printed) => {
    const v = parseIpv6OrUndef(input);
    expect(v).toBeDefined();
    expect(formatIpv6(v!)).toBe(printed);
  });
  test('prefix masks print as /N, others in full; bad text is refused', () => {
    const all = (1n << 128n) - 1n;
    expect(formatIpv6Masked(0x20010db8n << 96n, (all << 80n) & all)).toBe('2001:db8::/48');
    expect(formatIpv6Masked(1n, 0xffffn)).toBe('::1/::ffff');
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '12345::', '::1.2.3']) {
      expect(parseIpv6OrUndef(bad), bad).toBeUndefined();
    }
  });
});

describe('IPv4 and Ethernet', () => {
  test('prefix and dotted masks', () => {
    expect(parseIpv4Masked('10.0.0.0/8')).toEqual({ value: 0x0a000000, mask: 0xff000000 });
    expect(parseIpv4Masked('10.1.2.3/255.0.255.0')).toEqual({
      value: 0x0a010203,
      mask: 0xff00ff00,
    });
    expect(formatIpv4Masked(0x0a000000, 0xff000000)).toBe('10.0.0.0/8');
    expect(formatIpv4Masked(0x0a000000, 0xff00ff00)).toBe('10.0.0.0/255.0.255.0');
    expect(formatIpv4Masked(0x01020304, 0xffffffff)).toBe('1.2.3.4');
    expect(() => parseIpv4Masked('1.2.3.4/33')).toThrow(
      '1.2.3.4/33: IPv4 network prefix bits not between 0 and 32, inclusive',
    );
    expect(() => parseIpv4Masked('1.2.3')).toThrow(TextError);
  });
  test('MAC addresses', () => {
    expect(parseMacOrUndef('01:02:03:04:05:06')).toBe(0x010203040506);
    expect(parseMacOrUndef('1:2:3:4:5:6')).toBe(0x010203040506);
    expect(parseMacOrUndef('1:2')).toBeUndefined();
    expect(formatMac(0xffffffffffff)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(0x0a0b0c0d0e0f)).toBe('0a:0b:0c:0d:0e:0f');
  });
});

describe('numbers', () => {
  test('C-style integers and %#x', () => {
    expect(parseCIntOrUndef('0x10')).toBe(16n);
    expect(parseCIntOrUndef('010')).toBe(8n);
    expect(parseCIntOrUndef('10')).toBe(10n);
    expect(parseCIntOrUndef('1e3')).toBeUndefined();
    expect(hex(0)).toBe('0');
    expect(hex(255n)).toBe('0xff');
  });
  test('durations as ofp_print_duration prints them', () => {
    expect(formatDuration(1, 10_000_000)).toBe('1.010s');
    expect(formatDuration(0, 0)).toBe('0s');
    expect(formatDuration(600, 500)).toBe('600.0000005s');
    expect(formatDuration(358, 115_277_000)).toBe('358.115277s');
  });
  test('hex dumps with and without ASCII', () => {
    const b = Buffer.from('0414000800000001680a', 'hex');
    expect(hexDump(b, true)).toBe(
      '00000000  04 14 00 08 00 00 00 01-68 0a                   |........h.      |\n',
    );
    expect(hexDump(b.subarray(0, 8), false)).toBe('00000000  04 14 00 08 00 00 00 01-\n');
  });
});

describe('ports', () => {
  const map = new PortMap([
    { portNo: 1, name: 'eth0' },
    { portNo: 2, name: 'with space' },
    { portNo: OFPP.LOCAL, name: 'br0' },
  ]);
  test('reserved names, numbers, OpenFlow 1.0 numbers and names from the switch', () => {
    expect(parsePortOrUndef('LOCAL')?.port).toBe(OFPP.LOCAL);
    expect(parsePortOrUndef('normal')?.port).toBe(OFPP.NORMAL);
    expect(parsePortOrUndef('none')?.port).toBe(OFPP.ANY);
    expect(parsePortOrUndef('65534')).toEqual({
      port: OFPP.LOCAL,
      warning:
        'referring to port LOCAL as 65534 is deprecated for compatibility with OpenFlow 1.1 and later',
    });
    expect(parsePortOrUndef('4294967290')?.port).toBe(OFPP.NORMAL);
    expect(parsePortOrUndef('0xfffffffe')).toBeUndefined();
    expect(parsePortOrUndef('eth0', map)?.port).toBe(1);
    expect(parsePortOrUndef('"with space"', map)?.port).toBe(2);
    expect(parsePortOrUndef('eth9', map)).toBeUndefined();
  });
  test('printing prefers names, keeps reserved names, quotes odd names', () => {
    expect(formatPort(1, map)).toBe('eth0');
    expect(formatPort(2, map)).toBe('"with space"');
    expect(formatPort(OFPP.LOCAL, map)).toBe('LOCAL');
    expect(formatPort(7, map)).toBe('7');
    expect(formatPort(0xffffff00)).toBe('65280');
  });
});

describe("ovs-ofctl's key-value scanner", () => {
  test('separators, delimiters and nested parentheses', () => {
    expect(parseKeyValues('a=1, b:2\tc(3,(4)) d')).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3,(4)' },
      { key: 'd', value: '' },
    ]);
    expect(parseKeyValues('write_actions(output:1,group:2),goto_table:3')).toEqual([
      { key: 'write_actions', value: 'output:1,group:2' },
      { key: 'goto_table', value: '3' },
    ]);
    expect(parseKeyValues('load(1)->x,y')).toEqual([
      { key: 'load', value: '1)->x' },
      { key: 'y', value: '' },
    ]);
  });
  test('actions start after the first "action" word', () => {
    expect(extractActions('priority=1 actions=drop')).toEqual({
      match: 'priority=1 ',
      actions: 'drop',
    });
    expect(extractActions('ip,action=output:1')).toEqual({ match: 'ip,', actions: 'output:1' });
    expect(extractActions('ip')).toEqual({ match: 'ip', actions: undefined });
  });
});
