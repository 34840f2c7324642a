/**
 * l2-learning's part of the northbound API: its MAC tables, read-only.
 *
 *   GET /apps/l2-learning/macs          every switch's learned MACs
 *   GET /apps/l2-learning/macs/:dpid    one switch's
 *
 * and the metric ofctl_l2_learned_macs{dpid}.
 */
import { Type } from 'typebox';
import {
  type AppNorthbound,
  type Datapath,
  eventTime,
  RequestError,
} from '../../src/runtime/index.js';
import { formatMac, type MacTable } from './mac-table.js';

const MacEntry = Type.Object({
  mac: Type.String(),
  port: Type.Integer(),
  portName: Type.Union([Type.String(), Type.Null()]),
  idleSeconds: Type.Number({ description: 'since a frame from this MAC was last seen' }),
});
const SwitchMacs = Type.Object({ dpid: Type.String(), macs: Type.Array(MacEntry) });

function describe(dp: Datapath, table: MacTable) {
  const now = eventTime();
  return {
    dpid: dp.dpidHex,
    macs: table.entries(now).map((e) => ({
      mac: formatMac(e.mac),
      port: e.port,
      portName: dp.ports.get(e.port)?.name ?? null,
      idleSeconds: Math.round(e.idleMs) / 1000,
    })),
  };
}

export function l2Northbound(tables: ReadonlyMap<Datapath, MacTable>): AppNorthbound {
  const sorted = () => [...tables].sort(([a], [b]) => (a.dpidHex < b.dpidHex ? -1 : 1));
  return {
    routes: [
      {
        method: 'GET',
        url: '/macs',
        summary: "l2-learning: every switch's learned MACs (port, seconds since last seen)",
        response: { 200: Type.Object({ switches: Type.Array(SwitchMacs) }) },
        handler: () => ({ switches: sorted().map(([dp, t]) => describe(dp, t)) }),
      },
      {
        method: 'GET',
        url: '/macs/:dpid',
        summary: "l2-learning: one switch's learned MACs",
        params: Type.Object({ dpid: Type.String() }),
        response: { 200: SwitchMacs },
        handler: (req) => {
          const hex = req.params.dpid!.replace(/^0x/i, '').replaceAll(':', '').toLowerCase();
          const found = sorted().find(
            ([dp]) => /^[0-9a-f]{1,16}$/.test(hex) && dp.dpidHex === hex.padStart(16, '0'),
          );
          if (!found) {
            throw new RequestError(
              404,
              `no switch with datapath ID ${req.params.dpid} is up under l2-learning (GET /apps/l2-learning/macs lists them)`,
            );
          }
          return describe(found[0], found[1]);
        },
      },
    ],
    metrics: [
      {
        name: 'ofctl_l2_learned_macs',
        help: 'MACs l2-learning has learned, per switch',
        type: 'gauge',
        labelNames: ['dpid'],
        collect: () =>
          [...tables].map(([dp, t]) => ({ labels: { dpid: dp.dpidHex }, value: t.size })),
      },
    ],
  };
}
