/**
 * The etcd-backed intent store against a real etcd member (and the file-backed store's
 * contract: get, sorted list by prefix, put, delete, ordered watch including its own
 * writes), plus the rendezvous spread the mastership relies on.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type EtcdCluster, startEtcd } from '../../bench/cluster/etcd-server.js';
import { freePort } from '../../bench/flow-setup/processes.js';
import { connectEtcd } from '../../src/cluster/etcd-client.js';
import { EtcdIntentStore } from '../../src/cluster/intent-store.js';
import { preferred, ranking } from '../../src/cluster/rendezvous.js';
import type { IntentChange } from '../../src/runtime/intent-store.js';
import { createLogger } from '../../src/runtime/internal.js';

describe('EtcdIntentStore on a real etcd', { timeout: 60_000 }, () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    etcd = await startEtcd({ members: 1, basePort: await freePort() });
  }, 60_000);
  afterAll(() => etcd?.stop());

  test('two stores over one etcd see each other: get, list, put, delete, watch', async () => {
    const log = createLogger({ level: 'silent', pretty: false });
    const a = connectEtcd(etcd.endpoints);
    const b = connectEtcd(etcd.endpoints);
    const sa = new EtcdIntentStore(a, log);
    const sb = new EtcdIntentStore(b, log);
    try {
      const seen: IntentChange[] = [];
      let probed = false;
      const stop = sb.watch('vnet/', (c) => {
        if (c.key === 'vnet/probe') probed = true;
        else seen.push(c);
      });
      await vi.waitFor(async () => {
        await sa.put('vnet/probe', 1);
        expect(probed).toBe(true);
      });
      await sa.put('vnet/networks/blue', { vlan: 10 });
      await sa.put('vnet/networks/amber', { vlan: 20 });
      await sa.put('other/x', true);
      expect(await sb.get('vnet/networks/blue')).toEqual({ vlan: 10 });
      expect(await sb.get('vnet/networks/none')).toBeUndefined();
      expect((await sb.list('vnet/networks/')).map((e) => e.key)).toEqual([
        'vnet/networks/amber',
        'vnet/networks/blue',
      ]);
      expect(await sb.delete('vnet/networks/blue')).toBe(true);
      expect(await sb.delete('vnet/networks/blue')).toBe(false);
      await vi.waitFor(() => expect(seen).toHaveLength(3));
      expect(seen).toEqual([
        { op: 'put', key: 'vnet/networks/blue', value: { vlan: 10 } },
        { op: 'put', key: 'vnet/networks/amber', value: { vlan: 20 } },
        { op: 'delete', key: 'vnet/networks/blue' },
      ]);
      stop();
      await expect(sa.put('bad key', 1)).rejects.toThrow(/intent key/);
    } finally {
      await sa.close();
      await sb.close();
      a.close();
      b.close();
    }
  });
});

describe('rendezvous preference', () => {
  test('1000 switches over three members: each within 10% of an even share', () => {
    const members = ['c1', 'c2', 'c3'];
    const counts = new Map<string, number>();
    for (let d = 1; d <= 1000; d++) {
      const m = preferred(members, d.toString(16).padStart(16, '0'))!;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    for (const m of members) expect(Math.abs(counts.get(m)! - 1000 / 3)).toBeLessThan(33.4);
  });

  test('a member joining takes only switches it now ranks first for; the rest stay', () => {
    const before = ['c1', 'c2', 'c3'];
    const after = [...before, 'c4'];
    let moved = 0;
    for (let d = 1; d <= 1000; d++) {
      const dpid = d.toString(16).padStart(16, '0');
      const was = ranking(before, dpid)[0];
      const now = ranking(after, dpid)[0];
      if (was !== now) {
        moved++;
        expect(now).toBe('c4');
      }
    }
    expect(moved).toBeGreaterThan(150);
    expect(moved).toBeLessThan(350);
  });
});
