/**
 * l2-learning: an OpenFlow 1.3 learning switch.
 *
 * - Switch up: the runtime first hands over the switch's flows with this app's cookie
 *   (reconcile): learned flows still valid are adopted (they rebuild the MAC table and
 *   stay installed, so traffic on them is not interrupted by a controller restart),
 *   stale ones are deleted one by one, and the table-miss flow (priority 0, output
 *   CONTROLLER, whole packet) is added if missing (see adopt.ts). Only if the flows
 *   could not be read are this app's flows deleted (cookie-scoped) and the table-miss
 *   flow installed afresh.
 * - Packet-in (only from this app's own flows, told apart by cookie): learn the source
 *   MAC on the ingress port, unless it is multicast. Broadcast, multicast and unknown
 *   destinations are flooded (OFPP_FLOOD, which leaves out the ingress port). A known
 *   destination gets a flow matching in_port + eth_src + eth_dst (idle timeout, flag
 *   SEND_FLOW_REM, the app's cookie) and the packet itself goes out by PACKET_OUT with
 *   its data. A destination learned on the ingress port itself (hairpin) is dropped:
 *   no flood, no flow.
 * - A MAC seen on a new port: flows toward it and flows from it on the old port are
 *   deleted (cookie-scoped) before anything new is installed.
 * - A port that goes down or away: the MACs learned on it are forgotten and the flows
 *   to and from it deleted.
 */
import {
  type Action,
  FlowModFlags,
  matchGet,
  OFP_NO_BUFFER,
  OFPP,
  type PacketIn,
} from '../../src/codec/index.js';
import { type Datapath, defineApp, reconcileFlows } from '../../src/runtime/index.js';
import { adoptFlows, TO_CONTROLLER } from './adopt.js';
import { type L2Config, validateL2Config } from './config.js';
import { formatMac, MacTable, macAt } from './mac-table.js';

/** 'L2' in the cookie's top 16 bits marks this app's flows. */
export const L2_COOKIE = 0x4c32_0000_0000_0000n;
export const L2_COOKIE_MASK = 0xffff_0000_0000_0000n;
/** A packet-in whose cookie is all ones did not come from a particular flow. */
const NO_FLOW_COOKIE = 0xffff_ffff_ffff_ffffn;

const OFPPR_DELETE = 1;
const OFPPS_LINK_DOWN = 1;
const OFPPC_PORT_DOWN = 1;
const ETH_HEADER = 14;

const FLOOD: readonly Action[] = [{ type: 'output', port: OFPP.FLOOD, maxLen: 0 }];

export default defineApp<L2Config>({
  name: 'l2-learning',
  description: 'MAC learning switch: floods unknown destinations, installs per-pair flows',
  cookie: { value: L2_COOKIE, mask: L2_COOKIE_MASK },
  validateConfig: validateL2Config,
  create(ctx) {
    const cfg = ctx.config;
    const tables = new Map<bigint, MacTable>();
    /** Switches whose flows were reconciled before this switchUp. */
    const reconciled = new Set<bigint>();
    const ageingMs = cfg.macAgeing * 1000;

    /** Delete flows toward `mac` and flows from it on `oldPort`. */
    const forget = (dp: Datapath, mac: number, oldPort: number) => {
      dp.deleteFlows({ match: [{ field: 'eth_dst', value: mac }] });
      dp.deleteFlows({
        match: [
          { field: 'in_port', value: oldPort },
          { field: 'eth_src', value: mac },
        ],
      });
    };

    /** One shared action list per output port (packet-ins allocate none for actions). */
    const outputs = new Map<number, readonly Action[]>();
    const output = (port: number): readonly Action[] => {
      let a = outputs.get(port);
      if (a === undefined) {
        a = [{ type: 'output', port, maxLen: 0 }];
        outputs.set(port, a);
      }
      return a;
    };

    const sendPacket = (
      dp: Datapath,
      msg: PacketIn,
      inPort: number,
      actions: readonly Action[],
    ) => {
      // A buffered packet is released by its buffer id; an unbuffered one travels whole.
      const data = msg.bufferId === OFP_NO_BUFFER ? msg.data : undefined;
      dp.packetOut({ bufferId: msg.bufferId, inPort, actions, data });
    };

    return {
      reconcile(dp, flows) {
        reconciled.delete(dp.dpid);
        const table = new MacTable(cfg.maxMacs, ageingMs);
        tables.set(dp.dpid, table);
        const a = adoptFlows(flows, dp.ports, cfg, L2_COOKIE, table, performance.now());
        const plan = reconcileFlows(dp, flows, a.wanted);
        reconciled.add(dp.dpid);
        const counts = { kept: plan.kept.length, deleted: plan.stale.length };
        dp.log.info({ ...counts, added: plan.missing.length, macs: a.macs }, 'flows reconciled');
      },

      switchUp(dp) {
        if (reconciled.delete(dp.dpid)) return;
        tables.set(dp.dpid, new MacTable(cfg.maxMacs, ageingMs));
        dp.deleteFlows();
        dp.flowMod({ priority: 0, actions: TO_CONTROLLER });
        dp.log.info({ ports: dp.ports.size }, 'table-miss flow installed');
      },

      switchDown(dp) {
        tables.delete(dp.dpid);
      },

      packetIn(dp, msg) {
        if (msg.cookie !== L2_COOKIE && msg.cookie !== NO_FLOW_COOKIE) return;
        const table = tables.get(dp.dpid);
        const data = msg.data;
        const inPortField = matchGet(msg.match, 'in_port');
        if (table === undefined || data.length < ETH_HEADER || inPortField === undefined) return;
        const inPort = inPortField.value as number;
        const now = performance.now();

        const srcUnicast = (data[6]! & 1) === 0;
        const src = srcUnicast ? macAt(data, 6) : 0;
        if (srcUnicast) {
          const moved = table.learn(src, inPort, now);
          if (moved !== undefined) {
            dp.log.info({ mac: formatMac(src), from: moved, to: inPort }, 'MAC moved');
            forget(dp, src, moved);
          }
        }

        if ((data[0]! & 1) === 1) return sendPacket(dp, msg, inPort, FLOOD);
        const dst = macAt(data, 0);
        const outPort = table.lookup(dst, now);
        if (outPort === undefined) return sendPacket(dp, msg, inPort, FLOOD);
        if (outPort === inPort) return;

        const actions = output(outPort);
        if (srcUnicast) {
          dp.flowMod({
            priority: cfg.priority,
            idleTimeout: cfg.idleTimeout,
            hardTimeout: cfg.hardTimeout,
            flags: FlowModFlags.SEND_FLOW_REM,
            match: [
              { field: 'in_port', value: inPort },
              { field: 'eth_src', value: src },
              { field: 'eth_dst', value: dst },
            ],
            actions,
          });
        }
        sendPacket(dp, msg, inPort, actions);
      },

      portStatus(dp, msg) {
        const p = msg.port;
        const down =
          msg.reason === OFPPR_DELETE ||
          (p.state & OFPPS_LINK_DOWN) !== 0 ||
          (p.config & OFPPC_PORT_DOWN) !== 0;
        if (!down) return;
        const gone = tables.get(dp.dpid)?.flushPort(p.portNo) ?? [];
        dp.deleteFlows({ outPort: p.portNo });
        dp.deleteFlows({ match: [{ field: 'in_port', value: p.portNo }] });
        dp.log.info({ port: p.portNo, macs: gone.map(formatMac) }, 'port down: flushed');
      },

      error(dp, err) {
        dp.log.warn({ errorName: err.errorName }, err.message);
      },
    };
  },
});
