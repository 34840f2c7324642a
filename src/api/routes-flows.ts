/**
 * A switch's flows: GET a page of them from the controller's model (or, with
 * `?live=true` or when the controller keeps no model, from the switch), POST flows to
 * add and DELETE flows by match, in ovs-ofctl syntax or JSON (flow-input.ts). Every flow
 * of a request is parsed before anything is sent; the reply comes after a barrier, with
 * the switch's error if it refused one.
 */
import type { FlowStats } from '../codec/index.js';
import { formatFlowStats } from '../text/flow-format.js';
import type { PortMap } from '../text/ports.js';
import type { Api, ApiContext } from './context.js';
import { switchOf } from './context.js';
import { type FlowInput, flowModsToAdd, flowModToDelete, portMap } from './flow-input.js';
import { HttpError } from './http-error.js';
import {
  DpidParams,
  errorReplies,
  FlowAddBody,
  FlowDeleteBody,
  FlowPage,
  FlowsQuery,
  FlowWriteReply,
} from './schemas.js';

function flowView(f: FlowStats, ports: PortMap) {
  return {
    tableId: f.tableId,
    priority: f.priority,
    cookie: `0x${f.cookie.toString(16)}`,
    idleTimeout: f.idleTimeout,
    hardTimeout: f.hardTimeout,
    packets: Number(f.packetCount),
    bytes: Number(f.byteCount),
    durationSec: f.durationSec,
    text: formatFlowStats(f, { ports }),
  };
}

const WRITE_ERRORS = {
  400: errorReplies[400],
  401: errorReplies[401],
  404: errorReplies[404],
  409: errorReplies[409],
  502: errorReplies[502],
  504: errorReplies[504],
};

export function flowRoutes(ctx: ApiContext) {
  return async (api: Api) => {
    api.get(
      '/switches/:dpid/flows',
      {
        schema: {
          summary:
            "A page of a switch's flows, from the controller's model or (live=true) the switch",
          tags: ['flows'],
          params: DpidParams,
          querystring: FlowsQuery,
          response: {
            200: FlowPage,
            400: errorReplies[400],
            404: errorReplies[404],
            502: errorReplies[502],
            504: errorReplies[504],
          },
        },
      },
      async (req) => {
        const c = switchOf(ctx, req.params.dpid);
        const offset = req.query.offset ?? 0;
        const limit = req.query.limit ?? 100;
        const fromModel = req.query.live ? undefined : ctx.view.modelFlows(c, offset, limit);
        const page = fromModel ?? (await ctx.view.liveFlows(c, offset, limit));
        const ports = portMap(c.ports);
        return {
          dpid: c.dpidHex,
          source: fromModel ? ('model' as const) : ('switch' as const),
          total: page.total,
          offset,
          limit,
          flows: page.flows.map((f) => flowView(f, ports)),
        };
      },
    );
    api.post(
      '/switches/:dpid/flows',
      {
        schema: {
          summary: 'Adds flows (ovs-ofctl add-flow syntax or JSON); needs the token',
          tags: ['flows'],
          params: DpidParams,
          body: FlowAddBody,
          response: { 200: FlowWriteReply, ...WRITE_ERRORS },
        },
      },
      async (req) => {
        const c = switchOf(ctx, req.params.dpid);
        const inputs: FlowInput[] = [];
        if (req.body.flow !== undefined) inputs.push(req.body.flow);
        if (req.body.flows !== undefined) inputs.push(...req.body.flows);
        if (inputs.length === 0) {
          throw new HttpError(
            400,
            'body: give "flow" (one flow) or "flows" (a list), as ovs-ofctl text or JSON',
          );
        }
        const mods = flowModsToAdd(
          inputs,
          portMap(c.ports),
          req.body.flow !== undefined ? 'flow' : 'flows',
        );
        return written(ctx, c, mods);
      },
    );
    api.delete(
      '/switches/:dpid/flows',
      {
        schema: {
          summary:
            'Deletes flows (ovs-ofctl del-flows [--strict] syntax or JSON); no match deletes all; needs the token',
          tags: ['flows'],
          params: DpidParams,
          body: FlowDeleteBody,
          response: { 200: FlowWriteReply, ...WRITE_ERRORS },
        },
      },
      async (req) => {
        const c = switchOf(ctx, req.params.dpid);
        const body = req.body ?? {};
        const mod = flowModToDelete(body.match, body.strict ?? false, portMap(c.ports));
        return written(ctx, c, [mod]);
      },
    );
  };
}

async function written(
  ctx: ApiContext,
  c: ReturnType<typeof switchOf>,
  mods: Parameters<ApiContext['controller']['flowWrites']['send']>[1],
) {
  const errors = await ctx.controller.flowWrites.send(c, mods);
  if (errors.length > 0) {
    const accepted = mods.length - errors.length;
    throw new HttpError(
      409,
      `${errors[0]!.message}${mods.length > 1 ? ` (${accepted} of ${mods.length} flow-mods were applied)` : ''}`,
    );
  }
  ctx.log.info({ dpid: c.dpidHex, flowMods: mods.length }, 'API: flow-mods applied');
  return { dpid: c.dpidHex, sent: mods.length };
}
