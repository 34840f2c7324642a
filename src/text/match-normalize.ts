/**
 * ofputil_normalize_match: which fields a match may hold given its eth_type, ip_proto and
 * ICMPv6 type. ovs-ofctl sends a flow as written but warns when normalizing would drop
 * fields (they cannot match anything without their prerequisites).
 */
import {
  ETH_TYPE,
  type Fid,
  IPPROTO,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  type OvsMatch,
} from './ovs-match.js';

/**
 * ofputil_normalize_match: clears the fields whose prerequisites (dl_type, nw_proto, ICMPv6
 * type) the match does not pin down. Returns a normalized copy.
 */
export function normalize(src: OvsMatch): OvsMatch {
  const om = src.clone();
  const t = om.dlType;
  const proto = om.has('nw_proto') ? om.num('nw_proto') : -1;
  let nwAddr = false;
  let tp = false;
  let nwProto = false;
  let ipAny = false;
  let sha = false;
  let tha = false;
  let v6 = false;
  let nd = false;
  let mpls = false;
  if (t === ETH_TYPE.IP) {
    nwProto = ipAny = nwAddr = true;
    tp = [IPPROTO.TCP, IPPROTO.UDP, IPPROTO.SCTP, IPPROTO.ICMP].includes(proto as 6);
  } else if (t === ETH_TYPE.IPV6) {
    nwProto = ipAny = v6 = true;
    if ([IPPROTO.TCP, IPPROTO.UDP, IPPROTO.SCTP].includes(proto as 6)) tp = true;
    else if (proto === IPPROTO.ICMPV6) {
      tp = true;
      const type = om.exact('tp_src') ? om.num('tp_src') : -1;
      if (type === ND_NEIGHBOR_SOLICIT) nd = sha = true;
      else if (type === ND_NEIGHBOR_ADVERT) nd = tha = true;
    }
  } else if (t === ETH_TYPE.ARP || t === ETH_TYPE.RARP) {
    nwProto = nwAddr = sha = tha = true;
  } else if (t === ETH_TYPE.MPLS || t === ETH_TYPE.MPLS_MCAST) {
    mpls = true;
  }
  const drop = (cond: boolean, ...fs: Fid[]) => {
    if (!cond) for (const f of fs) om.clear(f);
  };
  drop(nwAddr, 'nw_src', 'nw_dst');
  drop(tp, 'tp_src', 'tp_dst');
  drop(nwProto, 'nw_proto');
  drop(ipAny, 'nw_tos', 'nw_ttl', 'nw_frag');
  drop(sha, 'arp_sha');
  drop(tha, 'arp_tha');
  drop(v6, 'ipv6_src', 'ipv6_dst', 'ipv6_label', 'ipv6_exthdr');
  drop(nd, 'nd_target');
  drop(mpls, 'mpls_label', 'mpls_tc', 'mpls_bos', 'mpls_ttl');
  drop(t === ETH_TYPE.PBB, 'pbb_isid');
  return om;
}
