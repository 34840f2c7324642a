/**
 * Seeded random flows in ovs-ofctl syntax for comparing ofctl-ts with ovs-ofctl: every
 * OpenFlow 1.3 match field with and without masks, protocol shorthands, the standard
 * actions and instructions, timeouts, cookies and flags. Each flow is one a switch
 * accepts (prerequisites present, VLAN actions only where a tag exists, goto_table
 * forward). Priorities are unique, so sorted dumps have one order.
 */

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomFlows(seed: number, count: number, ports: readonly string[]): string[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const chance = (p: number) => r() < p;
  const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
  const mac = () => Array.from({ length: 6 }, () => hex(int(0, 255), 2)).join(':');
  const ip4 = () => `${int(0, 255)}.${int(0, 255)}.${int(0, 255)}.${int(0, 255)}`;
  const ip6 = () =>
    Array.from({ length: 8 }, () => (chance(0.3) ? '0' : hex(int(0, 0xffff), 1))).join(':');
  const withMask = (v: string, mask: () => string, p = 0.3) => (chance(p) ? `${v}/${mask()}` : v);
  const port = () => pick(ports);

  const protos = [
    '',
    'ip',
    'tcp',
    'udp',
    'sctp',
    'icmp',
    'ipv6',
    'tcp6',
    'udp6',
    'icmp6',
    'arp',
    'rarp',
    'mpls',
  ];
  const flows: string[] = [];
  for (let i = 0; i < count; i++) {
    const table = chance(0.6) ? 0 : int(1, 5);
    const proto = pick(protos);
    const m: string[] = [];
    const ip = ['ip', 'tcp', 'udp', 'sctp', 'icmp'].includes(proto);
    const ipv6 = ['ipv6', 'tcp6', 'udp6', 'icmp6'].includes(proto);
    let vlan = false;
    if (proto) m.push(proto);
    if (chance(0.4)) m.push(`in_port=${port()}`);
    if (chance(0.3))
      m.push(`dl_src=${withMask(mac(), () => pick(['ff:ff:ff:00:00:00', '01:00:00:00:00:00']))}`);
    if (chance(0.3)) m.push(`dl_dst=${withMask(mac(), () => 'ff:ff:ff:ff:ff:00')}`);
    if (chance(0.25)) {
      vlan = true;
      m.push(
        pick([
          `dl_vlan=${int(0, 4095)}`,
          `dl_vlan=${int(1, 4095)},dl_vlan_pcp=${int(0, 7)}`,
          'vlan_tci=0x1000/0x1000',
        ]),
      );
    } else if (chance(0.1)) m.push('vlan_tci=0x0000/0x1fff');
    if (chance(0.15))
      m.push(`metadata=0x${hex(int(0, 0xffffff), 1)}${chance(0.5) ? '/0xffff' : ''}`);
    if (chance(0.15)) m.push(`tun_id=0x${hex(int(1, 0xffff), 1)}${chance(0.3) ? '/0xff00' : ''}`);
    if (!proto && chance(0.15)) m.push(`dl_type=0x${pick(['88cc', '8906', '0842'])}`);
    if (ip) {
      if (chance(0.5)) m.push(`nw_src=${withMask(ip4(), () => String(int(1, 32)), 0.6)}`);
      if (chance(0.4))
        m.push(`nw_dst=${withMask(ip4(), () => pick(['255.255.0.0', '255.0.255.0']), 0.5)}`);
      if (chance(0.2)) m.push(`nw_tos=${int(0, 63) * 4}`);
      if (chance(0.15)) m.push(`nw_ecn=${int(0, 3)}`);
      if (proto === 'ip' && chance(0.3)) m.push(`nw_proto=${pick([47, 50, 89, 112])}`);
    }
    if (ipv6) {
      if (chance(0.5)) m.push(`ipv6_src=${withMask(ip6(), () => String(int(8, 128)), 0.5)}`);
      if (chance(0.4)) m.push(`ipv6_dst=${ip6()}`);
      if (chance(0.2)) m.push(`ipv6_label=0x${hex(int(0, 0xfffff), 5)}`);
      if (chance(0.15)) m.push(`ip_dscp=${int(0, 63)}`);
    }
    const l4 = ['tcp', 'udp', 'sctp', 'tcp6', 'udp6'].includes(proto);
    if (l4) {
      if (chance(0.5)) m.push(`tp_src=${int(0, 65535)}`);
      if (chance(0.5))
        m.push(
          chance(0.3)
            ? `tp_dst=0x${hex(int(0, 0xffff) & 0xff00, 1)}/0xff00`
            : `tp_dst=${int(0, 65535)}`,
        );
    }
    if (proto === 'icmp' && chance(0.6))
      m.push(`icmp_type=${int(0, 255)},icmp_code=${int(0, 255)}`);
    if (proto === 'icmp6') {
      const type = pick([1, 128, 135, 136]);
      m.push(`icmp_type=${type}`);
      if (type === 135 || type === 136) {
        if (chance(0.6)) m.push(`nd_target=${ip6()}`);
        if (chance(0.5)) m.push(type === 135 ? `nd_sll=${mac()}` : `nd_tll=${mac()}`);
      }
    }
    if (proto === 'arp' || proto === 'rarp') {
      if (chance(0.5)) m.push(`arp_op=${int(1, 4)}`);
      if (chance(0.5)) m.push(`arp_spa=${withMask(ip4(), () => String(int(8, 32)))}`);
      if (chance(0.3)) m.push(`arp_tpa=${ip4()}`);
      if (chance(0.3)) m.push(`arp_sha=${mac()}`);
      if (chance(0.3)) m.push(`arp_tha=${withMask(mac(), () => 'ff:ff:ff:00:00:00')}`);
    }
    if (proto === 'mpls') {
      if (chance(0.6)) m.push(`mpls_label=${int(0, 0xfffff)}`);
      if (chance(0.4)) m.push(`mpls_tc=${int(0, 7)}`);
      if (chance(0.3)) m.push(`mpls_bos=${int(0, 1)}`);
    }
    const head: string[] = [];
    if (table) head.push(`table=${table}`);
    head.push(`priority=${100 + i * 7 + int(0, 6)}`);
    if (chance(0.3)) head.push(`cookie=0x${hex(int(1, 0xffffff), 1)}`);
    if (chance(0.2)) head.push(`idle_timeout=${int(3600, 7200)}`);
    if (chance(0.2)) head.push(`hard_timeout=${int(3600, 7200)}`);
    if (chance(0.15))
      head.push(pick(['send_flow_rem', 'reset_counts', 'no_packet_counts', 'no_byte_counts']));

    const acts: string[] = [];
    const n = int(0, 3);
    for (let k = 0; k < n; k++) {
      const a = pick([
        () => `output:${port()}`,
        () => pick(['NORMAL', 'FLOOD', 'ALL', 'LOCAL', 'IN_PORT', 'CONTROLLER:128', 'controller']),
        () => `mod_dl_src:${mac()}`,
        () => `set_field:${mac()}->eth_dst`,
        () => `mod_vlan_vid:${int(1, 4095)}`,
        () => (vlan ? 'strip_vlan' : `push_vlan:0x${pick(['8100', '88a8'])}`),
        () => `set_queue:${int(0, 7)}`,
        () => (ip ? `mod_nw_src:${ip4()}` : ipv6 ? `set_field:${ip6()}->ipv6_dst` : 'NORMAL'),
        () =>
          ip || ipv6
            ? pick(['dec_ttl', `mod_nw_ttl:${int(1, 255)}`, `mod_nw_tos:${int(0, 63) * 4}`])
            : 'FLOOD',
        () => (l4 ? `mod_tp_dst:${int(1, 65535)}` : 'ALL'),
        () => `group:${int(1, 3)}`,
        () => `set_field:0x${hex(int(1, 0xffff), 1)}->tun_id`,
      ])();
      acts.push(a);
    }
    const inst: string[] = [];
    if (chance(0.15)) inst.push('clear_actions');
    if (chance(0.2)) inst.push(`write_actions(output:${port()})`);
    if (chance(0.15)) inst.push(`write_metadata:0x${hex(int(1, 0xffff), 1)}/0xffff`);
    if (chance(0.2) && table < 5) inst.push(`goto_table:${int(table + 1, 6)}`);
    const all = [...acts, ...inst];
    flows.push(`${[...head, ...m].join(',')},actions=${all.length ? all.join(',') : 'drop'}`);
  }
  return flows;
}
