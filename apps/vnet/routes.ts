/**
 * What vnet offers the northbound API: `GET /apps/vnet/state`, the networks, each
 * switch's ports with their networks (and the OVSDB ports it could not place), and where
 * each learned MAC is. `ofctl-ts vnet show` prints it. The schema is the reply's
 * contract (and its OpenAPI entry).
 */
import { Type } from 'typebox';
import type { AppNorthbound } from '../../src/runtime/index.js';
import type { VnetState } from './state.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const VnetStateSchema = Type.Object({
  networks: Type.Array(
    Type.Object({
      name: Type.String(),
      vlan: Type.Integer(),
      tunnelKey: Nullable(Type.Integer()),
    }),
  ),
  datapaths: Type.Array(
    Type.Object({
      dpid: Type.String({ description: '16 hex digits' }),
      name: Nullable(Type.String()),
      source: Type.Union([Type.Literal('config'), Type.Literal('ovsdb')]),
      host: Nullable(Type.String({ description: 'system-id, else the database address' })),
      bridge: Nullable(Type.String()),
      ports: Type.Array(
        Type.Object({
          name: Type.String(),
          number: Type.Integer(),
          mode: Type.String(),
          networks: Type.Array(Type.String(), {
            description: 'NAME (untagged), NAME/tagged or NAME/tunnel',
          }),
        }),
      ),
      unplaced: Type.Array(Type.Object({ port: Type.String(), problem: Type.String() })),
      macs: Type.Array(
        Type.Object({
          mac: Type.String(),
          network: Nullable(Type.String()),
          vlan: Type.Integer(),
          port: Type.Integer(),
          portName: Nullable(Type.String()),
        }),
      ),
    }),
  ),
});

export function vnetNorthbound(state: () => VnetState): AppNorthbound {
  return {
    routes: [
      {
        method: 'GET',
        url: '/state',
        summary: 'Networks, the ports of each switch in them, and where each learned MAC is',
        response: { 200: VnetStateSchema },
        handler: () => state(),
      },
    ],
  };
}
