/**
 * The ONF extension messages ovs-ofctl names (experimenter 0x4f4e4600 in OFPT_EXPERIMENTER):
 * ONFT_ROLE_STATUS, ONFT_REQUESTFORWARD (a forwarded group or meter mod), and the flow
 * monitor's ONFT_FLOW_MONITOR_CANCEL, _PAUSED and _RESUMED.
 */
import type { Experimenter } from '../../codec/index.js';

export const ONF_VENDOR_ID = 0x4f4e4600;

const ROLES = ['nochange', 'equal', 'primary', 'secondary'];
const ROLE_REASONS = ['primary_request', 'configuration_changed', 'experimenter_data_changed'];

export interface OnfText {
  readonly name: string;
  readonly body: string;
}

/**
 * The name and body text of an ONF message, or undefined when it is not one ovs-ofctl
 * prints. `inner` prints a forwarded message's body (REQUESTFORWARD).
 */
export function onfMessage(
  m: Experimenter,
  inner: (bytes: Buffer) => string | undefined,
): OnfText | undefined {
  if (m.experimenter !== ONF_VENDOR_ID) return undefined;
  const d = Buffer.from(m.data);
  switch (m.expType) {
    case 1911: {
      if (d.length !== 16) return undefined;
      const role = d.readUInt32BE(0);
      const reason = d[4]!;
      const gen = d.readBigUInt64BE(8);
      let body = ` role=${ROLES[role] ?? `unknown_role_${role}`}`;
      if (gen !== (1n << 64n) - 1n) body += ` generation_id=${gen}`;
      body += ` reason=${ROLE_REASONS[reason] ?? `unknown_reason_${reason}`}`;
      return { name: 'ONFT_ROLE_STATUS', body };
    }
    case 2350: {
      if (d.length < 8) return undefined;
      const type = d[1];
      const reason = type === 15 ? 'group_mod' : type === 29 ? 'meter_mod' : undefined;
      const text = reason ? inner(d) : undefined;
      if (!reason || text === undefined) return undefined;
      return { name: 'ONFT_REQUESTFORWARD', body: ` reason=${reason}${text}` };
    }
    case 1870:
      return d.length === 4
        ? { name: 'ONFT_FLOW_MONITOR_CANCEL', body: ` id=${d.readUInt32BE(0)}` }
        : undefined;
    case 1871:
      return d.length === 0 ? { name: 'ONFT_FLOW_MONITOR_PAUSED', body: '' } : undefined;
    case 1872:
      return d.length === 0 ? { name: 'ONFT_FLOW_MONITOR_RESUMED', body: '' } : undefined;
    default:
      return undefined;
  }
}
