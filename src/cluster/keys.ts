/**
 * Where the cluster keeps its state in etcd, all under one prefix:
 *
 *   ofctl-ts/members/NODE           a live controller (on its lease)
 *   ofctl-ts/attached/DPID/NODE     NODE has the switch DPID connected (on NODE's lease)
 *   ofctl-ts/masters/DPID           the master of DPID (on its lease); the key's create
 *                                   revision is the generation_id sent in ROLE_REQUEST
 *   ofctl-ts/intent/KEY             shared intent (networks, bindings), JSON, no lease
 *
 * DPIDs are 16 hex digits, as Open vSwitch prints them.
 */
export const PREFIX = 'ofctl-ts/';
export const MEMBERS = `${PREFIX}members/`;
export const ATTACHED = `${PREFIX}attached/`;
export const MASTERS = `${PREFIX}masters/`;
export const INTENT = `${PREFIX}intent/`;

export const memberKey = (node: string) => `${MEMBERS}${node}`;
export const attachedKey = (dpid: string, node: string) => `${ATTACHED}${dpid}/${node}`;
export const masterKey = (dpid: string) => `${MASTERS}${dpid}`;

/** What a key under the prefix is about, or undefined for anything else. */
export type ParsedKey =
  | { readonly kind: 'member'; readonly node: string }
  | { readonly kind: 'attached'; readonly dpid: string; readonly node: string }
  | { readonly kind: 'master'; readonly dpid: string };

export function parseKey(key: string): ParsedKey | undefined {
  if (key.startsWith(MEMBERS)) return { kind: 'member', node: key.slice(MEMBERS.length) };
  if (key.startsWith(MASTERS)) return { kind: 'master', dpid: key.slice(MASTERS.length) };
  if (key.startsWith(ATTACHED)) {
    const rest = key.slice(ATTACHED.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    return { kind: 'attached', dpid: rest.slice(0, slash), node: rest.slice(slash + 1) };
  }
  return undefined;
}
