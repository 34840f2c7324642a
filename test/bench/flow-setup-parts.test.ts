/**
 * The flow-setup benchmark's building blocks: the pre-encoded packet-ins decode to what
 * a learning switch needs to see, the statistics are the textbook ones, and options
 * are validated with clear errors.
 */
import { describe, expect, test } from 'vitest';
import { OptionError, parseOptions } from '../../bench/flow-setup/options.js';
import { LatencySamples, percentile, summarize } from '../../bench/flow-setup/stats.js';
import {
  BROADCAST_MAC,
  HELLO,
  PacketCycle,
  SRC_PORT,
  srcMac,
  TAUGHT_MAC,
  TAUGHT_PORT,
  TEACH_PACKET_IN,
} from '../../bench/flow-setup/wire.js';
import { decodeMessage, helloSupports, matchGet, OFP_NO_BUFFER } from '../../src/codec/index.js';

function decodePacketIn(buf: Buffer) {
  const r = decodeMessage(buf);
  if (!r.ok || r.value.type !== 'packet_in')
    throw new Error(`not a packet-in: ${JSON.stringify(r)}`);
  const m = r.value;
  const data = Buffer.from(m.data);
  return {
    m,
    inPort: matchGet(m.match, 'in_port')?.value,
    dst: data.readUIntBE(0, 6),
    src: data.readUIntBE(6, 6),
    ethType: data.readUInt16BE(12),
  };
}

describe('wire templates', () => {
  test('each cycle packet is an unbuffered table-miss packet-in from MAC j on port 1 to the taught MAC', () => {
    const cycle = new PacketCycle(5, 3);
    for (let k = 0; k < 8; k++) {
      const p = decodePacketIn(cycle.buf.subarray(k * cycle.len, (k + 1) * cycle.len));
      expect(p.m.bufferId).toBe(OFP_NO_BUFFER);
      expect(p.m.reason).toBe(0);
      expect(p.m.totalLen).toBe(60);
      expect(p.m.data.length).toBe(60);
      expect(p.m.xid).toBe(k + 1);
      expect(p.inPort).toBe(SRC_PORT);
      expect(p.dst).toBe(TAUGHT_MAC);
      expect(p.src).toBe(srcMac(k % 5));
      expect(p.ethType).toBe(0x0800);
    }
  });

  test('a slice is whole messages, wrapping past the last MAC', () => {
    const cycle = new PacketCycle(5, 3);
    const s = cycle.slice(4, 3);
    expect(s.length).toBe(3 * cycle.len);
    const srcs = [0, 1, 2].map(
      (i) => decodePacketIn(s.subarray(i * cycle.len, (i + 1) * cycle.len)).src,
    );
    expect(srcs).toEqual([srcMac(4), srcMac(0), srcMac(1)]);
  });

  test('the teach packet announces the taught MAC on port 2 as a broadcast', () => {
    const p = decodePacketIn(TEACH_PACKET_IN);
    expect(p.inPort).toBe(TAUGHT_PORT);
    expect(p.src).toBe(TAUGHT_MAC);
    expect(p.dst).toBe(BROADCAST_MAC);
  });

  test('HELLO offers exactly OpenFlow 1.3', () => {
    const r = decodeMessage(HELLO);
    expect(r.ok && r.value.type === 'hello').toBe(true);
    if (r.ok && r.value.type === 'hello') {
      expect(helloSupports(r.value, 4)).toBe(true);
      expect(helloSupports(r.value, 1)).toBe(false);
    }
  });

  test('the cycle rejects a MAC count it cannot address', () => {
    expect(() => new PacketCycle(0, 1)).toThrow(RangeError);
    expect(() => new PacketCycle(0x1000000, 1)).toThrow(RangeError);
  });
});

describe('statistics', () => {
  test('min/max/avg and population stdev', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ min: 2, max: 9, avg: 5, stdev: 2 });
    expect(summarize([])).toEqual({ min: 0, max: 0, avg: 0, stdev: 0 });
  });

  test('nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  test('latency samples grow past their first capacity and summarise sorted', () => {
    const s = new LatencySamples();
    expect(s.summary()).toBeUndefined();
    const n = 40_000;
    for (let i = n; i >= 1; i--) s.push(i);
    const sum = s.summary()!;
    expect(sum.count).toBe(n);
    expect(sum.medianUs).toBe(20_000);
    expect(sum.p99Us).toBe(39_600);
    expect(sum.maxUs).toBe(n);
    expect(sum.meanUs).toBe((n + 1) / 2);
  });
});

describe('options', () => {
  test('defaults follow cbench: 16 switches, 1000 MACs, 10 loops of 1 s, both modes', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ switches: 16, macs: 1000, loops: 10, msPerLoop: 1000, warmup: 1 });
    expect(o.modes).toEqual(['throughput', 'latency']);
    expect(o.targets).toBeUndefined();
    expect(o.compare).toBe(true);
    expect(o.rounds).toBe(1);
  });

  test('--quick shortens the defaults but not explicit values', () => {
    const o = parseOptions(['--quick', '--loops', '4']);
    expect(o).toMatchObject({ quick: true, loops: 4, msPerLoop: 250, macs: 100 });
  });

  test('both --x v and --x=v; targets as a list; unknown arguments are set aside', () => {
    const o = parseOptions([
      '--switches=3',
      '--target',
      'trivial,os-ken',
      '--mode=latency',
      'codec',
      '--frob',
    ]);
    expect(o.switches).toBe(3);
    expect(o.targets).toEqual(['trivial', 'os-ken']);
    expect(o.modes).toEqual(['latency']);
    expect(o.ignored).toEqual(['codec', '--frob']);
  });

  test('bad values are errors that name the option', () => {
    expect(() => parseOptions(['--switches', '0'])).toThrow(/--switches/);
    expect(() => parseOptions(['--mode', 'fast'])).toThrow(OptionError);
    expect(() => parseOptions(['--target', 'nox'])).toThrow(/--target: unknown 'nox'/);
    expect(() => parseOptions(['--loops'])).toThrow(/needs a value/);
    expect(() => parseOptions(['--rounds', '1.5'])).toThrow(/--rounds: expected an integer/);
  });
});
