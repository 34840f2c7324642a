/**
 * Exchanges recorded from Debian's ovsdb-server 3.1 (test/fixtures/ovsdb/): a raw
 * socket client sent a monitor request like ours while `ovs-vsctl` built a VLAN setup
 * (add-br br-eth1, add-port eth1, fake bridge vlan2 tag 2, add-port vlan2 vm1, retag
 * vm1 to 3, make it a trunk of 2,3, set its iface-id, add gre0 with key=flow, del-port
 * vm1, del-br vlan2), and a second one sent list_dbs, echo, transact (select, mutate),
 * and an unknown method. `data` is each chunk exactly as read from the socket.
 */
import { readFileSync } from 'node:fs';

export interface Chunk {
  readonly dir: 'in' | 'out';
  readonly data: string;
}

export function recorded(name: 'vsctl-session' | 'requests-session'): Chunk[] {
  const url = new URL(`../fixtures/ovsdb/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Chunk[];
}

/** Every byte the server sent, in order. */
export function inbound(name: 'vsctl-session' | 'requests-session'): Buffer {
  return Buffer.from(
    recorded(name)
      .filter((c) => c.dir === 'in')
      .map((c) => c.data)
      .join(''),
  );
}
