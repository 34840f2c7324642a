/** A switch port as the API, the events and the web view show it: plain JSON. */
import { formatMac, type Port } from '../codec/index.js';
import type { PortView } from './events.js';

/** OFPPC_PORT_DOWN and OFPPS_LINK_DOWN. */
const OFPPC_PORT_DOWN = 1;
const OFPPS_LINK_DOWN = 1;

export function portView(p: Port): PortView {
  return {
    portNo: p.portNo,
    name: p.name,
    hwAddr: formatMac(p.hwAddr),
    config: p.config,
    state: p.state,
    up: (p.config & OFPPC_PORT_DOWN) === 0 && (p.state & OFPPS_LINK_DOWN) === 0,
    currSpeed: p.currSpeed,
  };
}

/** Ports sorted by number (LOCAL, 0xfffffffe, last). */
export function portViews(ports: ReadonlyMap<number, Port>): PortView[] {
  return [...ports.values()].sort((a, b) => a.portNo - b.portNo).map(portView);
}
