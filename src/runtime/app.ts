/**
 * The app API: what a controller app is and the narrow handle it gets for each switch.
 *
 * An app module's default export is `defineApp({ name, validateConfig?, cookie?, create })`.
 * `create(ctx)` runs once at controller start and returns the app's event handlers.
 * Apps are loaded in the order given on the command line and every event goes to them
 * in that order. For one datapath an app sees: `reconcile` (if it has one and a
 * cookie), then `switchUp`, then any number of packetIn / portStatus / flowRemoved /
 * error / message events, then `switchDown`. An app's switchUp is awaited before the
 * next app's starts; other handlers are not awaited (a packet-in handler should do its
 * work synchronously). A handler that throws or rejects is logged with the app, the
 * event and the dpid; the connection and the other apps carry on.
 */

import type { TSchema } from 'typebox';
import type {
  Action,
  FeaturesReply,
  FlowModTemplate,
  FlowRemoved,
  FlowStats,
  Instruction,
  Match,
  Message,
  PacketIn,
  PacketOutTemplate,
  Port,
  PortStatus,
} from '../codec/index.js';
import type { OvsdbView } from '../ovsdb/index.js';
import type { AppNorthbound } from './app-api.js';
import type { OpenFlowError } from './errors.js';
import type { FlowComparison, FlowModel } from './flow-model.js';
import type { IntentStore } from './intent-store.js';
import type { Logger } from './log.js';
import type { ReplyOf, RequestType } from './pending.js';
import type { ControllerRole } from './role.js';

/** Any message with the xid left out (the runtime assigns one) or given. */
export type Outgoing<M extends Message = Message> = M extends Message
  ? Omit<M, 'xid'> & { readonly xid?: number }
  : never;

/** A request message of type T, xid optional. */
export type OutgoingRequest<T extends RequestType> = Outgoing<Extract<Message, { type: T }>>;

export interface RequestOptions {
  /** Reject with RequestTimeoutError after this long (default: the controller's). */
  readonly timeoutMs?: number;
}

/**
 * A FLOW_MOD with defaults: command ADD, table 0, priority 0x8000, no timeouts,
 * cookie = the app's cookie (or 0), cookie mask 0, no buffer, out_port and out_group
 * ANY, no flags, empty match, no instructions. `actions` is shorthand for one
 * apply_actions instruction.
 */
export interface FlowModSpec {
  readonly command?: number;
  readonly tableId?: number;
  readonly priority?: number;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly cookie?: bigint;
  readonly cookieMask?: bigint;
  readonly bufferId?: number;
  readonly outPort?: number;
  readonly outGroup?: number;
  readonly flags?: number;
  readonly match?: Match;
  readonly instructions?: readonly Instruction[];
  readonly actions?: readonly Action[];
}

/** A PACKET_OUT: in_port defaults to CONTROLLER, buffer to OFP_NO_BUFFER (send the data). */
export interface PacketOutSpec {
  readonly actions: readonly Action[];
  readonly data?: Uint8Array;
  readonly inPort?: number;
  readonly bufferId?: number;
}

/** A flow-stats filter; defaults: all tables, any out_port/group, no cookie filter, all flows. */
export interface FlowStatsSpec {
  readonly tableId?: number;
  readonly outPort?: number;
  readonly outGroup?: number;
  readonly cookie?: bigint;
  readonly cookieMask?: bigint;
  readonly match?: Match;
}

export type SwitchFeatures = Omit<FeaturesReply, 'type' | 'xid'>;

/** What an app holds for one connected switch. */
export interface Datapath {
  readonly dpid: bigint;
  /** The dpid as 16 hex digits, as Open vSwitch prints it. */
  readonly dpidHex: string;
  readonly features: SwitchFeatures;
  /** Current ports by number: from PORT_DESC at connect, kept up to date by PORT_STATUS. */
  readonly ports: ReadonlyMap<number, Port>;
  /** False once the switch has disconnected; sends are then dropped. */
  readonly connected: boolean;
  /** Child logger with dpid and app on every line. */
  readonly log: Logger;
  /** The controller's model of this switch's flow tables, when one is configured. */
  readonly model: FlowModel | undefined;
  /**
   * This controller's role for the switch (role.ts): 'equal' when no cluster decides
   * roles, 'master' in a cluster, 'slave' once mastership moved to another controller.
   */
  readonly role: ControllerRole;
  /**
   * Whether writes (FLOW_MOD, PACKET_OUT, GROUP_MOD, ...) through this handle reach the
   * switch: only the master's (or an EQUAL controller's) do; others are dropped and
   * logged once. Work that repairs the switch (audits) checks this first.
   */
  readonly mayWrite: boolean;
  /** Sends any message; returns its xid. OFPT_ERRORs for it go to the app's error handler. */
  send(msg: Outgoing): number;
  /** Sends a request and resolves with its reply (multipart parts merged into one). */
  request<T extends RequestType>(
    msg: OutgoingRequest<T>,
    opts?: RequestOptions,
  ): Promise<ReplyOf<T>>;
  /** Resolves when the switch has processed everything sent before it. */
  barrier(opts?: RequestOptions): Promise<void>;
  /** Sends a FLOW_MOD built from `spec` and the defaults above; returns its xid. */
  flowMod(spec: FlowModSpec): number;
  /**
   * Sends a non-strict DELETE (all tables, any out_port) scoped to the app's cookie and
   * mask unless `spec` says otherwise; returns its xid.
   */
  deleteFlows(spec?: FlowModSpec): number;
  /** Sends a PACKET_OUT; returns its xid. Copy packet data you keep past a handler. */
  packetOut(spec: PacketOutSpec): number;
  /**
   * Sends a template's current bytes (codec templates.ts: a FLOW_MOD or PACKET_OUT encoded
   * once, patched per send; a data-less PACKET_OUT takes `data`); returns the xid. The
   * fast way out for a packet-in handler.
   */
  sendTemplate(t: FlowModTemplate | PacketOutTemplate, data?: Uint8Array): number;
  /** The switch's flows matching the filter. */
  flowStats(filter?: FlowStatsSpec, opts?: RequestOptions): Promise<FlowStats[]>;
  /** Compares the flow model with the switch's flows (rejects when there is no model). */
  compareWithModel(opts?: RequestOptions): Promise<FlowComparison>;
}

