/**
 * Helpers shared by the message printers: OVS's bit-name lists (ofp_print_bit_names),
 * port description blocks (ofputil_phy_port_format), and the small name tables.
 */
import type { Port } from '../../codec/index.js';
import { formatPort } from '../ports.js';
import { formatMac } from '../values.js';

/** ofp_print_bit_names: names of the set bits, unknown bits as one 0x value, "0" for none. */
export function bitNames(bits: number, names: Readonly<Record<number, string>>, sep = ' '): string {
  if (!bits) return '0';
  const out: string[] = [];
  let rest = bits >>> 0;
  for (let i = 0; i < 32; i++) {
    const bit = 2 ** i;
    if (rest & bit) {
      const name = names[bit];
      if (name) {
        out.push(name);
        rest = (rest - bit) >>> 0;
      }
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join(sep);
}

export const PORT_CONFIG: Readonly<Record<number, string>> = {
  1: 'PORT_DOWN',
  4: 'NO_RECV',
  32: 'NO_FWD',
  64: 'NO_PACKET_IN',
};

export const PORT_STATE: Readonly<Record<number, string>> = {
  1: 'LINK_DOWN',
  2: 'BLOCKED',
  4: 'LIVE',
};

export const PORT_FEATURES: Readonly<Record<number, string>> = {
  1: '10MB-HD',
  2: '10MB-FD',
  4: '100MB-HD',
  8: '100MB-FD',
  16: '1GB-HD',
  32: '1GB-FD',
  64: '10GB-FD',
  128: '40GB-FD',
  256: '100GB-FD',
  512: '1TB-FD',
  1024: 'OTHER',
  2048: 'COPPER',
  4096: 'FIBER',
  8192: 'AUTO_NEG',
  16384: 'AUTO_PAUSE',
  32768: 'AUTO_PAUSE_ASYM',
};

/** The printable start of a port name (OVS stops at the first non-printable byte). */
function printableName(name: string): string {
  let i = 0;
  while (i < name.length && i < 15) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) break;
    i++;
  }
  return name.slice(0, i);
}

/** One port's block as in show and dump-ports-desc, starting " N(name): addr:...". */
export function formatPhyPort(p: Port): string {
  let s = ` ${formatPort(p.portNo)}(${printableName(p.name)}): addr:${formatMac(p.hwAddr)}\n`;
  s += `     config:     ${bitNames(p.config & 0x65, PORT_CONFIG)}\n`;
  s += `     state:      ${bitNames(p.state & 0x7, PORT_STATE)}\n`;
  const feature = (label: string, bits: number) => {
    if (bits) s += `     ${label}${bitNames(bits & 0xffff, PORT_FEATURES)}\n`;
  };
  feature('current:    ', p.curr);
  feature('advertised: ', p.advertised);
  feature('supported:  ', p.supported);
  feature('peer:       ', p.peer);
  s += `     speed: ${Math.floor(p.currSpeed / 1000)} Mbps now, ${Math.floor(p.maxSpeed / 1000)} Mbps max\n`;
  return s;
}

/** Ports in the order OVS prints them (by port number). */
export function sortPorts(ports: readonly Port[]): Port[] {
  return [...ports].sort((a, b) => a.portNo - b.portNo);
}
