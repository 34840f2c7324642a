/**
 * The engine's faces of every action kind, one entry per kind (the codec's wire faces
 * are ACTION_CODECS in src/codec/actions.ts, the text faces in src/text/actions-format.ts
 * and ofpact-actions.ts; docs/actions.md): where it runs in an action set (section
 * 5.10), the validity check a switch applies to it (sections 6.4, 7.4.4, with Open
 * vSwitch's ofpacts_check() tracking of what the match guarantees), what it does to a
 * packet (5.12), and its text in a trace. The table's type is a mapped type over ActionKind: a kind without an
 * entry, or an entry without a face, does not compile.
 */
import {
  type ActionKind,
  type ActionOf,
  OFPCML_NO_BUFFER,
  OFPERR,
  OFPG_MAX,
  OFPP,
  type OfpError,
  ofpError,
} from '../codec/index.js';
import {
  type ActionCheckOptions,
  type CheckContext,
  checkOutPort,
  checkSetField,
  inconsistent,
  isIp,
  isMpls,
  setEthType,
} from './action-facts.js';
import { type ExecState, type OutputEnv, output, PacketInReason, toController } from './output.js';
import type { Packet } from './packet.js';
import { setField } from './packet-set-field.js';
import {
  copyTtlIn,
  copyTtlOut,
  decMplsTtl,
  decNwTtl,
  popMpls,
  popPbb,
  popVlan,
  pushMpls,
  pushPbb,
  pushVlan,
  setMplsTtl,
  setNwTtl,
} from './packet-tags.js';
import { formatEntry, formatValue, hex, NAMES, portName } from './trace-values.js';

/** What an action's execution reaches: the switch, the results, and the group table. */
export interface ActionExec {
  readonly env: OutputEnv;
  readonly st: ExecState;
  /** Runs group `groupId` on `p` (chained groups one level deeper). */
  group(p: Packet, groupId: number): void;
}

export interface ActionOps<K extends ActionKind> {
  /** Place in an action set's execution order (section 5.10); set_field ties keep write order. */
  readonly setRank: number;
  /** The check reads or changes the match's facts (false: it can run without them). */
  readonly needsFacts: boolean;
  /** What a switch answers for this action in a FLOW_MOD, GROUP_MOD or PACKET_OUT. */
  check(a: ActionOf<K>, ctx: CheckContext, opts: ActionCheckOptions): OfpError | undefined;
  /** Runs the action on `p`; false when the packet must stop (an expired TTL). */
  execute(a: ActionOf<K>, p: Packet, x: ActionExec): boolean;
  /** The action in a trace, in ovs-ofctl's words, e.g. `set_field:10.0.0.1->nw_dst`. */
  trace(a: ActionOf<K>): string;
}

export type ActionOpsTable = { readonly [K in ActionKind]: ActionOps<K> };

const ok = (): undefined => undefined;

/** An action that needs an MPLS match (set_mpls_ttl, dec_mpls_ttl, copy_ttl_*). */
function needsMpls(a: { readonly type: string }, _c: CheckContext, o: ActionCheckOptions) {
  return o.facts && !isMpls(o.facts) ? inconsistent(`${a.type} on a non-MPLS match`) : undefined;
}

/** An action that needs an IP match (set_nw_ttl, dec_nw_ttl). */
function needsIp(a: { readonly type: string }, _c: CheckContext, o: ActionCheckOptions) {
  return o.facts && !isIp(o.facts) ? inconsistent(`${a.type} on a non-IP match`) : undefined;
}

function badEthertype(what: string, ethertype: number, want: string): OfpError {
  return ofpError(
    OFPERR.OFPBAC_BAD_ARGUMENT,
    `${what} ethertype 0x${ethertype.toString(16)} is not ${want}`,
  );
}