export type HandlerResult = void | Promise<void>;

/** An app's event handlers; every one is optional. */
export interface AppHandlers {
  /** Before switchUp: the switch's flows that carry the app's cookie (under its mask). */
  reconcile?(dp: Datapath, flows: readonly FlowStats[]): HandlerResult;
  /** The switch completed the handshake (features, ports known). */
  switchUp?(dp: Datapath): HandlerResult;
  /** The switch disconnected, was replaced by a new connection, or the controller stops. */
  switchDown?(dp: Datapath, reason: string): HandlerResult;
  /** `msg.data` is a view of the received bytes: copy it to keep it past the call. */
  packetIn?(dp: Datapath, msg: PacketIn): HandlerResult;
  /** `dp.ports` is already updated when this runs. */
  portStatus?(dp: Datapath, msg: PortStatus): HandlerResult;
  flowRemoved?(dp: Datapath, msg: FlowRemoved): HandlerResult;
  /** An OFPT_ERROR caused by something this app sent without awaiting a reply. */
  error?(dp: Datapath, err: OpenFlowError): HandlerResult;
  /** Any other unsolicited message (experimenter, unexpected replies). */
  message?(dp: Datapath, msg: Message): HandlerResult;
  /**
   * The configuration changed (SIGHUP): `config` is the app's new section, already
   * validated. Apps bring their switches to it without a cold start.
   */
  reload?(config: unknown): unknown;
  /** The controller is shutting down (after every switchDown). */
  stop?(): HandlerResult;
  /** Routes and metrics the app offers the northbound API (see app-api.ts). */
  readonly northbound?: AppNorthbound;
}

export interface AppContext<C> {
  readonly name: string;
  /** The validated configuration (frozen). */
  readonly config: C;
  /** Child logger with the app's name on every line. */
  readonly log: Logger;
  /** The switches currently up, as this app's handles. */
  datapaths(): ReadonlyMap<bigint, Datapath>;
  /**
   * The Open_vSwitch databases the controller dials (--ovsdb) or accepts
   * (--ovsdb-listen), with their bridges joined to datapaths; undefined without either.
   */
  readonly ovsdb: OvsdbView | undefined;
  /**
   * Where the orchestrator's intent lives (networks, bindings written through the API;
   * see intent-store.ts); undefined when the controller runs without one.
   */
  readonly intent?: IntentStore | undefined;
}

export interface AppCookie {
  readonly value: bigint;
  readonly mask: bigint;
}

export interface AppDefinition<C = unknown> {
  /** Lowercase letters, digits and dashes. */
  readonly name: string;
  readonly description?: string;
  /** Marks the app's flows: default cookie of flowMod(), scope of deleteFlows() and reconcile. */
  readonly cookie?: AppCookie;
  /**
   * Checks the app's section of the config file (`raw` is undefined when there is none)
   * and returns the typed configuration with defaults filled in. Throw ConfigError
   * (see config.ts; checkConfig in config-schema.ts does) naming `where` plus the key.
   */
  readonly validateConfig?: (raw: unknown, where: string) => C;
  /**
   * The JSON Schema (TypeBox) of the app's section, for tools and the HTTP API (request
   * bodies, OpenAPI); validateConfig checks with it (checkConfig) and adds what a schema
   * cannot say (references between keys, duplicates).
   */
  readonly configSchema?: TSchema;
  /** Runs once at controller start. (A method, so any AppDefinition<C> is an AppDefinition<unknown>.) */
  create(ctx: AppContext<C>): AppHandlers;
}

const APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Declares an app; checks the definition so a mistake fails at load, not at first use. */
export function defineApp<C = undefined>(def: AppDefinition<C>): AppDefinition<C> {
  if (!APP_NAME.test(def.name)) {
    throw new TypeError(`app name "${def.name}" must be lowercase letters, digits and dashes`);
  }
  if (typeof def.create !== 'function') {
    throw new TypeError(`app ${def.name}: create must be a function returning the handlers`);
  }
  if (def.cookie && (def.cookie.value & ~def.cookie.mask) !== 0n) {
    throw new TypeError(`app ${def.name}: cookie value has bits outside its mask`);
  }
  return Object.freeze({ ...def });
}

/** True when `x` looks like an AppDefinition (for loading modules). */
export function isAppDefinition(x: unknown): x is AppDefinition<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Partial<AppDefinition<unknown>>;
  return typeof d.name === 'string' && typeof d.create === 'function';
}
