/** The ofproto/trace reader used by the engine-vs-OVS test, on output captured from OVS 3.1. */
import { describe, expect, test } from 'vitest';
import { datapathEgress, dpPortMap, egressText, flowHeaders, splitTop } from './ovs-trace-parse.js';

const DPIF = `netdev@ovs-netdev: hit:0 missed:0
  br0:
    br0 65534/1: (tap)
    p1 1/2: (tap)
    p2 2/3: (tap)
    p3 3/4: (tap)
`;

const TRACE = `Flow: udp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1,tp_dst=2

bridge("br0")
-------------
 0. ip,in_port=1, priority 10
    push_vlan:0x8100

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=1,dl_dst=02:00:00:00:00:02,nw_dst=0.0.0.0,nw_proto=0,nw_frag=no
Datapath actions: set(eth(dst=02:00:00:00:00:09)),push_vlan(vid=100,pcp=0),3,set(ipv4(dst=10.0.0.9)),pop_vlan,4,set(udp(src=99,dst=7)),1
`;

describe('ofproto/trace reader', () => {
  test('port map from dpif/show', () => {
    expect([...dpPortMap(DPIF)]).toEqual([
      [1, 65534],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  test('splitTop keeps parenthesised commas', () => {
    expect(splitTop('set(eth(src=a,dst=b)),2,pop_vlan')).toEqual([
      'set(eth(src=a,dst=b))',
      '2',
      'pop_vlan',
    ]);
  });

  test('datapath actions replayed into per-output headers', () => {
    const out = datapathEgress(TRACE, flowHeaders(TRACE), dpPortMap(DPIF));
    expect(out.map(egressText)).toEqual([
      '2: 02:00:00:00:00:01>02:00:00:00:00:09 vlan 100 192.168.0.1:1>192.168.0.2:2',
      '3: 02:00:00:00:00:01>02:00:00:00:00:09 untagged 192.168.0.1:1>10.0.0.9:2',
      '65534: 02:00:00:00:00:01>02:00:00:00:00:09 untagged 192.168.0.1:99>10.0.0.9:7',
    ]);
  });

  test('drop, and unknown actions are refused', () => {
    const drop = TRACE.replace(/Datapath actions: .*/, 'Datapath actions: drop');
    expect(datapathEgress(drop, flowHeaders(drop), new Map())).toEqual([]);
    const odd = TRACE.replace(/Datapath actions: .*/, 'Datapath actions: recirc(0x1)');
    expect(() => datapathEgress(odd, flowHeaders(odd), new Map())).toThrow(
      /unknown datapath action/,
    );
  });

  test('a tagged input flow', () => {
    const t = TRACE.replace('vlan_tci=0x0000', 'dl_vlan=100,dl_vlan_pcp=0,vlan_tci1=0x0000');
    expect(flowHeaders(t).vlan).toBe(100);
  });
});
