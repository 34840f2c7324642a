/**
 * The l2-learning app against a recording datapath handle: the messages it sends for
 * switch-up, learning, flooding, unicast, hairpin, MAC moves and port changes, exactly
 * as they would go on the wire.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { L2_COOKIE, L2_COOKIE_MASK } from '../../apps/l2-learning/index.js';
import type { FlowMod, Message, PacketOut } from '../../src/codec/index.js';
import {
  type FakeDatapath,
  fakeDatapath,
  frame,
  l2Handlers,
  mac,
  packetIn,
  port,
  portStatus,
} from './l2-learning-harness.js';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const C = '02:00:00:00:00:0c';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const FLOOD = 0xfffffffb;
const CONTROLLER = 0xfffffffd;

type Handlers = ReturnType<typeof l2Handlers>;
let app: Handlers;
let sw: FakeDatapath;

function up(h: Handlers = l2Handlers(), f: FakeDatapath = fakeDatapath(1n)) {
  app = h;
  sw = f;
  app.switchUp!(sw.dp);
  sw.take();
}

/** Sends a packet-in and returns what the app sent in response. */
function pin(inPort: number, dst: string, src: string, marker = 0): Message[] {
  app.packetIn!(sw.dp, packetIn(inPort, frame(dst, src, marker)));
  return sw.take();
}

const flowMods = (ms: Message[]) => ms.filter((m): m is FlowMod => m.type === 'flow_mod');
const packetOuts = (ms: Message[]) => ms.filter((m): m is PacketOut => m.type === 'packet_out');
const outPorts = (po: PacketOut) =>
  po.actions.map((a) => (a.type === 'output' ? a.port : `${a.type}`));

describe('switch up', () => {
  test('deletes the app flows by cookie, then installs the table-miss flow', () => {
    const h = l2Handlers();
    const f = fakeDatapath(1n);
    h.switchUp!(f.dp);
    const [del, miss] = flowMods(f.sent);
    expect(f.sent).toHaveLength(2);
    expect(del).toMatchObject({
      command: 3,
      tableId: 0xff,
      cookie: L2_COOKIE,
      cookieMask: L2_COOKIE_MASK,
      outPort: 0xffffffff,
      outGroup: 0xffffffff,
      match: [],
    });
    expect(miss).toMatchObject({
      command: 0,
      tableId: 0,
      priority: 0,
      cookie: L2_COOKIE,
      idleTimeout: 0,
      hardTimeout: 0,
      match: [],
      instructions: [
        { type: 'apply_actions', actions: [{ type: 'output', port: CONTROLLER, maxLen: 0xffff }] },
      ],
    });
  });
});

describe('forwarding', () => {
  beforeEach(() => up());

  test('unknown and broadcast destinations flood, with the data and the ingress port', () => {
    const out = pin(1, BCAST, A, 7);
    expect(flowMods(out)).toEqual([]);
    const [po] = packetOuts(out);
    expect(po).toMatchObject({ bufferId: 0xffffffff, inPort: 1 });
    expect(outPorts(po!)).toEqual([FLOOD]);
    expect(po!.data[14]).toBe(7);

    const out2 = pin(2, C, B);
    expect(flowMods(out2)).toEqual([]);
    expect(outPorts(packetOuts(out2)[0]!)).toEqual([FLOOD]);
  });

  test('a learned destination gets a flow on in_port+eth_src+eth_dst and a packet-out', () => {
    pin(1, BCAST, A);
    const out = pin(2, A, B, 9);
    const [fm] = flowMods(out);
    expect(fm).toMatchObject({
      command: 0,
      tableId: 0,
      priority: 1,
      idleTimeout: 60,
      hardTimeout: 0,
      flags: 1,
      cookie: L2_COOKIE,
      bufferId: 0xffffffff,
    });
    expect(fm!.match).toEqual([
      { field: 'in_port', value: 2 },
      { field: 'eth_src', value: mac(B) },
      { field: 'eth_dst', value: mac(A) },
    ]);
    expect(fm!.instructions).toEqual([
      { type: 'apply_actions', actions: [{ type: 'output', port: 1, maxLen: 0 }] },
    ]);
    const [po] = packetOuts(out);
    expect(po).toMatchObject({ inPort: 2 });
    expect(outPorts(po!)).toEqual([1]);
    expect(po!.data[14]).toBe(9);
    expect(out.map((m) => m.type)).toEqual(['flow_mod', 'packet_out']);
  });

  test('multicast source MACs are never learned', () => {
    const mcast = '01:00:5e:00:00:01';
    pin(1, BCAST, mcast);
    const out = pin(2, mcast, B);
    expect(flowMods(out)).toEqual([]);
    expect(outPorts(packetOuts(out)[0]!)).toEqual([FLOOD]);
  });

  test('a destination learned on the ingress port (hairpin) is dropped: no flood, no flow', () => {
    pin(1, BCAST, A);
    expect(pin(1, A, C)).toEqual([]);
  });

  test('a frame shorter than an Ethernet header or without in_port is ignored', () => {
    app.packetIn!(sw.dp, packetIn(1, new Uint8Array(13)));
    app.packetIn!(sw.dp, { ...packetIn(1, frame(BCAST, A)), match: [] });
    expect(sw.take()).toEqual([]);
  });

  test("packet-ins from another app's flows are ignored; the no-flow cookie is accepted", () => {
    app.packetIn!(sw.dp, packetIn(1, frame(BCAST, A), 0x1234n));
    expect(sw.take()).toEqual([]);
    app.packetIn!(sw.dp, packetIn(1, frame(BCAST, A), 0xffff_ffff_ffff_ffffn));
    expect(packetOuts(sw.take())).toHaveLength(1);
  });

  test('switches keep separate MAC tables', () => {
    const other = fakeDatapath(2n);
    app.switchUp!(other.dp);
    other.take();
    pin(1, BCAST, A);
    app.packetIn!(other.dp, packetIn(3, frame(A, B)));
    const out = other.take();
    expect(flowMods(out)).toEqual([]);
    expect(outPorts(packetOuts(out)[0]!)).toEqual([FLOOD]);
  });

  test('after switchDown the datapath is forgotten', () => {
    pin(1, BCAST, A);
    app.switchDown!(sw.dp, 'test');
    expect(pin(2, A, B)).toEqual([]);
  });
});

