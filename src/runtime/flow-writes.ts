/**
 * FLOW_MODs that come from outside the apps (the northbound API): sent on a switch's
 * connection under their own owner number, followed by a barrier, and answered with the
 * OFPT_ERRORs the switch sent about them, if any, once the barrier comes back. Errors
 * about these xids reach the controller as switchError with owner API_OWNER, which
 * hands them here instead of to the apps.
 */
import type { FlowMod } from '../codec/index.js';
import type { Connection } from './connection.js';
import type { OpenFlowError } from './errors.js';

/** The owner number of messages the API sends (apps are 0.., the runtime -1). */
export const API_OWNER = -2;

export class FlowWrites {
  /** Per connection, the xids of writes in flight and the errors seen for them. */
  private readonly inFlight = new Map<Connection, Map<number, OpenFlowError[]>>();

  /**
   * Sends `mods` in order, then a barrier; resolves with the switch's errors about them
   * (empty when all were accepted). Rejects when the connection closes first.
   */
  async send(
    c: Connection,
    mods: readonly FlowMod[],
    timeoutMs?: number,
  ): Promise<OpenFlowError[]> {
    let table = this.inFlight.get(c);
    if (!table) {
      table = new Map();
      this.inFlight.set(c, table);
    }
    const errors: OpenFlowError[] = [];
    const xids: number[] = [];
    try {
      for (const m of mods) {
        const xid = c.nextXid();
        xids.push(xid);
        table.set(xid, errors);
        c.send({ ...m, xid }, API_OWNER);
      }
      await c.request({ type: 'barrier_request', xid: c.nextXid() }, timeoutMs);
      return errors;
    } finally {
      for (const x of xids) table.delete(x);
      if (table.size === 0) this.inFlight.delete(c);
    }
  }

  /** An OFPT_ERROR about an API write: kept for the waiting send(). */
  error(c: Connection, err: OpenFlowError): void {
    const errors = this.inFlight.get(c)?.get(err.xid);
    if (errors) errors.push(err);
    else c.log.warn({ errorName: err.errorName }, `${err.message} (API write no longer waiting)`);
  }
}
