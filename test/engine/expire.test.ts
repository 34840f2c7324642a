/**
 * Timeouts on a Date.now()-sized clock (the model counts from its first reading), an
 * explicit expiry time, and `keepNotified`: a model that does not see the traffic leaves
 * entries with SEND_FLOW_REM to the switch's FLOW_REMOVED and expires the others.
 */
import { describe, expect, test } from 'vitest';
import { FlowModFlags, matchGet } from '../../src/codec/index.js';
import { type FlowEntry, FlowRemovedReason } from '../../src/engine/flow-entry.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { apply, fakeClock, flowMod, out } from './helpers.js';

const NOW = 1_700_000_000_123;
const port = (n: number) => [{ field: 'in_port' as const, value: n }];

function model() {
  const clock = fakeClock(NOW);
  const m = new SwitchModel({ nTables: 2, ports: [1, 2, 3], clock: clock.now });
  const add = (inPort: number, p: { idle?: number; hard?: number; notify?: boolean }) =>
    m.applyFlowMod(
      flowMod({
        match: port(inPort),
        idleTimeout: p.idle ?? 0,
        hardTimeout: p.hard ?? 0,
        flags: p.notify ? FlowModFlags.SEND_FLOW_REM : 0,
        instructions: [apply(out(2))],
      }),
    );
  return { m, clock, add };
}

/** The in_port a test entry matches. */
const inPortOf = (e: FlowEntry) => matchGet(e.match, 'in_port')?.value;
const inPorts = (events: ReturnType<SwitchModel['expire']>) =>
  events.map((e) => [inPortOf(e.entry), e.reason]);

describe('expire', () => {
  test('hard and idle timeouts on a wall-clock-sized clock, durations from the ADD', () => {
    const { m, clock, add } = model();
    expect(m.now()).toBe(NOW);
    add(1, { hard: 5, notify: true });
    clock.advance(2500);
    add(2, { idle: 10 });
    expect(m.expire()).toEqual([]);
    clock.advance(2500);
    const hard = m.expire();
    expect(inPorts(hard)).toEqual([[1, FlowRemovedReason.HARD_TIMEOUT]]);
    expect(hard[0]!.message).toMatchObject({ durationSec: 5, durationNsec: 0, reason: 1 });
    const stats = m.flowStats();
    expect(stats.ok && stats.value).toMatchObject([{ durationSec: 2, durationNsec: 500_000_000 }]);
    clock.advance(7499);
    expect(m.expire()).toEqual([]);
    clock.advance(1);
    expect(inPorts(m.expire())).toEqual([[2, FlowRemovedReason.IDLE_TIMEOUT]]);
  });

  test('an explicit time is a reading of the same clock', () => {
    const { m, add } = model();
    add(1, { idle: 3 });
    expect(m.expire(NOW + 2999)).toEqual([]);
    expect(inPorts(m.expire(NOW + 3000))).toEqual([[1, FlowRemovedReason.IDLE_TIMEOUT]]);
  });

  test('keepNotified leaves entries that asked for FLOW_REMOVED', () => {
    const { m, clock, add } = model();
    add(1, { idle: 1, notify: true });
    add(2, { idle: 1 });
    add(3, { hard: 1, notify: true });
    add(4, {});
    clock.advance(1000);
    expect(inPorts(m.expire(undefined, { keepNotified: true }))).toEqual([
      [2, FlowRemovedReason.IDLE_TIMEOUT],
    ]);
    expect(m.allEntries().map(inPortOf).sort()).toEqual([1, 3, 4]);
    expect(inPorts(m.expire()).sort()).toEqual([
      [1, FlowRemovedReason.IDLE_TIMEOUT],
      [3, FlowRemovedReason.HARD_TIMEOUT],
    ]);
    expect(m.allEntries().map(inPortOf)).toEqual([4]);
  });
});
