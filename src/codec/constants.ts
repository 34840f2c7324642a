/**
 * Reserved numbers and flag bits of OpenFlow 1.3.5 (section 7), each defined here once
 * (ports are OFPP in actions.ts, OXM's OFPVID_PRESENT in oxm-fields.ts).
 */

/** Group numbering (section 7.3.4.2, enum ofp_group). */
export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;

/** Meter numbering (section 7.3.4.4, enum ofp_meter). */
export const OFPM_MAX = 0xffff0000;
export const OFPM_SLOWPATH = 0xfffffffd;
export const OFPM_CONTROLLER = 0xfffffffe;
export const OFPM_ALL = 0xffffffff;

/** All tables, in flow stats requests and FLOW_MOD deletes (enum ofp_table). */
export const OFPTT_ALL = 0xff;

/** Why a PORT_STATUS was sent (enum ofp_port_reason). */
export const OFPPR = { ADD: 0, DELETE: 1, MODIFY: 2 } as const;
/** OFPPR_DELETE: the port is gone. */
export const OFPPR_DELETE = OFPPR.DELETE;

/** OFPPC_* port config bits (enum ofp_port_config). */
export const OFPPC = { PORT_DOWN: 1, NO_RECV: 4, NO_FWD: 32, NO_PACKET_IN: 64 } as const;
/** OFPPS_* port state bits (enum ofp_port_state). */
export const OFPPS = { LINK_DOWN: 1, BLOCKED: 2, LIVE: 4 } as const;

/** More parts follow this multipart request (enum ofp_multipart_request_flags). */
export const OFPMPF_REQ_MORE = 1;
/** More parts follow this multipart reply (enum ofp_multipart_reply_flags). */
export const OFPMPF_REPLY_MORE = 1;
