import { describe, expect, test } from 'vitest';
import {
  bridgesOf,
  classify,
  decodeAtom,
  decodeMap,
  decodeRow,
  decodeSet,
  encodeMap,
  encodeNamedUuid,
  encodeSet,
  JsonFramer,
  Replica,
  systemIdOf,
} from '../../src/ovsdb/index.js';
import { inbound } from './recorded.js';

/** The recorded server messages, as the client sees them. */
function serverMessages() {
  const r = new JsonFramer().push(inbound('vsctl-session'));
  return r.values.map((v) => {
    const c = classify(v);
    if (!c.ok) throw new Error(c.error);
    return c.message;
  });
}

/** One line per port of every bridge: what vnet reads. */
function summary(replica: Replica): string[] {
  return bridgesOf(replica).flatMap((b) => [
    `bridge ${b.name} dpid=${b.datapathId?.toString(16) ?? '-'} fake=${b.fakeBridges.map((f) => `${f.name}:${f.tag}`).join(',')}`,
    ...b.ports.map((p) => {
      const i = p.interfaces[0];
      const ext = [...(i?.externalIds ?? [])].map(([k, v]) => `${k}=${v}`).join(',');
      const opts = [...(i?.options ?? [])].map(([k, v]) => `${k}=${v}`).join(',');
      return `  ${p.name} tag=${p.tag ?? '-'} trunks=${p.trunks.join(',')} fake=${p.fakeBridge} ${i?.type || 'system'} ofport=${i?.ofport ?? '-'} ${opts} ${ext}`.trimEnd();
    }),
  ]);
}

describe('replica kept by monitor, on the recorded ovs-vsctl session', () => {
  test('initial reply, then every update: fake bridge, retag, trunk, iface-id, tunnel, deletes', () => {
    const msgs = serverMessages();
    const replica = new Replica();
    const steps: string[][] = [];
    const first = msgs[0]!;
    expect(first).toMatchObject({ kind: 'response', id: 0 });
    expect(first.kind === 'response' && replica.reset(first.result)).toMatchObject({ ok: true });
    for (const m of msgs.slice(1)) {
      expect(m).toMatchObject({ kind: 'notification', method: 'update' });
      if (m.kind !== 'notification') continue;
      const r = replica.apply(m.params[1]);
      expect(r).toMatchObject({ ok: true, rowErrors: [] });
      steps.push(summary(replica));
    }
    const at = (line: string) => steps.findIndex((s) => s.includes(line));
    // The datapath ID arrives after the bridge, once ovs-vswitchd made the datapath.
    expect(at('bridge br-eth1 dpid=- fake=')).toBe(0);
    expect(at('bridge br-eth1 dpid=11 fake=')).toBe(1);
    // add-br vlan2 br-eth1 2: no Bridge row, a Port with fake_bridge and tag on br-eth1.
    const fake = at('bridge br-eth1 dpid=11 fake=vlan2:2');
    expect(fake).toBeGreaterThan(1);
    expect(steps[fake]).toContain('  vlan2 tag=2 trunks= fake=true internal ofport=2');
    expect(bridgesOf(replica).map((b) => b.name)).toEqual(['br-eth1']);
    // add-port vlan2 vm1: the port sits on br-eth1 with the fake bridge's tag (a bare 2).
    const vm1 = at('  vm1 tag=2 trunks= fake=false internal ofport=3');
    expect(vm1).toBeGreaterThan(fake);
    // set port vm1 tag=3, then trunks=2,3 and no tag (a wrapped set of two).
    const retag = at('  vm1 tag=3 trunks= fake=false internal ofport=3');
    const trunk = at('  vm1 tag=- trunks=2,3 fake=false internal ofport=3');
    expect(retag).toBeGreaterThan(vm1);
    expect(trunk).toBeGreaterThan(retag);
    const ids = at(
      '  vm1 tag=- trunks=2,3 fake=false internal ofport=3  attached-mac=02:00:00:00:01:01,iface-id=tenant-a-vm1,iface-status=active',
    );
    expect(ids).toBeGreaterThan(trunk);
    const gre = steps.findIndex((s) =>
      s.some(
        (l) =>
          l.startsWith('  gre0 tag=- trunks= fake=false gre') &&
          l.includes('key=flow,remote_ip=192.168.100.2'),
      ),
    );
    expect(gre).toBeGreaterThan(ids);
    // del-port vm1, del-br vlan2: both gone, nothing left dangling.
    expect(summary(replica)).toEqual([
      'bridge br-eth1 dpid=11 fake=',
      '  br-eth1 tag=- trunks= fake=false internal ofport=65534',
      '  eth1 tag=- trunks= fake=false internal ofport=1',
      expect.stringMatching(
        /^ {2}gre0 tag=- trunks= fake=false gre ofport=\d+ key=flow,remote_ip=192.168.100.2$/,
      ),
    ]);
    expect(replica.size('Port')).toBe(3);
    expect(replica.size('Interface')).toBe(3);
    expect(systemIdOf(replica)).toBeUndefined();
  });

  test('a table-update of the wrong shape is refused whole, the replica untouched', () => {
    const replica = new Replica();
    const before = replica.apply({
      Port: { 'f2f99f50-8286-4e81-8aca-11899c4821de': { new: portColumns({ tag: 2 }) } },
    });
    expect(before).toMatchObject({ ok: true, rowErrors: [] });
    expect(replica.apply({ Port: [] })).toEqual({
      ok: false,
      error: 'table-updates: "Port" must be an object of rows',
    });
    expect(replica.apply({ Port: { x: { new: 3 } } })).toEqual({
      ok: false,
      error: 'table-updates: Port x: "new" must be an object of columns',
    });
    expect(replica.size('Port')).toBe(1);
  });

  test('a row whose column has the wrong type is left out and reported', () => {
    const replica = new Replica();
    const r = replica.apply({
      Port: { 'f2f99f50-8286-4e81-8aca-11899c4821de': { new: portColumns({ tag: 'two' }) } },
    });
    expect(r).toMatchObject({
      ok: true,
      rowErrors: [
        'Port f2f99f50-8286-4e81-8aca-11899c4821de: column "tag": expected an integer, got "two"',
      ],
    });
    expect(replica.size('Port')).toBe(0);
  });
});

