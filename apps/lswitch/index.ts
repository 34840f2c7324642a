/**
 * lswitch: ovs-testcontroller's learning switch (Open vSwitch lib/learning-switch.c),
 * so that `ofctl-ts controller` with ovs-testcontroller's options (-H, -n, -N, -w,
 * --max-idle, -q, -Q, --with-flows) does what that program does, flow for flow.
 *
 * - Switch up: a table-miss flow (priority 0, output CONTROLLER) and the `--with-flows`
 *   flows, added as they are (nothing is deleted). Unlike ovs-testcontroller, the
 *   table-miss flow asks for the whole packet (max_len 65535, not 128): Open vSwitch
 *   buffers nothing, so a 128-byte packet-in would make the packet-out send a truncated
 *   frame.
 * - Packet-in (table misses only): learn the source MAC on the ingress port (learn and
 *   normal modes);
 *   pick the output: none for a reserved destination or one learned on the ingress port,
 *   the learned port, NORMAL for a known destination with -N, else FLOOD; with a queue
 *   (-q, -Q for the ingress port) a real output port becomes set_queue + output.
 * - With flow setup (not -n): when the output is known (or always, as a hub) a flow on
 *   the packet's OpenFlow 1.0 tuple (match.ts) with priority 1 and idle timeout
 *   --max-idle is added and the packet goes out by PACKET_OUT; otherwise only the
 *   PACKET_OUT.
 */
import {
  type Action,
  OFP_NO_BUFFER,
  OFPP,
  OFPPR_DELETE,
  packetInPort,
} from '../../src/codec/index.js';
import { type Datapath, defineApp } from '../../src/runtime/index.js';
import { type LswitchConfig, LswitchConfigSchema, validateLswitchConfig } from './config.js';
import { isMulticast, isReserved, MacPorts, macAt } from './macs.js';
import { lswitchMatch } from './match.js';

const OFPR_NO_MATCH = 0;
/** Open vSwitch's MAC_ENTRY_DEFAULT_IDLE_TIME and MAC_DEFAULT_MAX. */
const MAC_AGEING_MS = 300_000;
const MAX_MACS = 2048;
/** No output at all (a drop). */
const NONE = -1;
/**
 * Open vSwitch's pop_queue (NXAST_POP_QUEUE, subtype 5): OVS spells "enqueue" in
 * OpenFlow 1.3 as set_queue, output, pop_queue, and so does this app.
 */
const POP_QUEUE: Action = {
  type: 'experimenter',
  experimenter: 0x00002320,
  data: Uint8Array.of(0, 5, 0, 0, 0, 0, 0, 0),
};

export default defineApp<LswitchConfig>({
  name: 'lswitch',
  description: "ovs-testcontroller's learning switch: hub, learning, NORMAL, no-flow modes",
  configSchema: LswitchConfigSchema,
  validateConfig: validateLswitchConfig,
  create(ctx) {
    const cfg = ctx.config;
    const macs = new Map<Datapath, MacPorts>();
    /** Ingress port number -> queue, from the -Q port names (resolved per switch). */
    const queues = new Map<Datapath, Map<number, number>>();

    const resolveQueues = (dp: Datapath) => {
      const byNumber = new Map<number, number>();
      for (const p of dp.ports.values()) {
        const q = cfg.portQueues[p.name];
        if (q !== undefined) byNumber.set(p.portNo, q);
      }
      queues.set(dp, byNumber);
    };

    const destination = (dp: Datapath, frame: Uint8Array, inPort: number, now: number) => {
      const table = macs.get(dp);
      const src = macAt(frame, 6);
      if (table && !isMulticast(src)) {
        if (table.learn(src, inPort, now)) {
          dp.log.debug({ mac: src.toString(16).padStart(12, '0'), port: inPort }, 'learned');
        }
      }
      const dst = macAt(frame, 0);
      if (isReserved(dst)) return NONE;
      let out: number = OFPP.FLOOD;
      if (table) {
        const port = table.lookup(dst, now);
        if (port !== undefined) {
          if (port === inPort) return NONE;
          out = port;
        }
      }
      return cfg.mode === 'normal' && out !== OFPP.FLOOD ? OFPP.NORMAL : out;
    };

    const actionsFor = (dp: Datapath, out: number, inPort: number): Action[] => {
      if (out === NONE) return [];
      const queue = queues.get(dp)?.get(inPort) ?? cfg.defaultQueue;
      const output: Action = { type: 'output', port: out, maxLen: 0 };
      if (queue === undefined || out >= OFPP.MAX) return [output]; // reserved ports get no queue
      return [{ type: 'set_queue', queueId: queue }, output, POP_QUEUE];
    };

    return {
      switchUp(dp) {
        // ovs-testcontroller 3.1 keeps no MAC table with -N either (learning-switch.c makes
        // one for LSW_LEARN only), so no destination is ever known and -N floods every
        // packet like -H. This app does what its manual says instead: learn, and send
        // packets for known destinations to NORMAL (docs/migrating.md).
        if (cfg.mode !== 'hub') macs.set(dp, new MacPorts(MAC_AGEING_MS, MAX_MACS));
        resolveQueues(dp);
        dp.flowMod({
          priority: 0,
          actions: [{ type: 'output', port: OFPP.CONTROLLER, maxLen: 0xffff }],
        });
        for (const fm of cfg.flows) dp.flowMod(fm);
      },
      switchDown(dp) {
        macs.delete(dp);
        queues.delete(dp);
      },
      portStatus(dp, msg) {
        resolveQueues(dp);
        if (msg.reason === OFPPR_DELETE) macs.get(dp)?.forgetPort(msg.port.portNo);
      },
      packetIn(dp, msg) {
        if (msg.reason !== OFPR_NO_MATCH || msg.data.length < 14) return;
        const inPort = packetInPort(msg);
        if (inPort === undefined) return;
        const out = destination(dp, msg.data, inPort, Date.now());
        const actions = actionsFor(dp, out, inPort);
        const learning = macs.has(dp);
        if (cfg.maxIdle >= 0 && (!learning || out !== OFPP.FLOOD)) {
          dp.flowMod({
            priority: 1,
            idleTimeout: cfg.maxIdle,
            bufferId: msg.bufferId,
            match: lswitchMatch(msg.data, inPort, cfg.wildcards),
            actions,
          });
          if (msg.bufferId === OFP_NO_BUFFER && out !== NONE) {
            dp.packetOut({ inPort, actions, data: msg.data });
          }
        } else if (msg.bufferId !== OFP_NO_BUFFER || out !== NONE) {
          dp.packetOut({
            inPort,
            actions,
            bufferId: msg.bufferId,
            ...(msg.bufferId === OFP_NO_BUFFER ? { data: msg.data } : {}),
          });
        }
      },
    };
  },
});
