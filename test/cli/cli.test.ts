/**
 * The ofctl-ts command line run in-process against a scripted switch: what goes on the
 * wire (messages, xids numbered as ovs-ofctl numbers them, barriers), what is printed
 * (reply per message, errors on stderr), exit codes, and the help and error texts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { MemoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import {
  encodeMessage,
  type FlowStats,
  type Message,
  OFPP,
  type Port,
} from '../../src/codec/index.js';
import { flowStats } from '../engine/helpers.js';
import { makePort } from '../runtime/fake-switch.js';
import { type FakeSwitch, type Responder, startFakeSwitch } from './fake-switch.js';

const PORTS: Port[] = [1, 2, OFPP.LOCAL].map((portNo) => ({
  ...makePort(portNo, portNo === OFPP.LOCAL ? 'br0' : `p${portNo}`, 4),
  hwAddr: 0x020000000000 + (portNo & 0xff),
}));

function flow(priority: number, match: FlowStats['match'], outPort: number): FlowStats {
  return flowStats({
    durationSec: 1,
    durationNsec: 500_000_000,
    priority,
    match,
    instructions: [
      { type: 'apply_actions', actions: [{ type: 'output', port: outPort, maxLen: 0 }] },
    ],
  });
}

const FLOWS = [
  flow(10, [{ field: 'in_port', value: 2 }], 1),
  flow(20, [{ field: 'in_port', value: 1 }], 2),
  flow(5, [], OFPP.NORMAL),
];

/** A responder for the usual requests; `extra` handles anything else first. */
function switchLike(extra: Responder = () => undefined, flows = FLOWS): Responder {
  return (m) => {
    const special = extra(m);
    if (special) return special;
    if (m.type === 'features_request') {
      return [
        {
          type: 'features_reply',
          xid: m.xid,
          datapathId: 0x42n,
          nBuffers: 0,
          nTables: 254,
          auxiliaryId: 0,
          capabilities: 0x4f,
          reserved: 0,
        },
      ];
    }
    if (m.type === 'get_config_request') {
      return [{ type: 'get_config_reply', xid: m.xid, flags: 0, missSendLen: 0 }];
    }
    if (m.type !== 'multipart_request') return undefined;
    const reply = (
      body: Extract<Message, { type: 'multipart_reply' }>['body'],
      flags = 0,
    ): Message => ({
      type: 'multipart_reply',
      xid: m.xid,
      flags,
      body,
    });
    switch (m.body.kind) {
      case 'port_desc':
        return [reply({ kind: 'port_desc', ports: PORTS })];
      case 'flow':
        return [
          reply({ kind: 'flow', flows: flows.slice(0, 1) }, 1),
          reply({ kind: 'flow', flows: flows.slice(1) }),
        ];
      case 'group_desc':
        return [reply({ kind: 'group_desc', groups: [] })];
      case 'aggregate':
        return [
          reply({ kind: 'aggregate', packetCount: 3n, byteCount: 180n, flowCount: flows.length }),
        ];
      case 'meter_config':
        return [reply({ kind: 'meter_config', meters: [] })];
      default:
        return undefined;
    }
  };
}

let sw: FakeSwitch | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

async function run(argv: string[], env: Record<string, string> = {}, stdin = '') {
  const io = new MemoryIo({ OVS_RUNDIR: sw?.rundir ?? '/nonexistent', ...env }, stdin);
  const code = await runCli(io, argv);
  return { code, out: io.stdout, err: io.stderr };
}

const xids = (types: Message['type'][]) =>
  sw!.received.filter((m) => types.includes(m.type)).map((m) => m.xid);

