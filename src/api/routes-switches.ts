/** GET /switches, /switches/:dpid, /switches/:dpid/ports (live statistics). */
import type { Api, ApiContext } from './context.js';
import { switchOf } from './context.js';
import { DpidParams, errorReplies, PortStatsList, SwitchList, SwitchSummary } from './schemas.js';

export function switchRoutes(ctx: ApiContext) {
  return async (api: Api) => {
    api.get(
      '/switches',
      {
        schema: {
          summary:
            'The connected switches: dpid, peer, since when, ports, tables, apps, role, counters',
          tags: ['switches'],
          response: { 200: SwitchList },
        },
      },
      async () => ({ switches: ctx.view.switches() }),
    );
    api.get(
      '/switches/:dpid',
      {
        schema: {
          summary: 'One connected switch',
          tags: ['switches'],
          params: DpidParams,
          response: { 200: SwitchSummary, 400: errorReplies[400], 404: errorReplies[404] },
        },
      },
      async (req) => ctx.view.summary(switchOf(ctx, req.params.dpid)),
    );
    api.get(
      '/switches/:dpid/ports',
      {
        schema: {
          summary: "A switch's ports with live statistics (a port-stats request to the switch)",
          tags: ['switches'],
          params: DpidParams,
          response: {
            200: PortStatsList,
            400: errorReplies[400],
            404: errorReplies[404],
            502: errorReplies[502],
            504: errorReplies[504],
          },
        },
      },
      async (req) => {
        const c = switchOf(ctx, req.params.dpid);
        const stats = await ctx.view.portStats(c);
        const ports = stats
          .filter((s) => c.ports.has(s.portNo))
          .sort((a, b) => a.portNo - b.portNo)
          .map((s) => {
            const p = c.ports.get(s.portNo)!;
            return {
              portNo: s.portNo,
              name: p.name,
              up: (p.config & 1) === 0 && (p.state & 1) === 0,
              rxPackets: Number(s.rxPackets),
              txPackets: Number(s.txPackets),
              rxBytes: Number(s.rxBytes),
              txBytes: Number(s.txBytes),
              rxDropped: Number(s.rxDropped),
              txDropped: Number(s.txDropped),
              rxErrors: Number(s.rxErrors),
              txErrors: Number(s.txErrors),
              durationSec: s.durationSec,
            };
          });
        return { dpid: c.dpidHex, ports };
      },
    );
  };
}
