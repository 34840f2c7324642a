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
 *
 * Packet-ins are the hot path (bench/flow-setup): the learned flow and the packet-outs
 * are templates encoded once (src/codec/templates.ts) whose ports and MACs are patched
 * per packet, the ingress port comes from the packet-in without building its match, the
 * time is the socket read's (eventTime), and the MAC table allocates nothing per MAC.
 */
import {
  type Action,
  FlowModFlags,
  FlowModTemplate,
  OFP_NO_BUFFER,
  OFPP,
  OFPPC,
  OFPPR_DELETE,
  OFPPS,
  type PacketIn,
  PacketOutTemplate,
  packetInPort,
} from '../../src/codec/index.js';
import {
  type Datapath,
  defineApp,
  eventTime,
  fillFlowMod,
  reconcileFlows,
  WarnLimiter,
} from '../../src/runtime/index.js';
import { adoptFlows, TO_CONTROLLER } from './adopt.js';
import { type L2Config, L2ConfigSchema, validateL2Config } from './config.js';
import { formatMac, MacTable, macAt } from './mac-table.js';
import { l2Northbound } from './northbound.js';

/** 'L2' in the cookie's top 16 bits marks this app's flows. */
export const L2_COOKIE = 0x4c32_0000_0000_0000n;
export const L2_COOKIE_MASK = 0xffff_0000_0000_0000n;
/** A packet-in whose cookie is all ones did not come from a particular flow. */
const NO_FLOW_COOKIE = 0xffff_ffff_ffff_ffffn;

const ETH_HEADER = 14;

const FLOOD: readonly Action[] = [{ type: 'output', port: OFPP.FLOOD, maxLen: 0 }];

export default defineApp<L2Config>({
  name: 'l2-learning',
  description: 'MAC learning switch: floods unknown destinations, installs per-pair flows',
  cookie: { value: L2_COOKIE, mask: L2_COOKIE_MASK },
  configSchema: L2ConfigSchema,
  validateConfig: validateL2Config,
  create(ctx) {
    const cfg = ctx.config;
    // Per switch, keyed by the app's handle for it (one per connection): an object key
    // hashes for free, where a bigint dpid would be hashed digit by digit per packet-in.
    const tables = new Map<Datapath, MacTable>();
    /** Switches whose flows were reconciled before this switchUp. */
    const reconciled = new Set<Datapath>();
    const ageingMs = cfg.macAgeing * 1000;
    const switchErrors = new WarnLimiter(10_000, 1);

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

    // The answers to a packet-in, encoded once (see src/codec/templates.ts); each send
    // patches the ports and MACs and copies the bytes into the switch's output batch.
    const toPort: readonly Action[] = [{ type: 'output', port: 0, maxLen: 0 }];
    /** in_port + eth_src + eth_dst -> output, with the configured priority and timeouts. */
    const learnedFlow = new FlowModTemplate(
      fillFlowMod(
        {
          priority: cfg.priority,
          idleTimeout: cfg.idleTimeout,
          hardTimeout: cfg.hardTimeout,
          flags: FlowModFlags.SEND_FLOW_REM,
          match: [
            { field: 'in_port', value: 0 },
            { field: 'eth_src', value: 0 },
            { field: 'eth_dst', value: 0 },
          ],
          actions: toPort,
        },
        L2_COOKIE,
      ),
    );
    const floodOut = new PacketOutTemplate({ bufferId: OFP_NO_BUFFER, inPort: 0, actions: FLOOD });
    const unicastOut = new PacketOutTemplate({
      bufferId: OFP_NO_BUFFER,
      inPort: 0,
      actions: toPort,
    });

    const sendPacket = (dp: Datapath, msg: PacketIn, inPort: number, t: PacketOutTemplate) => {
      // A buffered packet is released by its buffer id; an unbuffered one travels whole.
      const data = msg.bufferId === OFP_NO_BUFFER ? msg.data : undefined;
      dp.sendTemplate(t.setBufferId(msg.bufferId).setInPort(inPort), data);
    };

    return {
      northbound: l2Northbound(tables),

      reconcile(dp, flows) {
        reconciled.delete(dp);
        const table = new MacTable(cfg.maxMacs, ageingMs);
        tables.set(dp, table);
        const a = adoptFlows(flows, dp.ports, cfg, L2_COOKIE, table, performance.now());
        const plan = reconcileFlows(dp, flows, a.wanted);
        reconciled.add(dp);
        const counts = { kept: plan.kept.length, deleted: plan.stale.length };
        dp.log.info({ ...counts, added: plan.missing.length, macs: a.macs }, 'flows reconciled');
      },

      switchUp(dp) {
        if (reconciled.delete(dp)) return;
        tables.set(dp, new MacTable(cfg.maxMacs, ageingMs));
        dp.deleteFlows();
        dp.flowMod({ priority: 0, actions: TO_CONTROLLER });
        dp.log.info({ ports: dp.ports.size }, 'table-miss flow installed');
      },

      switchDown(dp) {
        tables.delete(dp);
        reconciled.delete(dp);
      },

      packetIn(dp, msg) {
        const cookie = msg.cookie;
        if (cookie !== L2_COOKIE && cookie !== NO_FLOW_COOKIE) return;
        const table = tables.get(dp);
        const data = msg.data;
        const inPort = packetInPort(msg);
        if (table === undefined || data.length < ETH_HEADER || inPort === undefined) return;
        const now = eventTime();

        const srcUnicast = (data[6]! & 1) === 0;
        const src = srcUnicast ? macAt(data, 6) : 0;
        if (srcUnicast) {
          const moved = table.learn(src, inPort, now);
          if (moved !== undefined) {
            dp.log.info({ mac: formatMac(src), from: moved, to: inPort }, 'MAC moved');
            forget(dp, src, moved);
          }
        }

        if ((data[0]! & 1) === 1) return sendPacket(dp, msg, inPort, floodOut);
        const dst = macAt(data, 0);
        const outPort = table.lookup(dst, now);
        if (outPort === undefined) return sendPacket(dp, msg, inPort, floodOut);
        if (outPort === inPort) return;

        if (srcUnicast) {
          learnedFlow.setField(0, inPort).setField(1, src).setField(2, dst).setOutput(0, outPort);
          dp.sendTemplate(learnedFlow);
        }
        sendPacket(dp, msg, inPort, unicastOut.setOutput(0, outPort));
      },

      portStatus(dp, msg) {
        const p = msg.port;
        const down =
          msg.reason === OFPPR_DELETE ||
          (p.state & OFPPS.LINK_DOWN) !== 0 ||
          (p.config & OFPPC.PORT_DOWN) !== 0;
        if (!down) return;
        const gone = tables.get(dp)?.flushPort(p.portNo) ?? [];
        dp.deleteFlows({ outPort: p.portNo });
        dp.deleteFlows({ match: [{ field: 'in_port', value: p.portNo }] });
        dp.log.info({ port: p.portNo, macs: gone.map(formatMac) }, 'port down: flushed');
      },

      error(dp, err) {
        // A switch that refuses the same thing in a loop gets one line per 10 s per error.
        const suppressed = switchErrors.take(err.errorName);
        if (suppressed === undefined) return;
        dp.log.warn({ errorName: err.errorName, suppressed }, err.message);
      },
    };
  },
});
