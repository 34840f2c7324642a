/**
 * Roles (OpenFlow 1.3.5 section 6.3.7): the one seam through which something outside the
 * runtime (src/cluster) decides, per datapath, whether this controller writes to it.
 *
 * Without a RoleProvider every switch is served as today: the controller never sends
 * OFPT_ROLE_REQUEST, its role is the switch's default EQUAL, and the apps get reconcile
 * and switchUp once the handshake is done. With one, a switch that finishes the
 * handshake is handed to the provider as a RoleSwitch in role 'slave': the apps see
 * nothing of it until the provider makes this controller its master (requestRole
 * 'master' with a generation id the switch accepts), then reconcile and switchUp run as
 * for a new switch (the flows on it are adopted by cookie, never wiped). When the
 * controller stops being master (the provider asks for 'slave', the switch refuses a
 * write with OFPBRC_IS_SLAVE or a re-assertion with OFPRRFC_STALE) the apps get
 * switchDown and their handles stop writing: a write through them is dropped and logged
 * once. Only a master's apps write, and the switch's generation_id fences a stale one.
 */
import type { Logger } from './log.js';

/** This controller's role for one switch: EQUAL (no roles in use), MASTER or SLAVE. */
export type ControllerRole = 'equal' | 'master' | 'slave';

/** ofp_controller_role (OpenFlow 1.3.5 section 7.3.9). */
export const OFPCR_ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;

/** The role name of an ofp_controller_role value (NOCHANGE and unknown values: undefined). */
export function roleName(role: number): ControllerRole | undefined {
  if (role === OFPCR_ROLE.MASTER) return 'master';
  if (role === OFPCR_ROLE.SLAVE) return 'slave';
  if (role === OFPCR_ROLE.EQUAL) return 'equal';
  return undefined;
}

/** A switch's answer to a role request: our role on it and its current generation id. */
export interface RoleAnswer {
  readonly role: ControllerRole | undefined;
  readonly generationId: bigint;
}

/** What the runtime hands a role provider for each switch that is up. */
export interface RoleSwitch {
  readonly dpid: bigint;
  readonly dpidHex: string;
  /** Logger with the dpid on every line. */
  readonly log: Logger;
  /** The role the controller acts in; 'slave' until the provider says otherwise. */
  readonly role: ControllerRole;
  /** The generation id of the last role request the switch accepted (undefined: none). */
  readonly generationId: bigint | undefined;
  /** False once the switch has disconnected. */
  readonly connected: boolean;
  /**
   * Sends OFPT_ROLE_REQUEST. For 'master', once the switch accepts, the apps are started
   * on it (reconcile, switchUp); for 'slave', they are stopped before the request
   * leaves. Rejects with the switch's OpenFlowError (OFPRRFC_STALE: a newer generation
   * is master) or a ConnectionClosedError / RequestTimeoutError.
   */
  requestRole(role: 'master' | 'slave', generationId: bigint): Promise<RoleAnswer>;
  /** OFPT_ROLE_REQUEST NOCHANGE: our role as the switch sees it, and its generation id. */
  queryRole(): Promise<RoleAnswer>;
  /** Stops acting as master at once (apps get switchDown), without asking the switch. */
  demote(reason: string): void;
}

/** Decides roles: called by the controller for every switch that comes and goes. */
export interface RoleProvider {
  /** A switch finished the handshake (role 'slave', apps idle until made master). */
  switchUp(sw: RoleSwitch): void;
  /** The switch disconnected (or the controller stops). */
  switchDown(sw: RoleSwitch): void;
  /** The switch told us we are not its master (OFPBRC_IS_SLAVE); the runtime demoted us. */
  refused?(sw: RoleSwitch): void;
  /** The controller is stopping: release what the provider holds. */
  stop(): Promise<void>;
}
