/**
 * OpenFlow port numbers in ovs-ofctl text. Numbers are OpenFlow 1.3's 32-bit ports
 * throughout; Open vSwitch thinks in 16-bit ports, so reserved ports print by name
 * (IN_PORT ... ANY), OpenFlow 1.0-style numbers 0xff00-0xfff7 map to 0xffffff00 and up,
 * and a port map (from the switch's port descriptions) turns names into numbers and back.
 */
import { OFPP } from '../codec/index.js';
import { fail } from './values.js';

const OFPP11_OFFSET = 0xffff0000;
const OFPP_MAX16 = 0xff00;

/** Reserved port names in the order ovs-ofctl accepts and prints them. */
export const RESERVED_PORTS: readonly (readonly [string, number])[] = [
  ['IN_PORT', OFPP.IN_PORT],
  ['TABLE', OFPP.TABLE],
  ['NORMAL', OFPP.NORMAL],
  ['FLOOD', OFPP.FLOOD],
  ['ALL', OFPP.ALL],
  ['CONTROLLER', OFPP.CONTROLLER],
  ['LOCAL', OFPP.LOCAL],
  ['ANY', OFPP.ANY],
];

/** Port names from a switch's port list, both ways. */
export class PortMap {
  private readonly byName = new Map<string, number>();
  private readonly byNumber = new Map<number, string>();
  private readonly dupNames = new Set<string>();

  constructor(ports: Iterable<{ readonly portNo: number; readonly name: string }> = []) {
    for (const p of ports) this.add(p.portNo, p.name);
  }

  add(portNo: number, name: string): void {
    if (this.byName.has(name) && this.byName.get(name) !== portNo) this.dupNames.add(name);
    this.byName.set(name, portNo);
    if (!this.byNumber.has(portNo)) this.byNumber.set(portNo, name);
  }

  number(name: string): number | undefined {
    return this.dupNames.has(name) ? undefined : this.byName.get(name);
  }

  name(portNo: number): string | undefined {
    const n = this.byNumber.get(portNo);
    return n !== undefined && !this.dupNames.has(n) ? n : undefined;
  }

  get size(): number {
    return this.byName.size;
  }
}

/** The port as ovs-ofctl prints it without names: a reserved name or a number. */
export function portToString(port: number): string {
  for (const [name, value] of RESERVED_PORTS) if (value === port) return name;
  if (port >= 0xffffff00 && port < 0xfffffff8) return String(port - OFPP11_OFFSET);
  return String(port);
}

/** Quotes a port name when it would not read back as a name (ofputil_put_port_name). */
function quoteName(name: string): string {
  const plain = /^[A-Za-z0-9_.:-]+$/.test(name) && !/^[0-9]+$/.test(name);
  const reserved = RESERVED_PORTS.some(([n]) => n.toLowerCase() === name.toLowerCase());
  if (plain && !reserved && name.toLowerCase() !== 'none') return name;
  return JSON.stringify(name);
}

/** ofputil_format_port: the name from the map when there is one (reserved ports keep theirs). */
export function formatPort(port: number, map?: PortMap): string {
  const name = port >= OFPP.IN_PORT ? undefined : map?.name(port);
  return name !== undefined ? quoteName(name) : portToString(port);
}

export interface PortParse {
  readonly port: number;
  /** A warning ovs-ofctl would log (deprecated 16-bit reserved numbers). */
  readonly warning?: string | undefined;
}

/** ofputil_port_from_string; undefined when `s` is not a port at all. */
export function parsePortOrUndef(s: string, map?: PortMap): PortParse | undefined {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n > 0xffffffff) return undefined;
    if (n < OFPP_MAX16) return { port: n };
    if (n < 0xfff8) {
      return {
        port: n + OFPP11_OFFSET,
        warning: `port ${n} is a reserved OF1.0 port number that will be translated to ${n + OFPP11_OFFSET} when talking to an OF1.1 or later controller`,
      };
    }
    if (n <= 0xffff) {
      const port = n + OFPP11_OFFSET;
      return {
        port,
        warning: `referring to port ${portToString(port)} as ${n} is deprecated for compatibility with OpenFlow 1.1 and later`,
      };
    }
    if (n < 0xffffff00) return undefined;
    return { port: n };
  }
  const upper = s.toUpperCase();
  if (upper === 'NONE') return { port: OFPP.ANY };
  for (const [name, value] of RESERVED_PORTS) if (name === upper) return { port: value };
  let name = s;
  if (s.length > 1 && s.startsWith('"') && s.endsWith('"')) {
    try {
      name = JSON.parse(s) as string;
    } catch {
      return undefined;
    }
  }
  const port = map?.number(name);
  return port === undefined ? undefined : { port };
}

/** Like parsePortOrUndef, but a bad port is an error worded as `message(s)`. */
export function parsePort(
  s: string,
  map: PortMap | undefined,
  message: (s: string) => string,
  warn?: (w: string) => void,
): number {
  const r = parsePortOrUndef(s, map);
  if (!r) fail(message(s));
  if (r.warning && warn) warn(r.warning);
  return r.port;
}