function portColumns(over: Record<string, unknown>) {
  return {
    name: 'vm1',
    interfaces: ['set', []],
    tag: ['set', []],
    trunks: ['set', []],
    fake_bridge: false,
    external_ids: ['map', []],
    ...over,
  };
}

describe('datum notation, both forms', () => {
  const U = 'aaa507bc-936b-4e5c-8de8-559f40e008a0';
  test('sets: wrapped, bare single value, empty; a bare uuid is one element', () => {
    expect(decodeSet(['set', [2, 3]])).toEqual([2, 3]);
    expect(decodeSet(2)).toEqual([2]);
    expect(decodeSet(['set', []])).toEqual([]);
    expect(decodeSet(['uuid', U])).toEqual([{ uuid: U }]);
    expect(decodeSet(['set', [['uuid', U]]])).toEqual([{ uuid: U }]);
  });

  test('maps and atoms; named-uuid; malformed values are errors, not crashes', () => {
    expect([...decodeMap(['map', [['key', 'flow']]])]).toEqual([['key', 'flow']]);
    expect(decodeAtom(['named-uuid', 'row1'])).toEqual({ uuid: 'row1', named: true });
    expect(() => decodeAtom(['uuid', 'not-a-uuid'])).toThrow(/expected an atom/);
    expect(() => decodeMap(['map', [['a']]])).toThrow(/\[key, value\] pair/);
    expect(() => decodeSet(['set', 'x'])).toThrow(/expected \["set"/);
    const row = decodeRow('Interface', U, {
      name: 'gre0',
      type: 'gre',
      options: ['set', []],
      ofport: 1,
      external_ids: ['map', []],
    });
    expect(row).toEqual({
      ok: false,
      error: `Interface ${U}: column "options": expected ["map", [[key, value], ...]], got ["set",[]]`,
    });
  });

  test('encoders build what transact sends', () => {
    expect(encodeSet([1, { uuid: U }, { uuid: 'p', named: true }])).toEqual([
      'set',
      [1, ['uuid', U], ['named-uuid', 'p']],
    ]);
    expect(encodeMap([['iface-id', 'x']])).toEqual(['map', [['iface-id', 'x']]]);
    expect(encodeNamedUuid('p')).toEqual(['named-uuid', 'p']);
  });
});