describe('dumping', () => {
  test('dump-flows prints each reply part with its header, as ovs-ofctl does', async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['dump-flows', 'br0']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'OFPST_FLOW reply (OF1.3) (xid=0x2): flags=[more]\n' +
        ' cookie=0x0, duration=1.500s, table=0, n_packets=0, n_bytes=0, priority=10,in_port=2 actions=output:1\n' +
        'OFPST_FLOW reply (OF1.3) (xid=0x2):\n' +
        ' cookie=0x0, duration=1.500s, table=0, n_packets=0, n_bytes=0, priority=20,in_port=1 actions=output:2\n' +
        ' cookie=0x0, duration=1.500s, table=0, n_packets=0, n_bytes=0, priority=5 actions=NORMAL\n',
    );
    const req = sw.received.find((m) => m.type === 'multipart_request');
    expect(req).toMatchObject({
      xid: 2,
      body: { kind: 'flow', tableId: 0xff, outPort: OFPP.ANY, match: [] },
    });
  });

  test('a filter with a port name is resolved through the port list (request as xid 6)', async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['dump-flows', 'br0', 'in_port=p2']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('OFPST_FLOW reply (OF1.3) (xid=0x6): flags=[more]');
    const reqs = sw.received.filter((m) => m.type === 'multipart_request');
    expect(reqs.map((m) => [m.xid, m.body.kind])).toEqual([
      [4, 'port_desc'],
      [6, 'flow'],
    ]);
    expect(reqs[1]).toMatchObject({ body: { match: [{ field: 'in_port', value: 2 }] } });
  });

  test('--sort, --rsort=in_port, --no-stats and --names print without headers', async () => {
    sw = await startFakeSwitch(switchLike());
    expect((await run(['--sort', '--no-stats', 'dump-flows', 'br0'])).out).toBe(
      ' priority=5 actions=NORMAL\n priority=10,in_port=2 actions=output:1\n priority=20,in_port=1 actions=output:2\n',
    );
    expect((await run(['--rsort=in_port', '--no-stats', 'dump-flows', 'br0'])).out).toBe(
      ' priority=10,in_port=2 actions=output:1\n priority=20,in_port=1 actions=output:2\n priority=5 actions=NORMAL\n',
    );
    expect((await run(['--names', '--no-stats', 'dump-flows', 'br0'])).out).toBe(
      ' priority=10,in_port=p2 actions=output:p1\n priority=20,in_port=p1 actions=output:p2\n priority=5 actions=NORMAL\n',
    );
    expect((await run(['--sort=nosuchfield', 'dump-flows', 'br0'])).err).toBe(
      'ofctl-ts: nosuchfield: unknown field name (use a match field such as in_port or nw_src)\n',
    );
  });

  test('show: features (xid 2), port descriptions (3), configuration (5)', async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['show', 'br0']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'OFPT_FEATURES_REPLY (OF1.3) (xid=0x2): dpid:0000000000000042\n' +
        'n_tables:254, n_buffers:0\n' +
        'capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS\n' +
        'OFPST_PORT_DESC reply (OF1.3) (xid=0x3):\n' +
        ' 1(p1): addr:02:00:00:00:00:01\n     config:     0\n     state:      LIVE\n' +
        '     speed: 0 Mbps now, 0 Mbps max\n' +
        ' 2(p2): addr:02:00:00:00:00:02\n     config:     0\n     state:      LIVE\n' +
        '     speed: 0 Mbps now, 0 Mbps max\n' +
        ' LOCAL(br0): addr:02:00:00:00:00:fe\n     config:     0\n     state:      LIVE\n' +
        '     speed: 0 Mbps now, 0 Mbps max\n' +
        'OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x5): frags=normal miss_send_len=0\n',
    );
  });

  test('an error reply to a dump is printed on stdout, as ovs-ofctl does', async () => {
    sw = await startFakeSwitch((m) =>
      m.type === 'multipart_request'
        ? [
            {
              type: 'error',
              xid: m.xid,
              errType: 12,
              code: 3,
              data: encodeMessage(m).subarray(0, 24),
            },
          ]
        : undefined,
    );
    const r = await run(['dump-meters', 'br0', 'meter=77']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'OFPT_ERROR (OF1.3) (xid=0x2): OFPMMFC_UNKNOWN_METER\nOFPST_METER_CONFIG request (OF1.3) (xid=0x2): meter=77\n',
    );
  });
});

