/**
 * Simulated OpenFlow 1.3 switches for the cluster bench: each connects to every
 * controller, answers the handshake (FEATURES, PORT_DESC, an empty flow table), echo and
 * barrier, and keeps controller roles as Open vSwitch does (ofproto/connmgr.c): one
 * master_election_id per switch, a MASTER or SLAVE request whose generation_id is older
 * (signed 64-bit difference) is refused with OFPRRFC_STALE, a new MASTER demotes the
 * old one to SLAVE, and writes (FLOW_MOD, PACKET_OUT) from a SLAVE are refused with
 * OFPBRC_IS_SLAVE. Every role change is recorded with its time, which is what the bench
 * measures.
 */
import net from 'node:net';
import { decodeMessage, encodeMessage, Framer, type Message } from '../../src/codec/index.js';

const ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;
type RoleValue = (typeof ROLE)[keyof typeof ROLE];

export interface RoleEvent {
  readonly at: number;
  readonly dpid: bigint;
  /** The controller's address index (0..K-1) that is now master; -1: none. */
  readonly master: number;
}

class Channel {
  role: RoleValue = ROLE.EQUAL;
  readonly framer = new Framer();
  constructor(
    readonly index: number,
    readonly socket: net.Socket,
  ) {}
  send(m: Message): void {
    if (!this.socket.destroyed) this.socket.write(encodeMessage(m));
  }
}

export class RoleSwitch {
  readonly channels: (Channel | undefined)[] = [];
  electionId: bigint | undefined;
  writesRefused = 0;
  flowMods = 0;

  constructor(
    readonly dpid: bigint,
    private readonly onRole: (e: RoleEvent) => void,
  ) {}

  /** The index of the controller that is master, or -1. */
  get master(): number {
    return this.channels.findIndex((c) => c?.role === ROLE.MASTER);
  }

  connect(index: number, port: number, host = '127.0.0.1'): void {
    const socket = net.connect(port, host);
    const ch = new Channel(index, socket);
    this.channels[index] = ch;
    socket.setNoDelay(true);
    socket.on('connect', () =>
      ch.send({
        type: 'hello',
        xid: 1,
        version: 4,
        elements: [{ type: 'versionbitmap', bitmaps: [1 << 4] }],
      }),
    );
    socket.on('data', (chunk) => {
      ch.framer.push(chunk, (buf, start, end) => {
        const r = decodeMessage(buf, start, end);
        if (r.ok) this.answer(ch, r.value, buf.subarray(start, Math.min(end, start + 64)));
      });
    });
    const gone = () => {
      if (this.channels[index] !== ch) return;
      const wasMaster = ch.role === ROLE.MASTER;
      this.channels[index] = undefined;
      if (wasMaster) this.onRole({ at: performance.now(), dpid: this.dpid, master: -1 });
    };
    socket.on('error', gone);
    socket.on('close', gone);
  }

  close(): void {
    for (const c of this.channels) c?.socket.destroy();
  }

  private answer(ch: Channel, m: Message, head: Buffer): void {
    const xid = m.xid;
    switch (m.type) {
      case 'echo_request':
        return ch.send({ type: 'echo_reply', xid, data: m.data });
      case 'barrier_request':
        return ch.send({ type: 'barrier_reply', xid });
      case 'features_request':
        return ch.send({
          type: 'features_reply',
          xid,
          datapathId: this.dpid,
          nBuffers: 0,
          nTables: 254,
          auxiliaryId: 0,
          capabilities: 0x4f,
          reserved: 0,
        });
      case 'multipart_request':
        if (m.body.kind === 'port_desc') {
          return ch.send({
            type: 'multipart_reply',
            xid,
            flags: 0,
            body: { kind: 'port_desc', ports: [] },
          });
        }
        if (m.body.kind === 'flow') {
          return ch.send({
            type: 'multipart_reply',
            xid,
            flags: 0,
            body: { kind: 'flow', flows: [] },
          });
        }
        return;
      case 'flow_mod':
      case 'packet_out':
        if (ch.role === ROLE.SLAVE) {
          this.writesRefused++;
          // OFPET_BAD_REQUEST / OFPBRC_IS_SLAVE
          return ch.send({ type: 'error', xid, errType: 1, code: 10, data: head });
        }
        if (m.type === 'flow_mod') this.flowMods++;
        return;
      case 'role_request':
        return this.roleRequest(ch, m.role as RoleValue, m.generationId, xid, head);
      default:
        return;
    }
  }

  private roleRequest(ch: Channel, role: RoleValue, gen: bigint, xid: number, head: Buffer): void {
    if (role === ROLE.MASTER || role === ROLE.SLAVE) {
      if (this.electionId !== undefined && BigInt.asIntN(64, gen - this.electionId) < 0n) {
        // OFPET_ROLE_REQUEST_FAILED / OFPRRFC_STALE
        return ch.send({ type: 'error', xid, errType: 11, code: 0, data: head });
      }
      this.electionId = gen;
    }
    if (role !== ROLE.NOCHANGE) {
      const before = this.master;
      if (role === ROLE.MASTER) {
        for (const c of this.channels)
          if (c && c !== ch && c.role === ROLE.MASTER) c.role = ROLE.SLAVE;
      }
      ch.role = role;
      const after = this.master;
      if (after !== before) this.onRole({ at: performance.now(), dpid: this.dpid, master: after });
    }
    ch.send({
      type: 'role_reply',
      xid,
      role: ch.role,
      generationId: this.electionId ?? 0n,
    });
  }
}