/** dec_nw_ttl and dec_mpls_ttl: an expired TTL stops the packet (section 5.12). */
function expired(type: string, p: Packet, x: ActionExec): boolean {
  x.st.notes.push(`${type}: TTL expired, packet stops`);
  if (x.env.invalidTtlToController) {
    toController(p, OFPCML_NO_BUFFER, PacketInReason.INVALID_TTL, x.st);
  }
  return false;
}

/** Every action kind's engine faces, by kind. */
export const ACTION_OPS: ActionOpsTable = {
  output: {
    setRank: 15,
    needsFacts: false,
    check: (a, _c, o) => checkOutPort(a.port, o.packetOut === true),
    execute: (a, p, x) => {
      output(p, a.port, a.maxLen, x.env, x.st);
      return true;
    },
    trace: (a) => {
      if (a.port === OFPP.CONTROLLER) {
        return `CONTROLLER:${a.maxLen === OFPCML_NO_BUFFER ? 65535 : a.maxLen}`;
      }
      return a.port > OFPP.MAX ? portName(a.port) : `output:${a.port}`;
    },
  },
  copy_ttl_out: {
    setRank: 7,
    needsFacts: true,
    check: needsMpls,
    execute: (_a, p) => {
      copyTtlOut(p);
      return true;
    },
    trace: (a) => a.type,
  },
  copy_ttl_in: {
    setRank: 0,
    needsFacts: true,
    check: needsMpls,
    execute: (_a, p) => {
      copyTtlIn(p);
      return true;
    },
    trace: (a) => a.type,
  },
  set_mpls_ttl: {
    setRank: 10,
    needsFacts: true,
    check: needsMpls,
    execute: (a, p) => {
      setMplsTtl(p, a.ttl);
      return true;
    },
    trace: (a) => `set_mpls_ttl(${a.ttl})`,
  },
  dec_mpls_ttl: {
    setRank: 8,
    needsFacts: true,
    check: needsMpls,
    execute: (a, p, x) => decMplsTtl(p) || expired(a.type, p, x),
    trace: (a) => a.type,
  },
  push_vlan: {
    setRank: 6,
    needsFacts: true,
    check: (a, _c, o) => {
      if (a.ethertype !== 0x8100 && a.ethertype !== 0x88a8) {
        return badEthertype('push_vlan', a.ethertype, '0x8100/0x88a8');
      }
      if (!o.facts) return undefined;
      // Open vSwitch keeps two tags (check_PUSH_VLAN): a third push is BAD_TAG.
      if (o.facts.vlans[1]) {
        return ofpError(OFPERR.OFPBAC_BAD_TAG, 'push_vlan onto two VLAN tags (at most two)');
      }
      o.facts.vlans = [true, o.facts.vlans[0]];
      return undefined;
    },
    execute: (a, p) => {
      pushVlan(p, a.ethertype);
      return true;
    },
    trace: (a) => `push_vlan:${hex(a.ethertype, 4)}`,
  },
  pop_vlan: {
    setRank: 1,
    needsFacts: true,
    check: (_a, _c, o) => {
      if (!o.facts) return undefined;
      if (!o.facts.vlans[0]) return inconsistent('pop_vlan without a VLAN tag');
      o.facts.vlans = [o.facts.vlans[1], false];
      return undefined;
    },
    execute: (_a, p) => {
      popVlan(p);
      return true;
    },
    trace: (a) => a.type,
  },
  push_mpls: {
    setRank: 4,
    needsFacts: true,
    check: (a, _c, o) => {
      if (a.ethertype !== 0x8847 && a.ethertype !== 0x8848) {
        return badEthertype('push_mpls', a.ethertype, 'MPLS');
      }
      if (o.facts) setEthType(o.facts, a.ethertype);
      return undefined;
    },
    execute: (a, p) => {
      pushMpls(p, a.ethertype);
      return true;
    },
    trace: (a) => `push_mpls:${hex(a.ethertype, 4)}`,
  },
  pop_mpls: {
    setRank: 2,
    needsFacts: true,
    check: (a, _c, o) => {
      if (!o.facts) return undefined;
      if (!isMpls(o.facts)) return inconsistent('pop_mpls on a non-MPLS match');
      setEthType(o.facts, a.ethertype);
      return undefined;
    },
    execute: (a, p) => {
      popMpls(p, a.ethertype);
      return true;
    },
    trace: (a) => `pop_mpls:${hex(a.ethertype, 4)}`,
  },
  set_queue: {
    setRank: 13,
    needsFacts: false,
    check: ok,
    execute: (a, _p, x) => {
      x.st.queueId = a.queueId;
      return true;
    },
    trace: (a) => `set_queue:${a.queueId}`,
  },
  group: {
    setRank: 14,
    needsFacts: false,
    check: (a, c) =>
      a.groupId > OFPG_MAX || !c.hasGroup(a.groupId)
        ? ofpError(OFPERR.OFPBAC_BAD_OUT_GROUP, `group ${a.groupId} does not exist`)
        : undefined,
    execute: (a, p, x) => {
      x.group(p, a.groupId);
      return true;
    },
    trace: (a) => `group:${a.groupId}`,
  },
  set_nw_ttl: {
    setRank: 11,
    needsFacts: true,
    check: needsIp,
    execute: (a, p) => {
      setNwTtl(p, a.ttl);
      return true;
    },
    trace: (a) => `mod_nw_ttl:${a.ttl}`,
  },
  dec_nw_ttl: {
    setRank: 9,
    needsFacts: true,
    check: needsIp,
    execute: (a, p, x) => decNwTtl(p) || expired(a.type, p, x),
    trace: () => 'dec_ttl',
  },
  set_field: {
    setRank: 12,
    needsFacts: true,
    check: (a, _c, o) => checkSetField(a.field, o.facts),
    execute: (a, p, x) => {
      if (a.field.field !== 'raw' && !setField(p, a.field)) {
        x.st.notes.push(`set_field ${a.field.field}: packet has no such header, ignored`);
      }
      return true;
    },
    trace: (a) => {
      const f = a.field;
      if (f.field === 'raw') return `set_field:${formatEntry(f)}`;
      return `set_field:${formatValue(f.field, f.value)}->${NAMES[f.field] ?? f.field}`;
    },
  },
  push_pbb: {
    setRank: 5,
    needsFacts: true,
    check: (a, _c, o) => {
      if (a.ethertype !== 0x88e7) return badEthertype('push_pbb', a.ethertype, '0x88e7');
      if (o.facts) setEthType(o.facts, a.ethertype);
      return undefined;
    },
    execute: (a, p) => {
      pushPbb(p, a.ethertype);
      return true;
    },
    trace: (a) => `push_pbb:${hex(a.ethertype, 4)}`,
  },
  pop_pbb: {
    setRank: 3,
    needsFacts: true,
    check: (_a, _c, o) => {
      if (!o.facts) return undefined;
      if (o.facts.exact.get('eth_type') !== 0x88e7)
        return inconsistent('pop_pbb on a non-PBB match');
      o.facts.exact.clear();
      return undefined;
    },
    execute: (_a, p) => {
      popPbb(p);
      return true;
    },
    trace: (a) => a.type,
  },
  experimenter: {
    setRank: 16,
    needsFacts: false,
    check: (a) =>
      ofpError(
        OFPERR.OFPBAC_BAD_EXPERIMENTER,
        `experimenter action 0x${a.experimenter.toString(16)} is not supported`,
      ),
    execute: (a, _p, x) => {
      x.st.notes.push(`experimenter action 0x${a.experimenter.toString(16)} ignored`);
      return true;
    },
    trace: (a) => `experimenter(${hex(a.experimenter)})`,
  },
};

/** The engine faces of `kind`. */
export function actionOps<K extends ActionKind>(kind: K): ActionOps<K> {
  return ACTION_OPS[kind];
}