describe('modifying', () => {
  test('add-flow sends the FLOW_MOD as xid 6 and a barrier as xid 7', async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['add-flow', 'br0', 'priority=7,in_port=p1,actions=output:p2']);
    expect(r).toMatchObject({ code: 0, out: '', err: '' });
    const fm = sw.received.find((m) => m.type === 'flow_mod')!;
    expect(encodeMessage(fm).toString('hex')).toBe(
      '040e005800000006000000000000000000000000000000000000000000000007ffffffffffffffffffffffff' +
        '000000000001000c800000040000000100000000000400180000000000000010000000020000000000000000',
    );
    expect(xids(['flow_mod', 'barrier_request'])).toEqual([6, 7]);
  });

  test('a switch error goes to stderr with the failed request, exit status 1', async () => {
    sw = await startFakeSwitch(
      switchLike((m) =>
        m.type === 'flow_mod'
          ? [{ type: 'error', xid: m.xid, errType: 2, code: 9, data: encodeMessage(m) }]
          : undefined,
      ),
    );
    const r = await run(['add-flow', 'br0', 'actions=group:99']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'OFPT_ERROR (OF1.3) (xid=0x6): OFPBAC_BAD_OUT_GROUP\nOFPT_FLOW_MOD (OF1.3) (xid=0x6): ADD actions=group:99\n',
    );
  });

  test('add-flows reads a file with comments and command words, pipelined with one barrier at the end', async () => {
    sw = await startFakeSwitch(switchLike());
    const dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-flows-'));
    const file = join(dir, 'f.flows');
    writeFileSync(
      file,
      '# a comment\n\npriority=1,actions=drop   # trailing comment\ndelete in_port=1\nmodify_strict priority=1,actions=output:2\n',
    );
    const r = await run(['add-flows', 'br0', file]);
    expect(r.code).toBe(0);
    const mods = sw.received.filter((m) => m.type === 'flow_mod');
    expect(mods.map((m) => [m.xid, m.command])).toEqual([
      [6, 0],
      [8, 3],
      [10, 2],
    ]);
    // The xids ovs-ofctl gives (it follows each flow with a barrier); only the last is sent.
    expect(xids(['barrier_request'])).toEqual([11]);
    writeFileSync(file, 'priority=1,actions=drop\n\n# x\nfoo=1,actions=drop\n');
    const bad = await run(['add-flows', 'br0', file]);
    expect(bad).toMatchObject({ code: 1, err: `ofctl-ts: ${file}:4: unknown keyword foo\n` });
  });

  test('add-flows of many flows: a barrier per 256, the first error reported with its xid', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `priority=${i + 1},actions=drop`);
    sw = await startFakeSwitch(switchLike());
    expect(await run(['add-flows', 'br0', '-'], {}, `${lines.join('\n')}\n`)).toMatchObject({
      code: 0,
      err: '',
    });
    const mods = sw.received.filter((m) => m.type === 'flow_mod');
    expect(mods.map((m) => m.xid)).toEqual(lines.map((_, i) => 6 + 2 * i));
    expect(xids(['barrier_request'])).toEqual([255, 511, 599].map((i) => 6 + 2 * i + 1));
    await sw.close();

    // The switch refuses the 300th flow (and the 400th): ovs-ofctl's error text for the first.
    const refused = new Set([6 + 2 * 299, 6 + 2 * 399]);
    sw = await startFakeSwitch(
      switchLike((m) =>
        m.type === 'flow_mod' && refused.has(m.xid)
          ? [{ type: 'error', xid: m.xid, errType: 5, code: 0, data: encodeMessage(m) }]
          : undefined,
      ),
    );
    const bad = await run(['add-flows', 'br0', '-'], {}, `${lines.join('\n')}\n`);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      `OFPT_ERROR (OF1.3) (xid=0x${(6 + 2 * 299).toString(16)}): OFPFMFC_UNKNOWN\n` +
        `OFPT_FLOW_MOD (OF1.3) (xid=0x${(6 + 2 * 299).toString(16)}): ADD priority=300 actions=drop\n`,
    );
  });

  test('add-flows - reads standard input; warnings about ignored fields go to stderr', async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['add-flows', 'br0', '-'], {}, 'tp_dst=80,actions=drop\n');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'ofctl-ts: normalization changed ofp_match, details:\n pre: tp_dst=80\npost: \n',
    );
  });

  test('del-flows --strict and mod-flows', async () => {
    sw = await startFakeSwitch(switchLike());
    await run(['--strict', 'del-flows', 'br0', 'priority=5,ip']);
    await run(['mod-flows', 'br0', 'ip,actions=output:1']);
    const mods = sw.received.filter((m) => m.type === 'flow_mod');
    expect(mods.map((m) => [m.command, m.tableId, m.priority])).toEqual([
      [4, 255, 5],
      [1, 0, 0x8000],
    ]);
  });

  test('groups and meters', async () => {
    sw = await startFakeSwitch(switchLike());
    expect((await run(['add-group', 'br0', 'group_id=1,type=all,bucket=output:p1'])).code).toBe(0);
    expect((await run(['del-groups', 'br0'])).code).toBe(0);
    expect((await run(['add-meter', 'br0', 'meter=3,kbps,band=type=drop,rate=10'])).code).toBe(0);
    const gm = sw.received.filter((m) => m.type === 'group_mod');
    expect(gm.map((m) => [m.xid, m.command, m.groupId])).toEqual([
      [6, 0, 1],
      [6, 2, 0xfffffffc],
    ]);
    expect(gm[0]).toMatchObject({ buckets: [{ actions: [{ type: 'output', port: 1 }] }] });
    expect(sw.received.find((m) => m.type === 'meter_mod')).toMatchObject({
      xid: 2,
      meterId: 3,
      flags: 1,
    });
  });
});

