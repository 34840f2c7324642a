/**
 * The JSON shapes of vnet's API routes. Request bodies are what a config file holds at
 * the same place (a network, a port, a binding); the config loader (config.ts) checks
 * them against everything else, so these schemas describe the shape for OpenAPI and
 * refuse only what is not an object of that shape.
 */
import { Type } from 'typebox';

const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$', maxLength: 200 });

export const NetworkParams = Type.Object({ name: Name });
export const BindingParams = Type.Object({ id: Name });
export const PortParams = Type.Object({ datapath: Name, port: Name });

export const NetworkBody = Type.Object(
  {
    description: Type.Optional(Type.String()),
    vlan: Type.Integer({ description: 'the tag on trunks and inside the pipeline, 1..4094' }),
    tunnelKey: Type.Optional(Type.Integer({ description: 'GRE key (tun_id) on tunnel ports' })),
    tags: Type.Optional(
      Type.Array(Type.Integer(), { description: 'OVSDB mode: port tags that mean this network' }),
    ),
    fakeBridge: Type.Optional(
      Type.String({ description: 'OVSDB mode: ports of this fake bridge' }),
    ),
    ifaceIdPrefix: Type.Optional(
      Type.String({ description: 'OVSDB mode: iface-ids with this prefix' }),
    ),
  },
  { additionalProperties: true },
);

export const BindingBody = Type.Object({ network: Type.String() }, { additionalProperties: false });

export const PortBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('access'), Type.Literal('trunk'), Type.Literal('tunnel')]),
    network: Type.Optional(Type.String({ description: 'access: the network of untagged frames' })),
    networks: Type.Optional(Type.Array(Type.String(), { description: 'trunk (tagged) or tunnel' })),
    native: Type.Optional(Type.String({ description: 'trunk: the network of untagged frames' })),
    number: Type.Optional(
      Type.Integer({ description: 'OpenFlow port number (else found by name)' }),
    ),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const Summary = Type.Object({
  dpid: Type.String(),
  removed: Type.Integer(),
  added: Type.Integer(),
  unchanged: Type.Integer(),
  forgotten: Type.Integer(),
});

export const ChangeReply = Type.Object({
  key: Type.String({ description: 'the intent store key written or deleted' }),
  applied: Type.Array(Summary, { description: 'per connected switch, the flows changed' }),
});

export const NetworkList = Type.Object({
  networks: Type.Array(
    Type.Object({
      name: Type.String(),
      vlan: Type.Integer(),
      tunnelKey: Type.Union([Type.Integer(), Type.Null()]),
      source: Type.Union([Type.Literal('config'), Type.Literal('intent')]),
    }),
  ),
});

export const IntentList = Type.Object({
  entries: Type.Array(Type.Object({ key: Type.String(), value: Type.Unknown() })),
});

/** vnet's state (state.ts), described loosely: it is documented there. */
export const StateReply = Type.Object(
  {
    networks: Type.Array(Type.Object({}, { additionalProperties: true })),
    datapaths: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);
