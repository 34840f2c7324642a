/**
 * Nicira extension actions (experimenter 0x00002320) as ovs-ofctl prints them, for
 * dumping flows that ovs-ofctl or a controller installed with them: resubmit, load,
 * move, push/pop, note, dec_ttl(ids), fin_timeout, output(port,max_len), conjunction,
 * ct_clear, exit, pop_queue, set_tunnel, controller(...), sample. ofctl-ts does not send
 * them; actions not listed here print as experimenter(...).
 */
import { formatPort, type PortMap } from './ports.js';
import { oxmIdName } from './print/oxm-names.js';
import { hex } from './values.js';

export const NX_VENDOR_ID = 0x00002320;

/** NXM and OXM header names per OVS field name; NXM preferred, as mf_format_subfield. */
const NXM0 = [
  'IN_PORT',
  'ETH_DST',
  'ETH_SRC',
  'ETH_TYPE',
  'VLAN_TCI',
  'IP_TOS',
  'IP_PROTO',
  'IP_SRC',
  'IP_DST',
  'TCP_SRC',
  'TCP_DST',
  'UDP_SRC',
  'UDP_DST',
  'ICMP_TYPE',
  'ICMP_CODE',
  'ARP_OP',
  'ARP_SPA',
  'ARP_TPA',
];
const NXM1: Readonly<Record<number, string>> = {
  16: 'TUN_ID',
  17: 'ARP_SHA',
  18: 'ARP_THA',
  19: 'IPV6_SRC',
  20: 'IPV6_DST',
  21: 'ICMPV6_TYPE',
  22: 'ICMPV6_CODE',
  23: 'ND_TARGET',
  24: 'ND_SLL',
  25: 'ND_TLL',
  26: 'IP_FRAG',
  27: 'IPV6_LABEL',
  28: 'IP_ECN',
  29: 'IP_TTL',
  30: 'MPLS_TTL',
  31: 'TUN_IPV4_SRC',
  32: 'TUN_IPV4_DST',
  33: 'PKT_MARK',
  34: 'TCP_FLAGS',
  35: 'DP_HASH',
  36: 'RECIRC_ID',
  37: 'CONJ_ID',
  38: 'TUN_GBP_ID',
  39: 'TUN_GBP_FLAGS',
  104: 'TUN_FLAGS',
  105: 'CT_STATE',
  106: 'CT_ZONE',
  107: 'CT_MARK',
  108: 'CT_LABEL',
  109: 'TUN_IPV6_SRC',
  110: 'TUN_IPV6_DST',
};
const OXM_BASIC = [
  'IN_PORT',
  'IN_PHY_PORT',
  'METADATA',
  'ETH_DST',
  'ETH_SRC',
  'ETH_TYPE',
  'VLAN_VID',
  'VLAN_PCP',
  'IP_DSCP',
  'IP_ECN',
  'IP_PROTO',
  'IPV4_SRC',
  'IPV4_DST',
  'TCP_SRC',
  'TCP_DST',
  'UDP_SRC',
  'UDP_DST',
  'SCTP_SRC',
  'SCTP_DST',
  'ICMPV4_TYPE',
  'ICMPV4_CODE',
  'ARP_OP',
  'ARP_SPA',
  'ARP_TPA',
  'ARP_SHA',
  'ARP_THA',
  'IPV6_SRC',
  'IPV6_DST',
  'IPV6_FLABEL',
  'ICMPV6_TYPE',
  'ICMPV6_CODE',
  'IPV6_ND_TARGET',
  'IPV6_ND_SLL',
  'IPV6_ND_TLL',
  'MPLS_LABEL',
  'MPLS_TC',
  'MPLS_BOS',
  'PBB_ISID',
  'TUNNEL_ID',
  'IPV6_EXTHDR',
];
for (let i = 0; i < 16; i++) (NXM1 as Record<number, string>)[i] = `REG${i}`;
for (let i = 0; i < 64; i++) (NXM1 as Record<number, string>)[40 + i] = `TUN_METADATA${i}`;

/** OVS field name -> the NXM name it prints (when the field has one). */
const NXM_BY_FIELD = new Map<string, string>();
function register(cls: number, field: number, bytes: number, nxm: string): void {
  const name = oxmIdName(((cls << 16) | (field << 9) | bytes) >>> 0);
  if (name && !NXM_BY_FIELD.has(name)) NXM_BY_FIELD.set(name, nxm);
}
const NXM0_BYTES = [2, 6, 6, 2, 2, 1, 1, 4, 4, 2, 2, 2, 2, 1, 1, 2, 4, 4];
NXM0.forEach((n, i) => {
  register(0, i, NXM0_BYTES[i]!, `NXM_OF_${n}`);
});
const NXM1_BYTES: Readonly<Record<number, number>> = {
  16: 8,
  17: 6,
  18: 6,
  19: 16,
  20: 16,
  21: 1,
  22: 1,
  23: 16,
  24: 6,
  25: 6,
  26: 1,
  27: 4,
  28: 1,
  29: 1,
  30: 1,
  31: 4,
  32: 4,
  33: 4,
  34: 2,
  35: 4,
  36: 4,
  37: 4,
  38: 2,
  39: 1,
  104: 2,
  105: 4,
  106: 2,
  107: 4,
  108: 16,
  109: 16,
  110: 16,
};
for (const [f, bytes] of Object.entries(NXM1_BYTES))
  register(1, Number(f), bytes, `NXM_NX_${NXM1[Number(f)]}`);
for (let i = 0; i < 16; i++) register(1, i, 4, `NXM_NX_REG${i}`);

