/**
 * Logging: dpid formatting, JSON lines with dpid on every child line, the pretty line
 * format, and the rate limiter that keeps a misbehaving peer from flooding the log.
 */
import { describe, expect, test } from 'vitest';
import {
  createLogger,
  formatDpid,
  formatPrettyLine,
  RateLimiter,
} from '../../src/runtime/internal.js';

describe('logging', () => {
  test('dpids print as 16 hex digits, like Open vSwitch', () => {
    expect(formatDpid(1n)).toBe('0000000000000001');
    expect(formatDpid(0xabcdef0123456789n)).toBe('abcdef0123456789');
    expect(formatDpid(-1n)).toBe('ffffffffffffffff');
  });

  test('JSON lines; a datapath child logger puts dpid on every line', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      pretty: false,
      stream: { write: (l) => lines.push(l) },
    });
    const dp = log.child({ dpid: formatDpid(0x2an) });
    dp.info({ port: 3 }, 'port up');
    dp.debug('not at info level');
    log.warn('plain');
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ level: 30, dpid: '000000000000002a', port: 3, msg: 'port up' });
    expect(recs[1]).toMatchObject({ level: 40, msg: 'plain' });
    expect(recs[1]!.dpid).toBeUndefined();
  });

  test('pretty lines: time, level, dpid, app, message, then the other fields', () => {
    const rec = {
      level: 40,
      time: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
      pid: 1,
      dpid: '0000000000000001',
      app: 'l2-learning',
      msg: 'MAC moved',
      mac: '02:00:00:00:00:01',
      from: 1,
      to: 2,
    };
    expect(formatPrettyLine(JSON.stringify(rec))).toBe(
      '03:04:05.678 WARN  [0000000000000001] l2-learning: MAC moved mac=02:00:00:00:00:01 from=1 to=2',
    );
    const withErr = {
      level: 50,
      time: 0,
      msg: 'failed',
      err: { message: 'x', stack: 'Error: x\n    at f' },
    };
    expect(formatPrettyLine(JSON.stringify(withErr))).toBe(
      '00:00:00.000 ERROR failed\n    Error: x\n        at f',
    );
    expect(formatPrettyLine('not json\n')).toBe('not json');
  });

  test('the pretty logger writes formatted lines', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      pretty: true,
      stream: { write: (l) => lines.push(l) },
    });
    log.child({ dpid: '00000000000000ff' }).info('switch up');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[00000000000000ff\] switch up\n$/);
  });
});

describe('RateLimiter', () => {
  test('allows a burst per interval and reports how many were dropped', () => {
    let now = 0;
    const r = new RateLimiter(1000, 2, () => now);
    expect([r.take(), r.take(), r.take(), r.take()]).toEqual([0, 0, undefined, undefined]);
    now = 999;
    expect(r.take()).toBeUndefined();
    now = 1000;
    expect(r.take()).toBe(3);
    expect(r.take()).toBe(0);
    expect(r.take()).toBeUndefined();
  });
});
