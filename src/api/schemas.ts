/**
 * The API's reply and request shapes as TypeBox schemas: one source for validation,
 * serialization and the OpenAPI document. Dpids are 16 hex digits as Open vSwitch
 * prints them; counters that may pass 2^53 are numbers all the same (JSON readers lose
 * precision above that, which packet counters do not reach in practice).
 */
import { Type } from 'typebox';

/** One error shape for every 4xx and 5xx. */
export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'the HTTP reason phrase' }),
    message: Type.String({ description: 'what was wrong and what to do' }),
  },
  { description: 'the one error shape of the API' },
);

export const errorReplies = {
  400: ErrorReply,
  401: ErrorReply,
  404: ErrorReply,
  409: ErrorReply,
  413: ErrorReply,
  415: ErrorReply,
  502: ErrorReply,
  503: ErrorReply,
  504: ErrorReply,
} as const;

export const DpidParams = Type.Object({
  dpid: Type.String({
    description:
      'datapath ID: hex digits with or without 0x or colons (0x1, 00:00:00:00:00:00:00:01)',
  }),
});

export const PortView = Type.Object({
  portNo: Type.Integer(),
  name: Type.String(),
  hwAddr: Type.String(),
  config: Type.Integer({ description: 'OFPPC_* bits' }),
  state: Type.Integer({ description: 'OFPPS_* bits' }),
  up: Type.Boolean({ description: 'link up and not administratively down' }),
  currSpeed: Type.Integer({ description: 'kbps' }),
});

export const SwitchSummary = Type.Object({
  dpid: Type.String(),
  peer: Type.String(),
  connectedSince: Type.String({ format: 'date-time' }),
  nTables: Type.Integer(),
  nBuffers: Type.Integer(),
  ports: Type.Array(PortView),
  apps: Type.Array(Type.String()),
  role: Type.String(),
  flowModel: Type.Boolean(),
  counters: Type.Object({
    packetIns: Type.Integer(),
    flowMods: Type.Integer(),
    packetOuts: Type.Integer(),
    errors: Type.Integer(),
  }),
});

export const SwitchList = Type.Object({ switches: Type.Array(SwitchSummary) });

export const PortStatsView = Type.Object({
  portNo: Type.Integer(),
  name: Type.String(),
  up: Type.Boolean(),
  rxPackets: Type.Number(),
  txPackets: Type.Number(),
  rxBytes: Type.Number(),
  txBytes: Type.Number(),
  rxDropped: Type.Number(),
  txDropped: Type.Number(),
  rxErrors: Type.Number(),
  txErrors: Type.Number(),
  durationSec: Type.Integer(),
});

export const PortStatsList = Type.Object({ dpid: Type.String(), ports: Type.Array(PortStatsView) });

export const FlowView = Type.Object({
  tableId: Type.Integer(),
  priority: Type.Integer(),
  cookie: Type.String({ description: 'hex, 0x...' }),
  idleTimeout: Type.Integer(),
  hardTimeout: Type.Integer(),
  packets: Type.Number(),
  bytes: Type.Number(),
  durationSec: Type.Integer(),
  text: Type.String({ description: 'the flow as ovs-ofctl dump-flows prints it' }),
});

export const FlowPage = Type.Object({
  dpid: Type.String(),
  source: Type.Union([Type.Literal('model'), Type.Literal('switch')], {
    description: "'model': the controller's flow model; 'switch': a flow-stats request",
  }),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
  flows: Type.Array(FlowView),
});

export const FlowsQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  live: Type.Optional(
    Type.Boolean({ description: "ask the switch instead of the controller's model" }),
  ),
});

/** A flow as JSON: the same fields as the text syntax, turned into that text and parsed. */
export const FlowJson = Type.Object(
  {
    table: Type.Optional(Type.Integer({ minimum: 0, maximum: 254 })),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    cookie: Type.Optional(Type.String({ description: 'e.g. 0x10' })),
    idle_timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    hard_timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    match: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer(), Type.Null()]), {
        description: 'field: value as in ovs-ofctl (null for a bare protocol word like "ip")',
      }),
    ),
    actions: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'ovs-ofctl actions, e.g. "output:2" or ["strip_vlan", "output:2"]',
      }),
    ),
  },
  { additionalProperties: false },
);

export const FlowInput = Type.Union([Type.String(), FlowJson]);

export const FlowAddBody = Type.Object(
  {
    flow: Type.Optional(FlowInput),
    flows: Type.Optional(Type.Array(FlowInput, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);

export const FlowDeleteBody = Type.Object(
  {
    match: Type.Optional(FlowInput),
    strict: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const FlowWriteReply = Type.Object({
  dpid: Type.String(),
  sent: Type.Integer({ description: 'flow-mods the switch accepted (a barrier confirms)' }),
});

export const Health = Type.Object({
  status: Type.String(),
  switches: Type.Integer(),
  apps: Type.Array(Type.String()),
  uptimeSeconds: Type.Number(),
});

export const AppList = Type.Object({
  apps: Type.Array(Type.Object({ name: Type.String(), routes: Type.Array(Type.String()) })),
});