/** The name and bit width of the field a 32-bit NXM/OXM header names. */
function headerField(header: number): { name: string; bits: number } {
  const cls = header >>> 16;
  const field = (header >>> 9) & 0x7f;
  const bytes = header & 0xff;
  const ovsName = oxmIdName(header & ~0x100);
  const nxm = ovsName ? NXM_BY_FIELD.get(ovsName) : undefined;
  let name: string;
  if (nxm) name = nxm;
  else if (cls === 0) name = `NXM_OF_${NXM0[field] ?? field}`;
  else if (cls === 1) name = `NXM_NX_${NXM1[field] ?? field}`;
  else if (cls === 0x8000) name = `OXM_OF_${OXM_BASIC[field] ?? field}`;
  else name = `0x${header.toString(16)}`;
  const bits = name === 'NXM_OF_IN_PORT' ? 16 : name === 'OXM_OF_VLAN_VID' ? 12 : bytes * 8;
  return { name, bits };
}

function subfield(header: number, ofs: number, nBits: number): string {
  const f = headerField(header);
  if (ofs === 0 && nBits === f.bits) return `${f.name}[]`;
  if (nBits === 1) return `${f.name}[${ofs}]`;
  return `${f.name}[${ofs}..${ofs + nBits - 1}]`;
}

/** A 16-bit Open vSwitch port number as ovs-ofctl prints it. */
function port16(p: number, ports?: PortMap): string {
  return formatPort(p >= 0xff00 ? p + 0xffff0000 : p, ports);
}

const REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

/** ovs-ofctl's text for a Nicira action body (`data` starts at the subtype), or undefined. */
export function formatNxAction(data: Uint8Array, ports?: PortMap): string | undefined {
  if (data.length < 2) return undefined;
  const b = Buffer.from(data);
  const sub = b.readUInt16BE(0);
  const need = (n: number) => b.length >= n;
  switch (sub) {
    case 1:
    case 14: {
      if (!need(5)) return undefined;
      const inPort = b.readUInt16BE(2);
      const table = sub === 14 ? b[4]! : 255;
      if (inPort !== 0xfff8 && table === 255) return `resubmit:${port16(inPort, ports)}`;
      const p = inPort !== 0xfff8 ? port16(inPort, ports) : '';
      return `resubmit(${p},${table !== 255 ? table : ''})`;
    }
    case 2:
      return need(8) ? `set_tunnel:${hex(b.readUInt32BE(4))}` : undefined;
    case 9:
      return need(16) ? `set_tunnel64:${hex(b.readBigUInt64BE(8))}` : undefined;
    case 5:
      return 'pop_queue';
    case 6:
      if (!need(16)) return undefined;
      return `move:${subfield(b.readUInt32BE(8), b.readUInt16BE(4), b.readUInt16BE(2))}->${subfield(
        b.readUInt32BE(12),
        b.readUInt16BE(6),
        b.readUInt16BE(2),
      )}`;
    case 7: {
      if (!need(16)) return undefined;
      const ofsNbits = b.readUInt16BE(2);
      return `load:${hex(b.readBigUInt64BE(8))}->${subfield(b.readUInt32BE(4), ofsNbits >> 6, (ofsNbits & 0x3f) + 1)}`;
    }
    case 8:
      return `note:${[...b.subarray(2)].map((x) => x.toString(16).padStart(2, '0')).join('.')}`;
    case 17:
      return 'exit';
    case 19: {
      if (!need(6)) return undefined;
      const parts: string[] = [];
      if (b.readUInt16BE(2)) parts.push(`idle_timeout=${b.readUInt16BE(2)}`);
      if (b.readUInt16BE(4)) parts.push(`hard_timeout=${b.readUInt16BE(4)}`);
      return `fin_timeout(${parts.join(',')})`;
    }
    case 20: {
      if (!need(7)) return undefined;
      const maxLen = b.readUInt16BE(2);
      const id = b.readUInt16BE(4);
      const reason = b[6]!;
      if (reason === 1 && id === 0) return `CONTROLLER:${maxLen}`;
      const parts: string[] = [];
      if (reason !== 1) parts.push(`reason=${REASONS[reason] ?? reason}`);
      if (maxLen !== 0xffff) parts.push(`max_len=${maxLen}`);
      if (id) parts.push(`id=${id}`);
      return `controller(${parts.join(',')})`;
    }
    case 21: {
      if (!need(8)) return undefined;
      const n = b.readUInt16BE(2);
      if (!need(8 + 2 * n)) return undefined;
      const ids = Array.from({ length: n }, (_, i) => b.readUInt16BE(8 + 2 * i));
      return `dec_ttl(${ids.join(',')})`;
    }
    case 27:
    case 28:
      if (!need(10)) return undefined;
      return `${sub === 27 ? 'push' : 'pop'}:${subfield(b.readUInt32BE(4), b.readUInt16BE(2), b.readUInt16BE(8))}`;
    case 29:
    case 38: {
      if (!need(16)) return undefined;
      let s = `sample(probability=${b.readUInt16BE(2)},collector_set_id=${b.readUInt32BE(4)}`;
      s += `,obs_domain_id=${b.readUInt32BE(8)},obs_point_id=${b.readUInt32BE(12)}`;
      if (sub === 38 && need(18) && b.readUInt16BE(16))
        s += `,sampling_port=${port16(b.readUInt16BE(16), ports)}`;
      return `${s})`;
    }
    case 34:
      return need(8) ? `conjunction(${b.readUInt32BE(4)},${b[2]! + 1}/${b[3]!})` : undefined;
    case 39:
      return need(8)
        ? `output(port=${port16(b.readUInt16BE(2), ports)},max_len=${b.readUInt32BE(4)})`
        : undefined;
    case 43:
      return 'ct_clear';
    default:
      return undefined;
  }
}
