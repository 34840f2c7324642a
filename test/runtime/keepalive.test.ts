/**
 * Keepalive on a fake clock: an echo after the idle interval, death after the timeout
 * without any message, life as long as anything arrives, and no verdict while reading
 * is paused by back-pressure.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Keepalive } from '../../src/runtime/keepalive.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(paused = () => false) {
  const log: string[] = [];
  const k = new Keepalive(
    { intervalMs: 1000, timeoutMs: 3000 },
    () => log.push(`echo@${Date.now()}`),
    (reason) => log.push(`dead@${Date.now()} ${reason}`),
    paused,
    () => Date.now(),
  );
  k.start();
  return { k, log };
}

test('echo after the idle interval; dead when nothing comes within the timeout', () => {
  const { log } = setup();
  vi.advanceTimersByTime(999);
  expect(log).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(log).toEqual(['echo@1000']);
  vi.advanceTimersByTime(2999);
  expect(log).toEqual(['echo@1000']);
  vi.advanceTimersByTime(1);
  expect(log).toEqual(['echo@1000', 'dead@4000 no message for 4000 ms (echo unanswered)']);
  vi.advanceTimersByTime(10_000);
  expect(log).toHaveLength(2);
  expect(vi.getTimerCount()).toBe(0);
});

test('a peer that answers each echo stays alive; echoes come once per interval', () => {
  let answering = true;
  const log: string[] = [];
  const k: Keepalive = new Keepalive(
    { intervalMs: 1000, timeoutMs: 3000 },
    () => {
      log.push(`echo@${Date.now()}`);
      if (answering) setTimeout(() => k.alive(), 100);
    },
    (reason) => log.push(`dead@${Date.now()} ${reason}`),
    () => false,
    () => Date.now(),
  );
  k.start();
  vi.advanceTimersByTime(20_000);
  expect(log.filter((l) => l.startsWith('dead'))).toEqual([]);
  // An echo 1000 ms after each answer: at 1000, 2100, 3200, ...
  expect(log.slice(0, 3)).toEqual(['echo@1000', 'echo@2100', 'echo@3200']);
  expect(log).toHaveLength(18);
  answering = false;
  vi.advanceTimersByTime(10_000);
  // Last answer at 19800, the next echo at 20800 goes unanswered: dead 3000 ms later.
  expect(log.at(-1)).toMatch(/^dead@23800 no message for 4000 ms/);
});

test('traffic within the interval means no echo at all', () => {
  const { k, log } = setup();
  for (let i = 0; i < 20; i++) {
    vi.advanceTimersByTime(500);
    k.alive();
  }
  expect(log).toEqual([]);
});

test('while reading is paused the keepalive gives no verdict', () => {
  let paused = true;
  const { log } = setup(() => paused);
  vi.advanceTimersByTime(20_000);
  expect(log).toEqual([]);
  paused = false;
  vi.advanceTimersByTime(5_000);
  expect(log.some((l) => l.startsWith('dead'))).toBe(true);
});

test('stop() clears the timer', () => {
  const { k, log } = setup();
  k.stop();
  expect(vi.getTimerCount()).toBe(0);
  vi.advanceTimersByTime(10_000);
  expect(log).toEqual([]);
});
