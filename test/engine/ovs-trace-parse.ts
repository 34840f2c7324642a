/**
 * Reading `ovs-appctl ofproto/trace` output for the engine-vs-OVS comparison: the
 * input flow (the "Flow:" line) and the "Datapath actions:" line, replayed to give the
 * headers of every copy that leaves (output port in OpenFlow numbering, via the
 * `dpif/show` port map). Only the header fields the comparison generator touches are
 * tracked: MACs, the VLAN, IPv4 addresses and L4 ports.
 */

/** The compared view of a packet leaving a port. */
export interface Egress {
  readonly port: number;
  readonly dlSrc: string;
  readonly dlDst: string;
  /** VLAN ID, or -1 when untagged. */
  readonly vlan: number;
  readonly nwSrc: string;
  readonly nwDst: string;
  readonly tpSrc: number;
  readonly tpDst: number;
}

export type Headers = Omit<Egress, 'port'>;

export function egressText(e: Egress): string {
  const vlan = e.vlan < 0 ? 'untagged' : `vlan ${e.vlan}`;
  return `${e.port}: ${e.dlSrc}>${e.dlDst} ${vlan} ${e.nwSrc}:${e.tpSrc}>${e.nwDst}:${e.tpDst}`;
}

/** Splits on commas outside parentheses. */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

/** key=value pairs of an ovs flow or action argument list. */
function pairs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of splitTop(s)) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

/** The headers of the "Flow:" line (fields absent there stay at their zero value). */
export function flowHeaders(trace: string): Headers {
  const line = trace.split('\n').find((l) => l.startsWith('Flow: '));
  if (!line) throw new Error(`no Flow: line in trace:\n${trace}`);
  const f = pairs(line.slice(6));
  return {
    dlSrc: f.get('dl_src') ?? '00:00:00:00:00:00',
    dlDst: f.get('dl_dst') ?? '00:00:00:00:00:00',
    vlan: f.has('dl_vlan') ? Number(f.get('dl_vlan')) : -1,
    nwSrc: f.get('nw_src') ?? '0.0.0.0',
    nwDst: f.get('nw_dst') ?? '0.0.0.0',
    tpSrc: Number(f.get('tp_src') ?? 0),
    tpDst: Number(f.get('tp_dst') ?? 0),
  };
}

/** `dpif/show` lines like `p1 1/2: (tap)`: datapath port -> OpenFlow port (LOCAL: 65534). */
export function dpPortMap(dpifShow: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const match of dpifShow.matchAll(/^\s+\S+ (\d+)\/(\d+):/gm)) {
    m.set(Number(match[2]), Number(match[1]));
  }
  return m;
}

/**
 * Replays the "Datapath actions:" line from `start`: returns every output, or throws on
 * an action this reader does not know (so a surprise cannot pass silently).
 */
export function datapathEgress(
  trace: string,
  start: Headers,
  ports: Map<number, number>,
): Egress[] {
  const line = trace.split('\n').find((l) => l.startsWith('Datapath actions: '));
  if (!line) throw new Error(`no Datapath actions: line in trace:\n${trace}`);
  const actions = line.slice('Datapath actions: '.length).trim();
  if (actions === 'drop') return [];
  let h: Headers = { ...start };
  const out: Egress[] = [];
  for (const a of splitTop(actions)) {
    if (/^\d+$/.test(a)) {
      const port = ports.get(Number(a));
      if (port === undefined) throw new Error(`datapath port ${a} is not in the port map`);
      out.push({ port, ...h });
      continue;
    }
    const set = /^set\((\w+)\((.*)\)\)$/.exec(a);
    if (set) {
      const f = pairs(set[2]!);
      const v = (k: string) => f.get(k)?.replace(/\/.*$/, '');
      switch (set[1]) {
        case 'eth':
          h = { ...h, dlSrc: v('src') ?? h.dlSrc, dlDst: v('dst') ?? h.dlDst };
          break;
        case 'ipv4':
          h = { ...h, nwSrc: v('src') ?? h.nwSrc, nwDst: v('dst') ?? h.nwDst };
          break;
        case 'tcp':
        case 'udp':
          h = { ...h, tpSrc: Number(v('src') ?? h.tpSrc), tpDst: Number(v('dst') ?? h.tpDst) };
          break;
        default:
          throw new Error(`unknown datapath set action ${a}`);
      }
      continue;
    }
    const push = /^push_vlan\((.*)\)$/.exec(a);
    if (push) {
      h = { ...h, vlan: Number(pairs(push[1]!).get('vid')) };
      continue;
    }
    if (a === 'pop_vlan') {
      h = { ...h, vlan: -1 };
      continue;
    }
    throw new Error(`unknown datapath action ${a} in: ${actions}`);
  }
  return out;
}
