/** A four-port switch model and a UDP frame, shared by the pipeline tests. */
import type { Action, Match, OxmName, OxmValue } from '../../src/codec/index.js';
import { buildPacket } from '../../src/engine/packet-build.js';
import type { PipelineResult } from '../../src/engine/pipeline.js';
import { SwitchModel } from '../../src/engine/switch-model.js';
import { flowMod } from './helpers.js';

const MAC1 = 0x020000000001;
const MAC2 = 0x020000000002;
export const udp = (extra: Record<string, number> = {}) =>
  buildPacket({
    eth_src: MAC1,
    eth_dst: MAC2,
    eth_type: 0x0800,
    ip_proto: 17,
    ipv4_src: 0x0a000001,
    ipv4_dst: 0x0a000002,
    udp_src: 1,
    udp_dst: 2,
    ...extra,
  });
export const ip: Match = [{ field: 'eth_type', value: 0x0800 }];
export const setf = (field: OxmName, value: OxmValue): Action => ({
  type: 'set_field',
  field: { field, value },
});
export const ports = (r: PipelineResult) => r.outputs.map((o) => o.port);
export const fieldOf = (r: PipelineResult, i: number, f: OxmName) =>
  r.outputs[i]!.fields.find((x) => x.field === f)?.value;

export function sw(opts: ConstructorParameters<typeof SwitchModel>[0] = {}) {
  const m = new SwitchModel({ nTables: 4, ports: [1, 2, 3, 4], ...opts });
  const add = (p: Parameters<typeof flowMod>[0]) => {
    const e = m.applyFlowMod(flowMod(p));
    if (e) throw new Error(e.message);
  };
  return { m, add };
}