describe('replace-flows and diff-flows', () => {
  test('replace-flows deletes what the file lacks and adds what differs', async () => {
    sw = await startFakeSwitch(switchLike());
    const dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-flows-'));
    const file = join(dir, 'want.flows');
    writeFileSync(
      file,
      'priority=10,in_port=2,actions=output:1\npriority=20,in_port=1,actions=output:3\n',
    );
    expect((await run(['replace-flows', 'br0', file])).code).toBe(0);
    const mods = sw.received.filter((m) => m.type === 'flow_mod');
    expect(mods.map((m) => [m.command, m.priority])).toEqual([
      [4, 5],
      [0, 20],
    ]);
    const diff = await run(['diff-flows', 'br0', file]);
    expect(diff.code).toBe(2);
    expect(diff.out).toBe(
      '-priority=20,in_port=1 actions=output:2\n+priority=20,in_port=1 actions=output:3\n-priority=5 actions=NORMAL\n',
    );
  });
});

describe('monitor and trace', () => {
  test('monitor prints what the switch sends, on stderr as ovs-ofctl, until it hangs up', async () => {
    sw = await startFakeSwitch(switchLike());
    const io = new MemoryIo({ OVS_RUNDIR: sw.rundir });
    const done = runCli(io, ['monitor', 'br0', '128']);
    // The monitor is listening once its set_config has been acknowledged by a barrier.
    await vi.waitFor(() => expect(xids(['barrier_request']).length).toBe(1), { timeout: 10_000 });
    sw.push({
      type: 'packet_in',
      xid: 0,
      bufferId: 0xffffffff,
      totalLen: 14,
      reason: 1,
      tableId: 0,
      cookie: 0n,
      match: [{ field: 'in_port', value: 1 }],
      data: Buffer.from('ffffffffffff0000000000010806', 'hex'),
    });
    await vi.waitFor(() => expect(io.stderr).toContain('arp,'), { timeout: 10_000 });
    sw.hangUp();
    expect(await done).toBe(0);
    expect(io.stdout).toBe('');
    expect(io.stderr).toBe(
      'OFPT_PACKET_IN (OF1.3) (xid=0x0): cookie=0x0 total_len=14 in_port=1 (via action) data_len=14 (unbuffered)\n' +
        'arp,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_op=0,arp_sha=00:00:00:00:00:00,arp_tha=00:00:00:00:00:00\n',
    );
    expect(sw.received.find((m) => m.type === 'set_config')).toMatchObject({ missSendLen: 128 });
  });

  test("trace runs a packet through the switch's flows", async () => {
    sw = await startFakeSwitch(switchLike());
    const r = await run(['trace', 'br0', 'in_port=p1,dl_dst=00:00:00:00:00:02,ip']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(' 0. in_port=1, priority 20\n    output:2\n');
    expect(r.out).toMatch(/Outputs: 2\n/);
  });
});

describe('targets', () => {
  test('tcp:HOST:PORT reaches a switch listening for connections', async () => {
    sw = await startFakeSwitch(switchLike(), { tcp: true });
    const r = await run(['dump-flows', sw.target]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('OFPST_FLOW reply (OF1.3) (xid=0x2): flags=[more]\n');
  });

  test('a socket path given directly, and unix:PATH', async () => {
    sw = await startFakeSwitch(switchLike());
    const path = sw.target.slice('unix:'.length);
    const line =
      'OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=3 byte_count=180 flow_count=3\n';
    expect((await run(['dump-aggregate', path])).out).toBe(line);
    expect((await run(['dump-aggregate', sw.target])).out).toBe(line);
  });
});

describe('problems are explained', () => {
  test('a missing bridge names the socket tried and what to check', async () => {
    const r = await run(['dump-flows', 'nosuchbr'], { OVS_RUNDIR: '/tmp/no-such-rundir' });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'ofctl-ts: nosuchbr is not a bridge or a socket: /tmp/no-such-rundir/nosuchbr.mgmt does not exist. ' +
        'Check the bridge name (ovs-vsctl list-br), that ovs-vswitchd is running, and that OVS_RUNDIR ' +
        '(now /tmp/no-such-rundir) is its run directory\n',
    );
  });

  test('connection failures and unsupported targets', async () => {
    const r = await run(['dump-flows', 'unix:/tmp/no-such-dir/x.mgmt']);
    expect(r.err).toBe(
      'ofctl-ts: connecting to unix:/tmp/no-such-dir/x.mgmt (No such file or directory); ' +
        'check that ovs-vswitchd is running and that OVS_RUNDIR names its run directory\n',
    );
    expect((await run(['dump-flows', 'ssl:1.2.3.4:6653'])).err).toMatch(
      /ssl: and passive targets are not supported/,
    );
  });

  test('a switch without OpenFlow 1.3', async () => {
    sw = await startFakeSwitch(() => undefined, { helloVersion: 1, bitmap: 2 });
    const r = await run(['dump-flows', 'br0']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^ofctl-ts: version negotiation failed \(we support version 0x04, peer supports version 0x01\); enable OpenFlow 1.3/,
    );
  });

  test('a switch that does not answer times out with a hint', async () => {
    sw = await startFakeSwitch(() => []);
    const r = await run(['--timeout=0.3', 'dump-desc', 'br0']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/timed out after 0.3 s waiting for the reply to xid 0x2/);
  });

  test('bad words, bad options and argument counts', async () => {
    expect((await run(['frob'])).err).toBe(
      "ofctl-ts: unknown command 'frob'; use --help for help\n",
    );
    expect((await run([])).err).toBe('ofctl-ts: missing command name; use --help for help\n');
    expect((await run(['-O', 'OpenFlow10', 'show', 'br0'])).err).toMatch(
      /speaks OpenFlow 1.3 only/,
    );
    expect((await run(['--bogus'])).err).toMatch(/unrecognized option '--bogus'/);
    expect((await run(['dump-flows'])).err).toBe(
      "ofctl-ts: 'dump-flows' command requires at least 1 argument: ofctl-ts dump-flows SWITCH [FLOW]\n",
    );
    sw = await startFakeSwitch(switchLike());
    expect((await run(['add-flow', 'br0', 'ip,nw_src=1.2.3.400,actions=drop'])).err).toBe(
      'ofctl-ts: 1.2.3.400: invalid IP address\n',
    );
    expect(sw.received.some((m) => m.type === 'flow_mod')).toBe(false);
  });
});

describe('help', () => {
  test('overall, per command both ways, version, completion', async () => {
    const all = await run(['--help']);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(
      /^ofctl-ts: an ovs-ofctl compatible OpenFlow 1.3 switch management utility/,
    );
    for (const name of ['dump-flows', 'add-flow', 'trace', 'monitor', 'add-group', 'meter-stats']) {
      expect(all.out).toContain(`  ${name} `);
    }
    const a = await run(['help', 'dump-flows']);
    const b = await run(['dump-flows', '--help']);
    expect(a.out).toBe(b.out);
    expect(a.out).toMatch(/^usage: ofctl-ts dump-flows SWITCH \[FLOW\]\n/);
    expect((await run(['--version'])).out).toBe('ofctl-ts 0.1.0 (OpenFlow 1.3)\n');
    const comp = await run(['completion', 'bash']);
    expect(comp.out).toContain('complete -F _ofctl_ts ofctl-ts');
    expect(comp.out).toContain('dump-flows');
  });

  test('controller is in the help and the completion; help fits in 100 columns', async () => {
    const all = await run(['--help']);
    expect(all.out).toMatch(/^ {2}controller \[OPTIONS\] +run the OpenFlow 1\.3 controller/m);
    for (const line of all.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    // A synopsis too long for its column puts the description on the next line.
    expect(all.out).toMatch(/^ {2}packet-out .*\n {36}send a packet/m);
    const ctl = await run(['help', 'controller']);
    expect(ctl.code).toBe(0);
    expect(ctl.out).toMatch(/^usage: ofctl-ts controller/);
    for (const opt of ['--listen', '--app', '--config', '--log-level'])
      expect(ctl.out).toContain(opt);
    const comp = await run(['completion', 'bash']);
    expect(comp.out).toMatch(/compgen -W "[^"]*\bcontroller\b/);
  });
});
