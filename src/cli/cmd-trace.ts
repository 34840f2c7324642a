/**
 * trace: runs a packet through a model of a switch's tables (src/engine), built from the
 * ports, meters, groups and flows fetched from the switch, and prints the path in the
 * style of ovs-appctl ofproto/trace with ovs-ofctl's match and action syntax. The packet
 * is written like a flow: "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80".
 */
import {
  type FlowMod,
  FlowModCommand,
  type Message,
  OFP_NO_BUFFER,
  OFPP,
  type OxmEntry,
  type OxmName,
  type OxmValue,
} from '../codec/index.js';
import { buildPacket, formatTrace, type PacketFields, SwitchModel } from '../engine/index.js';
import { formatActions, formatInstructions } from '../text/actions-format.js';
import { formatMatch } from '../text/match-format.js';
import { toOxm } from '../text/match-oxm.js';
import { applyField, applyProtocol } from '../text/match-parse.js';
import { fromOxm, OvsMatch } from '../text/ovs-match.js';
import type { PortMap } from '../text/ports.js';
import { parseKeyValues } from '../text/tokenize.js';
import { fail } from '../text/values.js';
import type { OfClient, Received } from './client.js';
import { type Command, type Context, requestPortMap, withSwitch } from './context.js';

const PORT_DOWN_OR_NO_RECV = 1 | 4;
const LINK_DOWN = 1;
const LIVE = 4;

interface Fetched {
  readonly nTables: number;
  readonly replies: Map<string, Received[]>;
}

async function fetchState(ctx: Context, client: OfClient): Promise<Fetched> {
  const features = await client.request(
    { type: 'features_request', xid: client.allocXid() },
    ctx.opts.timeoutMs,
  );
  const f = features[0]?.msg;
  const nTables = f?.type === 'features_reply' ? f.nTables : 255;
  const replies = new Map<string, Received[]>();
  const bodies = [
    { kind: 'port_desc' as const },
    { kind: 'meter_config' as const, meterId: 0xffffffff },
    { kind: 'group_desc' as const },
    {
      kind: 'flow' as const,
      tableId: 0xff,
      outPort: OFPP.ANY,
      outGroup: 0xffffffff,
      cookie: 0n,
      cookieMask: 0n,
      match: [],
    },
  ];
  for (const body of bodies) {
    const m: Message = { type: 'multipart_request', xid: client.allocXid(), flags: 0, body };
    replies.set(body.kind, await client.request(m, ctx.opts.timeoutMs));
  }
  return { nTables: Math.max(1, Math.min(nTables, 255)), replies };
}

function bodies<K extends string>(r: Received[] | undefined, kind: K) {
  return (r ?? []).flatMap((x) =>
    x.msg?.type === 'multipart_reply' && x.msg.body.kind === kind ? [x.msg.body] : [],
  );
}

/**
 * Builds the model; returns it with notes about state it could not take over. The
 * ingress port is modelled as up (the packet is imagined arriving there); other ports
 * keep the state the switch reports, so outputs to a down port are dropped.
 */
function buildModel(state: Fetched, inPort: number): { model: SwitchModel; notes: string[] } {
  const notes: string[] = [];
  const ports = bodies(state.replies.get('port_desc'), 'port_desc').flatMap((b) =>
    b.kind === 'port_desc' ? b.ports : [],
  );
  const model = new SwitchModel({
    nTables: state.nTables,
    ports: ports
      .filter((p) => p.portNo < 0xffffff00)
      .map((p) => ({
        portNo: p.portNo,
        name: p.name,
        hwAddr: p.hwAddr,
        config: p.portNo === inPort ? p.config & ~PORT_DOWN_OR_NO_RECV : p.config,
        state: p.portNo === inPort ? (p.state & ~LINK_DOWN) | LIVE : p.state,
      })),
    floodToLocal: true,
    bucketsAsSets: false,
  });
  for (const b of bodies(state.replies.get('meter_config'), 'meter_config')) {
    if (b.kind !== 'meter_config') continue;
    for (const m of b.meters) {
      const e = model.applyMeterMod({ type: 'meter_mod', xid: 0, command: 0, ...m });
      if (e) notes.push(`meter ${m.meterId} not modelled: ${e.message}`);
    }
  }
  const groups = bodies(state.replies.get('group_desc'), 'group_desc').flatMap((b) =>
    b.kind === 'group_desc' ? b.groups : [],
  );
  let pending = [...groups];
  for (let pass = 0; pass < groups.length + 1 && pending.length > 0; pass++) {
    pending = pending.filter(
      (g) => model.applyGroupMod({ type: 'group_mod', xid: 0, command: 0, ...g }) !== undefined,
    );
  }
  for (const g of pending)
    notes.push(`group ${g.groupId} not modelled (it refers to groups that are not)`);
  for (const b of bodies(state.replies.get('flow'), 'flow')) {
    if (b.kind !== 'flow') continue;
    for (const f of b.flows) {
      const fm: FlowMod = {
        type: 'flow_mod',
        xid: 0,
        cookie: f.cookie,
        cookieMask: 0n,
        tableId: f.tableId,
        command: FlowModCommand.ADD,
        idleTimeout: 0,
        hardTimeout: 0,
        priority: f.priority,
        bufferId: OFP_NO_BUFFER,
        outPort: OFPP.ANY,
        outGroup: 0xffffffff,
        flags: 0,
        match: f.match,
        instructions: f.instructions,
      };
      const e = model.applyFlowMod(fm);
      if (e) {
        notes.push(
          `flow not modelled (table ${f.tableId}, ${formatMatch(fromOxm(f.match), f.priority) || 'catch-all'}): ${e.message}`,
        );
      }
    }
  }
  return { model, notes };
}

