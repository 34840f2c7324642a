/**
 * The handshake after HELLO (OpenFlow 1.3.5 section 6.3.1): FEATURES_REQUEST, then
 * SET_CONFIG (how much of a table-miss packet to send us) and the PORT_DESC request,
 * whose reply already reflects any PORT_STATUS sent before it. Only main connections
 * are taken: a switch that calls itself an auxiliary connection is refused.
 */
import type { Message, Port } from '../codec/index.js';
import type { SwitchFeatures } from './app.js';
import type { ReplyOf, RequestType } from './pending.js';

/** What the handshake needs of the connection. */
export interface HandshakePeer {
  request<T extends RequestType>(m: Extract<Message, { type: T }>): Promise<ReplyOf<T>>;
  send(m: Message): void;
  nextXid(): number;
  isClosed(): boolean;
}

export type SwitchDescription =
  | { readonly ok: true; readonly features: SwitchFeatures; readonly ports: readonly Port[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Asks `c` for its features and ports. Resolves undefined when the connection closed
 * meanwhile; rejects when a request fails (timeout, OFPT_ERROR).
 */
export async function describeSwitch(
  c: HandshakePeer,
  missSendLen: number,
): Promise<SwitchDescription | undefined> {
  const f = await c.request({ type: 'features_request', xid: c.nextXid() });
  if (c.isClosed()) return undefined;
  if (f.auxiliaryId !== 0) {
    return {
      ok: false,
      reason: `auxiliary connection ${f.auxiliaryId} refused: only main connections`,
    };
  }
  const features: SwitchFeatures = {
    datapathId: f.datapathId,
    nBuffers: f.nBuffers,
    nTables: f.nTables,
    auxiliaryId: f.auxiliaryId,
    capabilities: f.capabilities,
    reserved: f.reserved,
  };
  c.send({ type: 'set_config', xid: c.nextXid(), flags: 0, missSendLen });
  const desc = await c.request({
    type: 'multipart_request',
    xid: c.nextXid(),
    flags: 0,
    body: { kind: 'port_desc' },
  });
  if (c.isClosed()) return undefined;
  return { ok: true, features, ports: desc.body.kind === 'port_desc' ? desc.body.ports : [] };
}