describe('MAC moves and port changes', () => {
  beforeEach(() => up());

  test('a MAC seen on a new port: stale flows deleted (cookie-scoped) before new ones', () => {
    pin(1, BCAST, A);
    pin(2, A, B);
    const moved = pin(3, B, A);
    const [toA, fromA, newFlow] = flowMods(moved);
    expect(toA).toMatchObject({
      command: 3,
      tableId: 0xff,
      cookie: L2_COOKIE,
      cookieMask: L2_COOKIE_MASK,
      match: [{ field: 'eth_dst', value: mac(A) }],
    });
    expect(fromA).toMatchObject({
      command: 3,
      cookie: L2_COOKIE,
      cookieMask: L2_COOKIE_MASK,
      match: [
        { field: 'in_port', value: 1 },
        { field: 'eth_src', value: mac(A) },
      ],
    });
    expect(newFlow).toMatchObject({
      command: 0,
      match: expect.arrayContaining([{ field: 'in_port', value: 3 }]),
    });
    const toMoved = pin(2, A, B);
    expect(outPorts(packetOuts(toMoved)[0]!)).toEqual([3]);
  });

  test.each([
    ['link down', portStatus(2, port(1, 1))],
    ['port administratively down', portStatus(2, port(1, 0, 1))],
    ['port deleted', portStatus(1, port(1))],
  ])('%s: MACs on it are forgotten and flows to and from it deleted', (_, msg) => {
    pin(1, BCAST, A);
    pin(2, BCAST, B);
    app.portStatus!(sw.dp, msg);
    const dels = flowMods(sw.take());
    expect(dels).toHaveLength(2);
    expect(dels[0]).toMatchObject({ command: 3, outPort: 1, cookie: L2_COOKIE, match: [] });
    expect(dels[1]).toMatchObject({
      command: 3,
      outPort: 0xffffffff,
      cookie: L2_COOKIE,
      match: [{ field: 'in_port', value: 1 }],
    });
    expect(outPorts(packetOuts(pin(2, A, B))[0]!)).toEqual([FLOOD]);
    expect(outPorts(packetOuts(pin(1, B, C))[0]!)).toEqual([2]);
  });

  test('a port that comes up or is added changes nothing', () => {
    pin(1, BCAST, A);
    app.portStatus!(sw.dp, portStatus(2, port(1)));
    app.portStatus!(sw.dp, portStatus(0, port(9)));
    expect(sw.take()).toEqual([]);
    expect(outPorts(packetOuts(pin(2, A, B))[0]!)).toEqual([1]);
  });
});

describe('configuration', () => {
  test('timeouts and priority come from the config', () => {
    up(l2Handlers({ idleTimeout: 5, hardTimeout: 30, priority: 100 }));
    pin(1, BCAST, A);
    expect(flowMods(pin(2, A, B))[0]).toMatchObject({
      idleTimeout: 5,
      hardTimeout: 30,
      priority: 100,
    });
  });

  test('bad values are refused naming the key', () => {
    expect(() => l2Handlers({ idleTimeout: -1 })).toThrow(
      'test: appConfig.l2-learning.idleTimeout: expected an integer from 0 to 65535, got -1',
    );
    expect(() => l2Handlers({ priority: 0 })).toThrow(/priority: expected an integer from 1/);
    expect(() => l2Handlers({ idle: 5 })).toThrow(
      /idle: unknown key; expected one of: idleTimeout/,
    );
  });

  describe('ageing', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['performance'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    test('a MAC not seen for macAgeing seconds is forgotten (its destination floods)', () => {
      up(l2Handlers({ macAgeing: 2 }));
      pin(1, BCAST, A);
      vi.advanceTimersByTime(1500);
      expect(flowMods(pin(2, A, B))).toHaveLength(1);
      vi.advanceTimersByTime(2500);
      expect(outPorts(packetOuts(pin(2, A, B))[0]!)).toEqual([FLOOD]);
    });
  });

  test('the table is bounded: past maxMacs the oldest MAC is forgotten', () => {
    up(l2Handlers({ maxMacs: 2 }));
    pin(1, BCAST, A);
    pin(2, BCAST, B);
    pin(3, BCAST, C);
    expect(outPorts(packetOuts(pin(4, A, C))[0]!)).toEqual([FLOOD]);
    expect(outPorts(packetOuts(pin(4, B, C))[0]!)).toEqual([2]);
  });
});
