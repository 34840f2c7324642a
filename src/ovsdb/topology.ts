/**
 * The replica joined into what a controller asks about: bridges with their datapath ID,
 * their ports and each port's interfaces. A fake bridge (`ovs-vsctl add-br vlan2
 * br-eth1 2`) has no Bridge row: it is a Port with fake_bridge=true and a tag on its
 * parent, so it, and every port tagged like it, shows up among the parent's ports, and
 * the parent lists it in `fakeBridges`. Pure functions of the replica, computed on
 * demand.
 */
import type { Replica } from './replica.js';
import type { InterfaceRow, PortRow } from './rows.js';

export interface PortView {
  readonly name: string;
  readonly tag: number | undefined;
  readonly trunks: readonly number[];
  readonly fakeBridge: boolean;
  readonly externalIds: ReadonlyMap<string, string>;
  readonly interfaces: readonly InterfaceRow[];
}

export interface FakeBridge {
  readonly name: string;
  readonly tag: number;
}

export interface BridgeView {
  readonly uuid: string;
  readonly name: string;
  /** undefined until ovs-vswitchd has created the datapath. */
  readonly datapathId: bigint | undefined;
  readonly ports: readonly PortView[];
  readonly fakeBridges: readonly FakeBridge[];
}

/** `0000000000000011` to 0x11n; undefined when absent or not 16 hex digits. */
export function parseDatapathId(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^[0-9a-fA-F]{16}$/.test(text)) return undefined;
  return BigInt(`0x${text}`);
}

function portView(replica: Replica, p: PortRow): PortView {
  const interfaces: InterfaceRow[] = [];
  for (const u of p.interfaces) {
    const i = replica.get('Interface', u);
    if (i) interfaces.push(i);
  }
  interfaces.sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: p.name,
    tag: p.tag,
    trunks: p.trunks,
    fakeBridge: p.fakeBridge,
    externalIds: p.externalIds,
    interfaces,
  };
}

/** Every bridge of the database, by name, with ports by name. */
export function bridgesOf(replica: Replica): BridgeView[] {
  const out: BridgeView[] = [];
  for (const b of replica.all('Bridge')) {
    const ports: PortView[] = [];
    for (const u of b.ports) {
      const p = replica.get('Port', u);
      if (p) ports.push(portView(replica, p));
    }
    ports.sort((a, c) => a.name.localeCompare(c.name));
    const fakeBridges = ports
      .filter((p) => p.fakeBridge && p.tag !== undefined)
      .map((p) => ({ name: p.name, tag: p.tag! }));
    out.push({
      uuid: b.uuid,
      name: b.name,
      datapathId: parseDatapathId(b.datapathId),
      ports,
      fakeBridges,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The bridge whose datapath is `dpid`, if the database knows it. */
export function bridgeByDatapathId(replica: Replica, dpid: bigint): BridgeView | undefined {
  for (const b of replica.all('Bridge')) {
    if (parseDatapathId(b.datapathId) === dpid) {
      return bridgesOf(replica).find((v) => v.uuid === b.uuid);
    }
  }
  return undefined;
}

/** The host the database describes: external_ids:system-id, else hostname, else undefined. */
export function systemIdOf(replica: Replica): string | undefined {
  for (const o of replica.all('Open_vSwitch')) {
    return o.externalIds.get('system-id') ?? o.externalIds.get('hostname');
  }
  return undefined;
}
