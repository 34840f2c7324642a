/**
 * The l2-learning app's flows run in the engine's SwitchModel: where frames go, whether
 * the controller sees them, after learning, hairpins, MAC moves and port changes; and a
 * property test over random traffic and moves against what a learning switch must do.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { frame, l2Handlers, SimulatedSwitch } from './l2-learning-harness.js';

const BCAST = 'ff:ff:ff:ff:ff:ff';
const hostMac = (i: number) => `02:00:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`;
const others = (n: number, except: number) =>
  Array.from({ length: n }, (_, i) => i + 1).filter((p) => p !== except);

describe('l2-learning in the switch model', () => {
  test('learn, then forward by flows without the controller', () => {
    const s = new SimulatedSwitch(l2Handlers(), 4);
    const [a, b] = [hostMac(0), hostMac(1)];
    expect(s.deliver(frame(BCAST, a), 1)).toEqual({ ports: [2, 3, 4], viaController: true });
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1], viaController: true });
    expect(s.deliver(frame(b, a), 1)).toEqual({ ports: [2], viaController: true });
    const before = s.packetIns;
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1], viaController: false });
    expect(s.deliver(frame(b, a), 1)).toEqual({ ports: [2], viaController: false });
    expect(s.packetIns).toBe(before);
  });

  test('an unknown destination floods, never back out of the ingress port', () => {
    const s = new SimulatedSwitch(l2Handlers(), 5);
    expect(s.deliver(frame(hostMac(9), hostMac(0)), 3).ports).toEqual([1, 2, 4, 5]);
  });

  test('a hairpin destination is dropped, and no flow sends it back', () => {
    const s = new SimulatedSwitch(l2Handlers(), 3);
    s.deliver(frame(BCAST, hostMac(0)), 1);
    expect(s.deliver(frame(hostMac(0), hostMac(1)), 1)).toEqual({ ports: [], viaController: true });
    expect(s.deliver(frame(hostMac(0), hostMac(1)), 1).ports).toEqual([]);
  });

  test('a MAC that moves is found on its new port, and the old flows are gone', () => {
    const s = new SimulatedSwitch(l2Handlers(), 4);
    const [a, b] = [hostMac(0), hostMac(1)];
    s.deliver(frame(BCAST, a), 1);
    s.deliver(frame(a, b), 2);
    s.deliver(frame(b, a), 1);
    expect(s.deliver(frame(a, b), 2).viaController).toBe(false);
    // a moves from port 1 to port 3 and speaks.
    expect(s.deliver(frame(b, a), 3)).toEqual({ ports: [2], viaController: true });
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [3], viaController: true });
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [3], viaController: false });
  });

  test('a port whose link goes down loses its MACs and flows; traffic floods until relearned', () => {
    const s = new SimulatedSwitch(l2Handlers(), 3);
    const [a, b] = [hostMac(0), hostMac(1)];
    s.deliver(frame(BCAST, a), 1);
    s.deliver(frame(a, b), 2);
    s.deliver(frame(b, a), 1);
    s.setLink(1, false);
    // No flow to port 1 any more: the controller floods (FLOOD still names a port whose
    // link is down, as the spec has it; the copy is lost on the wire).
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1, 3], viaController: true });
    s.setLink(1, true);
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1, 3], viaController: true });
    s.deliver(frame(b, a), 1);
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1], viaController: true });
    expect(s.deliver(frame(a, b), 2)).toEqual({ ports: [1], viaController: false });
  });

  test('random traffic and moves: delivered where the host is, never reflected', () => {
    const HOSTS = 3;
    const PORTS = 5;
    const op = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('send' as const),
          from: fc.nat(HOSTS - 1),
          to: fc.option(fc.nat(HOSTS - 1), { nil: undefined, freq: 4 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('move' as const),
          host: fc.nat(HOSTS - 1),
          to: fc.nat(PORTS - 1),
        }),
      },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: 'max' }), (ops) => {
        const s = new SimulatedSwitch(l2Handlers(), PORTS);
        const at = Array.from({ length: HOSTS }, (_, i) => i + 1);
        /** Spoke since it last moved: the switch can know where it is. */
        const known = Array.from({ length: HOSTS }, () => false);
        /** Moved and has not spoken since: the switch may still believe the old port. */
        const stale = Array.from({ length: HOSTS }, () => false);
        const flowFor = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'move') {
            const port = o.to + 1;
            if (at.includes(port)) continue;
            at[o.host] = port;
            known[o.host] = false;
            stale[o.host] = true;
            for (const k of [...flowFor])
              if (k.split('>').includes(String(o.host))) flowFor.delete(k);
            continue;
          }
          const { from } = o;
          const inPort = at[from]!;
          if (o.to === undefined || o.to === from) {
            const r = s.deliver(frame(BCAST, hostMac(from)), inPort);
            expect(r.ports).toEqual(others(PORTS, inPort));
          } else {
            const to = o.to;
            const pair = `${from}>${to}`;
            const r = s.deliver(frame(hostMac(to), hostMac(from)), inPort);
            expect(r.ports).not.toContain(inPort);
            if (known[to]) {
              expect(r.ports).toEqual([at[to]]);
              if (flowFor.has(pair)) expect(r.viaController).toBe(false);
              flowFor.add(pair);
            } else if (!stale[to]) {
              expect(r.ports).toEqual(others(PORTS, inPort));
            }
          }
          known[from] = true;
          stale[from] = false;
        }
      }),
      { numRuns: 100 },
    );
  });
});