/** The packet to trace: its header fields, ingress port and tunnel key. */
export function parsePacketSpec(
  text: string,
  ports?: PortMap,
): { fields: PacketFields; inPort: number; tunnelId?: bigint } {
  const om = new OvsMatch();
  for (const { key, value } of parseKeyValues(text)) {
    if (applyProtocol(om, key)) continue;
    if (!applyField(om, key, value, ports)) fail(`unknown field ${key}`);
  }
  if (!om.has('in_port')) fail('the packet needs in_port=PORT (where it enters the switch)');
  const fields: Partial<Record<OxmName, OxmValue>> = {};
  let tunnelId: bigint | undefined;
  for (const e of toOxm(om) as OxmEntry[]) {
    if (e.field === 'raw') continue;
    if (e.field === 'tunnel_id') tunnelId = BigInt(e.value);
    else fields[e.field] = e.value;
  }
  if (
    fields.eth_type === undefined &&
    (fields.eth_src !== undefined || fields.eth_dst !== undefined)
  ) {
    fields.eth_type = 0x0800;
  }
  const spec = { fields: fields as PacketFields, inPort: om.num('in_port') };
  return tunnelId === undefined ? spec : { ...spec, tunnelId };
}

export const TRACE_COMMANDS: readonly Command[] = [
  {
    name: 'trace',
    usage: 'SWITCH PACKET',
    summary: "show what the switch's flows do with a packet (modelled, not sent)",
    help:
      "Fetches the switch's ports, meters, groups and flows, runs PACKET through a model of " +
      'its tables, and prints each table visited, the entry that matched, its actions, and ' +
      'where copies of the packet leave. PACKET is written like a flow, e.g. ' +
      '"in_port=1,tcp,dl_dst=00:00:00:00:00:02,nw_dst=10.0.0.2,tp_dst=80". Nothing is sent ' +
      'to the switch but requests. SWITCH is a bridge name, unix:PATH or tcp:HOST:PORT.',
    minArgs: 2,
    maxArgs: 2,
    switchArg: true,
    run: (ctx, args) =>
      withSwitch(ctx, args[0]!, async (client) => {
        const state = await fetchState(ctx, client);
        const ports = await requestPortMap(ctx, client);
        const spec = parsePacketSpec(args[1]!, ports);
        const { model, notes } = buildModel(state, spec.inPort);
        const bytes = buildPacket(spec.fields);
        const opts = spec.tunnelId === undefined ? {} : { tunnelId: spec.tunnelId };
        const result = model.process(bytes, spec.inPort, opts);
        const names = ctx.opts.names ? ports : undefined;
        const text = formatTrace(result, {
          bridge: args[0]!,
          formatter: {
            match: (m) => formatMatch(fromOxm(m), undefined, names),
            instruction: (i) => formatInstructions([i], names),
            actions: (a) => (a.length ? formatActions(a, names) : 'drop'),
          },
        });
        for (const n of notes) ctx.io.err(`ofctl-ts: ${n}\n`);
        ctx.io.out(text);
        return 0;
      }),
  },
];
