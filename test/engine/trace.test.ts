/** The ofproto/trace-like text: tables, entries, misses, final flow, outputs, formatter injection. */
import { describe, expect, test } from 'vitest';
import { OFPP } from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { formatTrace } from '../../src/engine/trace.js';
import { defaultTraceFormatter, formatIpv6 } from '../../src/engine/trace-format.js';
import { apply, flowMod, goto, out } from './helpers.js';

const frame = buildPacket({
  eth_src: 0x020000000001,
  eth_dst: 0x020000000002,
  eth_type: 0x0800,
  ip_proto: 6,
  ipv4_src: 0x0a000001,
  ipv4_dst: 0x0a000002,
  tcp_src: 1234,
  tcp_dst: 80,
});

function model() {
  const m = new SwitchModel({ nTables: 3, ports: [1, 2, 3] });
  m.applyFlowMod(
    flowMod({ match: [{ field: 'in_port', value: 1 }], cookie: 0x5n, instructions: [goto(1)] }),
  );
  m.applyFlowMod(
    flowMod({
      tableId: 1,
      match: [
        { field: 'eth_type', value: 0x0800 },
        { field: 'ip_proto', value: 6 },
        { field: 'ipv4_dst', value: 0x0a000000, mask: 0xffffff00 },
      ],
      priority: 7,
      instructions: [
        apply(
          { type: 'set_field', field: { field: 'ipv4_dst', value: 0x0a000063 } },
          out(2),
          out(OFPP.FLOOD),
        ),
      ],
    }),
  );
  return m;
}

describe('formatTrace', () => {
  test('a packet forwarded through two tables', () => {
    const text = formatTrace(model().process(frame, 1), { bridge: 'br0' });
    expect(text).toContain(
      'Flow: tcp,in_port=1,dl_dst=02:00:00:00:00:02,dl_src=02:00:00:00:00:01,nw_tos=0,nw_ecn=0,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80',
    );
    expect(text).toContain('bridge("br0")\n-------------\n');
    expect(text).toContain(' 0. in_port=1, priority 100, cookie 0x5\n    goto_table:1\n');
    expect(text).toContain(
      ' 1. tcp,nw_dst=10.0.0.0/24, priority 7\n    set_field:10.0.0.99->nw_dst,output:2,FLOOD\n',
    );
    expect(text).toContain('Final flow: tcp,in_port=1');
    expect(text).toContain('nw_dst=10.0.0.99');
    expect(text).toContain('Outputs: 2, 2 (FLOOD), 3 (FLOOD)');
  });

  test('a miss is "No match." and the packet is dropped', () => {
    const text = formatTrace(model().process(frame, 2));
    expect(text).toContain(' 0. No match.\n    drop\n');
    expect(text).toContain('Final flow: unchanged');
    expect(text).toContain('Outputs: drop');
  });

  test('the formatter is injectable', () => {
    const text = formatTrace(model().process(frame, 1), {
      formatter: { ...defaultTraceFormatter, match: (m) => `<${m.length} fields>` },
    });
    expect(text).toContain(' 0. <1 fields>, priority 100');
  });

  test('IPv6 addresses print compressed', () => {
    expect(formatIpv6(0x20010db8000000000000000000000001n)).toBe('2001:db8::1');
    expect(formatIpv6(0n)).toBe('::');
    expect(formatIpv6(0x00010002000300040005000600070008n)).toBe('1:2:3:4:5:6:7:8');
  });
});
