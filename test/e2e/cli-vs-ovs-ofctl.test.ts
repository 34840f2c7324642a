/**
 * ofctl-ts against ovs-ofctl on a real Open vSwitch (private instance from test/harness):
 * 300 seeded random flows added with ovs-ofctl print the same with both tools; the same
 * flows added with ofctl-ts give the same switch state; the switch-information, group and
 * meter dumps, error reports and ofp-print agree; and both flows/ files load.
 *
 * Comparisons mask durations (the two commands run at different moments). Unsorted
 * dumps are compared as sets of lines: the switch may list flows in a different order
 * from one request to the next, and each tool prints the order it received. Sorted
 * dumps (unique priorities) are compared exactly.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomFlows } from '../cli/random-flows.js';
import { createTestbed, type OvsInstance, run } from '../harness/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const E2E_TIMEOUT = 120_000;

interface Out {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const maskDurations = (s: string) => s.replace(/duration[=:]?[0-9.]+s/g, 'duration=X');
const lines = (s: string) => maskDurations(s).split('\n').sort();

describe('ofctl-ts agrees with ovs-ofctl on a real bridge', { timeout: E2E_TIMEOUT }, () => {
  const tb = createTestbed();
  let ovs: OvsInstance;
  let dir: string;
  let flowFile: string;

  const ofctl = async (...args: string[]): Promise<Out> => {
    const r = await run('ovs-ofctl', ['-O', 'OpenFlow13', ...args], {
      env: ovs.env,
      allowFailure: true,
    });
    const stderr = r.stderr.replace(/^.*\|(INFO|WARN)\|.*\n/gm, '');
    return { stdout: r.stdout, stderr, code: r.code ?? -1 };
  };
  const ours = (...args: string[]): Promise<Out> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        { env: { ...process.env, ...ovs.env }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number }).code ?? -1) : 0;
          resolve({ stdout, stderr, code: typeof code === 'number' ? code : -1 });
        },
      );
    });

  /** Both tools on the same arguments; ovs-ofctl's name replaced in messages. */
  const both = async (...args: string[]) => {
    const [a, b] = [await ours(...args), await ofctl(...args)];
    return { ours: a, theirs: { ...b, stderr: b.stderr.replaceAll('ovs-ofctl:', 'ofctl-ts:') } };
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) await run('npx', ['tsc', '-p', 'tsconfig.json'], { timeoutMs: 300_000 });
    ovs = await tb.startOvs();
    dir = mkdtempSync(join(tmpdir(), 'ofctl-ts-e2e-'));
    for (const br of ['br0', 'br1']) {
      await ovs.addBridge(br, { failMode: 'secure' });
      const n = br === 'br0' ? '' : 'b';
      await ovs.vsctl(
        'add-port',
        br,
        `p1${n}`,
        '--',
        'set',
        'Interface',
        `p1${n}`,
        'type=internal',
        'ofport_request=1',
      );
      await ovs.vsctl(
        'add-port',
        br,
        `p2${n}`,
        '--',
        'set',
        'Interface',
        `p2${n}`,
        'type=internal',
        'ofport_request=2',
      );
      await ovs.vsctl(
        'add-port',
        br,
        `gre${n}`,
        '--',
        'set',
        'Interface',
        `gre${n}`,
        'type=gre',
        `options:remote_ip=192.0.2.${br === 'br0' ? 1 : 2}`,
        'options:key=flow',
        'ofport_request=10',
      );
      for (const g of [1, 2, 3])
        await ofctl('add-group', br, `group_id=${g},type=all,bucket=output:${g}`);
      await ofctl('add-meter', br, 'meter=1,kbps,band=type=drop,rate=1000');
      await ofctl(
        'add-meter',
        br,
        'meter=2,pktps,burst,stats,bands=type=drop,rate=10,burst_size=5',
      );
    }
    flowFile = join(dir, 'random.flows');
    writeFileSync(
      flowFile,
      `${randomFlows(20240601, 300, ['1', '2', '10', 'LOCAL']).join('\n')}\n`,
    );
    const added = await ofctl('add-flows', 'br0', flowFile);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  }, E2E_TIMEOUT);

  afterAll(() => tb.teardown(), E2E_TIMEOUT);

  test('the bridge holds the 300 random flows', async () => {
    const r = await ofctl('dump-aggregate', 'br0');
    expect(r.stdout).toMatch(/flow_count=300$/m);
  });

  test.each([[[]], [['--no-stats']], [['--names']], [['--names', '--no-stats']]])(
    'dump-flows %j prints the same lines',
    async (opts) => {
      const r = await both(...opts, 'dump-flows', 'br0');
      expect(r.ours.code).toBe(0);
      expect(lines(r.ours.stdout)).toEqual(lines(r.theirs.stdout));
      expect(r.ours.stdout.split('\n').length).toBeGreaterThan(300);
    },
  );

  test.each([
    [['--sort']],
    [['--rsort']],
    [['--sort=in_port']],
    [['--rsort=nw_src', '--no-stats']],
    [['--sort=tun_id', '--sort=priority']],
    [['--rsort=dl_vlan', '--names']],
  ])('dump-flows %j prints the same text in the same order', async (opts) => {
    const r = await both(...opts, 'dump-flows', 'br0');
    expect(maskDurations(r.ours.stdout)).toBe(maskDurations(r.theirs.stdout));
  });

  test.each([
    'tcp',
    'in_port=1',
    'table=3',
    'ip,nw_src=10.0.0.0/8',
    'cookie=0x100/0xf00',
    // ovs-ofctl reads a mask of -1 as all ones (issue 16). (Table 254's hidden flow prints
    // controller(reason=) in OVS: an NX action text difference left to issue 17.)
    'table=0,cookie=0/-1',
    'out_port=2',
    'ipv6',
    'arp',
  ])('dump-flows with filter %s', async (filter) => {
    const r = await both('dump-flows', 'br0', filter);
    expect(lines(r.ours.stdout)).toEqual(lines(r.theirs.stdout));
    const agg = await both('dump-aggregate', 'br0', filter);
    expect(agg.ours.stdout).toBe(agg.theirs.stdout);
  });

  test('flows added with ofctl-ts from the same file give the same switch state', async () => {
    const r = await ours('add-flows', 'br1', flowFile);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const a = await ofctl('--sort', '--no-stats', 'dump-flows', 'br0');
    const b = await ofctl('--sort', '--no-stats', 'dump-flows', 'br1');
    expect(b.stdout).toBe(a.stdout);
  });

  test.each([
    'show',
    'dump-desc',
    'dump-tables',
    'dump-table-features',
    'dump-ports-desc',
    'dump-ports',
    'queue-stats',
    'dump-groups',
    'dump-group-stats',
    'dump-group-features',
    'dump-meters',
    'meter-stats',
    'meter-features',
    'dump-aggregate',
  ])('%s prints the same (durations masked)', async (cmd) => {
    const r = await both(cmd, 'br0');
    expect(r.ours.code).toBe(0);
    expect(maskDurations(r.ours.stdout)).toBe(maskDurations(r.theirs.stdout));
  });

  test('dump-ports, dump-groups and meters for one item', async () => {
    for (const args of [
      ['dump-ports', 'br0', '2'],
      ['dump-ports', 'br0', 'p1'],
      ['dump-group-stats', 'br0', 'group_id=2'],
      ['dump-meters', 'br0', 'meter=2'],
      ['meter-stats', 'br0', 'meter=1'],
      ['queue-stats', 'br0', '1'],
    ]) {
      const r = await both(...args);
      expect(maskDurations(r.ours.stdout), args.join(' ')).toBe(maskDurations(r.theirs.stdout));
    }
  });

  test('errors: bad text, refused flows, missing bridges', async () => {
    for (const args of [
      ['add-flow', 'br0', 'foo=1,actions=drop'],
      ['add-flow', 'br0', 'tcp,tp_dst=99999,actions=drop'],
      ['add-flow', 'br0', 'actions=output:bogus'],
      ['add-flow', 'br0', 'actions=goto_table:1,meter:2'],
      ['add-flow', 'br0', 'actions=group:99'],
      ['add-flow', 'br0', 'ip,actions=meter:7'],
      ['add-group', 'br0', 'group_id=1,type=all,bucket=output:1'],
      ['add-meter', 'br0', 'meter=1,kbps,band=type=drop,rate=1'],
      ['del-flows', 'br0', 'priority=5'],
    ]) {
      const r = await both(...args);
      expect(r.ours.stderr, args.join(' ')).toBe(r.theirs.stderr);
      expect(r.ours.code, args.join(' ')).toBe(r.theirs.code);
    }
    const missing = await ours('dump-flows', 'nosuchbr');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${ovs.rundir}/nosuchbr.mgmt does not exist`);
  });

  test('mod-flows and del-flows change the switch as ovs-ofctl does', async () => {
    for (const [cmd, br] of [
      [ours, 'br1'],
      [ofctl, 'br0'],
    ] as const) {
      await cmd('mod-flows', br, 'tcp,actions=output:2');
      await cmd('--strict', 'del-flows', br, 'table=3,priority=106,rarp');
      await cmd('del-flows', br, 'table=5');
      await cmd('del-flows', br, 'ipv6');
    }
    const a = await ofctl('--sort', '--no-stats', 'dump-flows', 'br0');
    const b = await ofctl('--sort', '--no-stats', 'dump-flows', 'br1');
    expect(b.stdout).toBe(a.stdout);
  });

  test('monitor prints the packet-ins ovs-ofctl monitor prints (OVS names its NXT_PACKET_IN2)', async () => {
    const frame =
      'ffffffffffff00232083c15f80350001080006040003002320' + '83c15f0000000000232083c15f00000000';
    const watch = (cmd: string, args: string[]) => {
      const child: ChildProcess = spawn(cmd, args, { env: { ...process.env, ...ovs.env } });
      const out = { text: '' };
      // Both monitors print what they receive on stderr.
      child.stderr?.on('data', (d: Buffer) => {
        out.text += d.toString();
      });
      tb.defer(() => child.kill());
      return { child, out };
    };
    const a = watch(process.execPath, [MAIN, 'monitor', 'br0', '65535']);
    const b = watch('ovs-ofctl', ['-O', 'OpenFlow13', 'monitor', 'br0', '65535']);
    // A monitor only sees packet-ins sent after it has set miss_send_len: resend until both have one.
    const deadline = Date.now() + 30_000;
    while (!(a.out.text.includes('\n') && b.out.text.includes('\n')) && Date.now() < deadline) {
      await ofctl('packet-out', 'br0', `in_port=LOCAL,packet=${frame},actions=CONTROLLER`);
      await new Promise((r) => setTimeout(r, 250));
    }
    a.child.kill();
    b.child.kill();
    const first = (t: string) => t.split('\n').slice(0, 2).join('\n');
    expect(first(a.out.text)).toBe(first(b.out.text).replace('NXT_PACKET_IN2', 'OFPT_PACKET_IN'));
    expect(first(a.out.text)).toMatch(
      /^OFPT_PACKET_IN \(OF1\.3\) \(xid=0x0\): total_len=42 in_port=LOCAL/,
    );
  });

  test("ofp-print agrees with ovs-ofctl ofp-print on OVS's vectors", async () => {
    const records = readFileSync(
      join(ROOT, 'test', 'fixtures', 'vectors', 'ovs-ofp-print-of13.jsonl'),
      'utf8',
    )
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { hex: string; command: string; title: string; verbosity?: string[] },
      )
      .filter((r) => r.command === 'ofp-print' && !/^FLOW_MONITOR (request|reply)$/.test(r.title));
    expect(records.length).toBe(42);
    for (const r of records) {
      const args = ['ofp-print', r.hex, ...(r.verbosity ?? [])];
      const [a, b] = [await ours(...args), await ofctl(...args)];
      expect(a.stdout, r.title).toBe(b.stdout);
    }
  });

  test('flows/gre-overlay.flows and flows/vlan-trunk.flows load like they do with ovs-ofctl', async () => {
    for (const [file, ports] of [
      ['gre-overlay.flows', ['vm1', 'vm3', 'gre0']],
      ['vlan-trunk.flows', ['vm1', 'vm3', 'eth1']],
    ] as const) {
      const tag = file.startsWith('gre') ? 'g' : 'v';
      for (const side of ['a', 'b']) {
        const br = `${tag}${side}`;
        await ovs.addBridge(br, { failMode: 'secure' });
        for (const p of ports) {
          const iface = `${br}-${p}`;
          // Two tunnels of one OVS must differ: each bridge gets its own remote address.
          const remote = `options:remote_ip=198.51.100.${side === 'a' ? 1 : 2}`;
          const type = p.startsWith('gre')
            ? ['type=gre', remote, 'options:key=flow']
            : ['type=internal'];
          await ovs.vsctl('add-port', br, iface, '--', 'set', 'Interface', iface, ...type);
        }
      }
      // The files name ports vm1, vm3, ...; these bridges prefix them, as a second host would.
      const text = readFileSync(join(ROOT, 'flows', file), 'utf8');
      const local = (br: string) => text.replace(/\b(vm1|vm3|gre0|eth1)\b/g, `${br}-$1`);
      const fa = join(dir, `${tag}a.flows`);
      const fb = join(dir, `${tag}b.flows`);
      writeFileSync(fa, local(`${tag}a`));
      writeFileSync(fb, local(`${tag}b`));
      expect(await ours('add-flows', `${tag}a`, fa)).toMatchObject({ code: 0, stderr: '' });
      expect(await ofctl('add-flows', `${tag}b`, fb)).toMatchObject({ code: 0, stderr: '' });
      const a = await ofctl('--names', '--sort', '--no-stats', 'dump-flows', `${tag}a`);
      const b = await ofctl('--names', '--sort', '--no-stats', 'dump-flows', `${tag}b`);
      expect(a.stdout.replaceAll(`${tag}a-`, '')).toBe(b.stdout.replaceAll(`${tag}b-`, ''));
      expect(a.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(5);
    }
    const gre = await ours('--names', '--no-stats', '--sort', 'dump-flows', 'ga');
    expect(gre.stdout).toContain('priority=100,tun_id=0x64,in_port=ga-gre0 actions=output:ga-vm1');
    expect(gre.stdout).toContain(
      'priority=100,in_port=ga-vm3 actions=set_field:0xc8->tun_id,output:ga-gre0',
    );
    const vlan = await ours('--names', '--no-stats', '--sort', 'dump-flows', 'va');
    expect(vlan.stdout).toContain(
      'priority=100,in_port=va-vm1,vlan_tci=0x0000/0x1fff actions=push_vlan:0x8100,set_field:4098->vlan_vid,output:va-eth1',
    );
    expect(vlan.stdout).toContain(
      'priority=100,in_port=va-eth1,dl_vlan=3 actions=pop_vlan,output:va-vm3',
    );
  });
});
