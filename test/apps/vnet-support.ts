/**
 * Shared fixtures for the vnet tests: the example configs from flows/, small configs
 * built in code, and switch port lists as a switch would describe them.
 */
import { readFileSync } from 'node:fs';
import { configFromJson, type VnetConfig } from '../../apps/vnet/config.js';
import { type FlowSpec, sortMatch } from '../../apps/vnet/flow-set.js';
import type { SwitchPort } from '../../apps/vnet/plan.js';
import { type Action, type Instruction, OFPP, type OxmEntry } from '../../src/codec/index.js';

/** The vnet section of an example controller config in flows/. */
export function exampleSection(file: 'vnet-gre.json' | 'vnet-vlan.json'): unknown {
  const text = readFileSync(new URL(`../../flows/${file}`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { appConfig: { vnet: unknown } }).appConfig.vnet;
}

export function exampleConfig(file: 'vnet-gre.json' | 'vnet-vlan.json'): VnetConfig {
  return configFromJson(exampleSection(file), `flows/${file}: appConfig.vnet`);
}

/** A deep copy of a JSON value, to mutate in a test. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export const OFPP_LOCAL = 0xfffffffe;

/** A switch's ports: name -> number, plus the LOCAL port named after the bridge. */
export function switchPorts(bridge: string, ports: Record<string, number>): SwitchPort[] {
  return [
    ...Object.entries(ports).map(([name, number]) => ({ name, number })),
    { name: bridge, number: OFPP_LOCAL },
  ];
}

/** The GRE example's host1 bridge: vm1=1, vm3=3, gre0=10. */
export const GRE_HOST1_PORTS = switchPorts('br-gre', { vm1: 1, vm3: 3, gre0: 10 });
/** The VLAN example's host1 bridge: vm1=1, vm3=3, eth1=5. */
export const VLAN_HOST1_PORTS = switchPorts('br-eth1', { vm1: 1, vm3: 3, eth1: 5 });

const hex = (v: number | bigint, w = 0) => `0x${v.toString(16).padStart(w, '0')}`;

function fmtEntry(e: OxmEntry): string {
  if (e.field === 'raw') return `raw${e.oxmField}`;
  const v =
    e.field === 'vlan_vid'
      ? hex(e.value, 4)
      : e.field.startsWith('eth')
        ? hex(e.value)
        : String(e.value);
  return `${e.field}=${v}${e.mask === undefined ? '' : `/${hex(e.mask)}`}`;
}

function fmtAction(a: Action): string {
  switch (a.type) {
    case 'output':
      return a.port === OFPP.CONTROLLER ? `CONTROLLER:${a.maxLen}` : `output:${a.port}`;
    case 'push_vlan':
      return `push_vlan:${hex(a.ethertype)}`;
    case 'set_field':
      return `set_field:${fmtEntry(a.field)}`;
    default:
      return a.type;
  }
}

function fmtInstruction(i: Instruction): string {
  switch (i.type) {
    case 'goto_table':
      return `goto:${i.tableId}`;
    case 'apply_actions':
      return i.actions.map(fmtAction).join(',');
    default:
      return i.type;
  }
}

/**
 * A flow as one line, for readable expectations:
 * `t0 p100 in_port=1,vlan_vid=0x0000 -> push_vlan:0x8100,...,goto:1 [cookie]`.
 */
export function fmtFlow(f: FlowSpec): string {
  const match = sortMatch(f.match).map(fmtEntry).join(',') || '*';
  const actions = f.instructions.map(fmtInstruction).filter(Boolean).join(',') || 'drop';
  const extra = f.idleTimeout || f.flags ? ` idle=${f.idleTimeout} flags=${f.flags}` : '';
  return `t${f.tableId} p${f.priority} ${match} -> ${actions} [${hex(f.cookie)}]${extra}`;
}
