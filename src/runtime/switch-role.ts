/**
 * One switch's role, as the runtime hands it to a RoleProvider (role.ts): it sends
 * OFPT_ROLE_REQUEST on the connection and starts or stops the apps on the switch as the
 * role changes. Becoming master starts them (reconcile, then switchUp: the flows on the
 * switch are adopted by cookie); leaving it stops them first (switchDown, and their
 * handles drop writes), so there is no moment when two controllers' apps both write.
 */
import type { Connection } from './connection.js';
import type { Logger } from './log.js';
import {
  type ControllerRole,
  OFPCR_ROLE,
  type RoleAnswer,
  type RoleSwitch,
  roleName,
} from './role.js';

/** What the switch role needs from the app host. */
export interface RoleApps {
  /** Start the apps on the switch as its master. */
  start(c: Connection): void;
  /** Stop the apps on the switch (they get switchDown with `reason`). */
  stop(c: Connection, reason: string): void;
}

export class SwitchRole implements RoleSwitch {
  role: ControllerRole = 'slave';
  generationId: bigint | undefined;

  constructor(
    private readonly c: Connection,
    private readonly apps: RoleApps,
  ) {}

  get dpid(): bigint {
    return this.c.dpid!;
  }
  get dpidHex(): string {
    return this.c.dpidHex;
  }
  get log(): Logger {
    return this.c.log;
  }
  get connected(): boolean {
    return this.c.state === 'ready';
  }

  async requestRole(role: 'master' | 'slave', generationId: bigint): Promise<RoleAnswer> {
    // Stop writing before the switch hears that another controller may write.
    if (role === 'slave') this.demote('this controller is now SLAVE for the switch');
    const reply = await this.c.request({
      type: 'role_request',
      xid: this.c.nextXid(),
      role: role === 'master' ? OFPCR_ROLE.MASTER : OFPCR_ROLE.SLAVE,
      generationId,
    });
    this.generationId = generationId;
    if (role === 'master' && this.role !== 'master' && this.connected) {
      this.role = 'master';
      this.apps.start(this.c);
    }
    return { role: roleName(reply.role), generationId: reply.generationId };
  }

  async queryRole(): Promise<RoleAnswer> {
    const reply = await this.c.request({
      type: 'role_request',
      xid: this.c.nextXid(),
      role: OFPCR_ROLE.NOCHANGE,
      generationId: 0n,
    });
    return { role: roleName(reply.role), generationId: reply.generationId };
  }

  demote(reason: string): void {
    if (this.role !== 'master') return;
    this.role = 'slave';
    this.log.info({ reason }, 'no longer master: apps stopped on the switch');
    this.apps.stop(this.c, `no longer master: ${reason}`);
  }
}
