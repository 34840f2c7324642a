/**
 * static-flows configuration: the example loads; datapath keys are read as dpids or
 * bridge names; flow files resolve against the config file's folder; and every mistake
 * (missing file, a line that does not parse, a cookie the app could not find again, a
 * delete line, two lines for one flow, a typo in a key) stops the load with the file,
 * the key or the file:line, and what is wrong.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  baseDirOf,
  configFromJson,
  dpidOfKey,
  reread,
  type StaticFlowsConfig,
} from '../../apps/static-flows/config.js';
import staticFlows from '../../apps/static-flows/index.js';
import { ConfigError } from '../../src/runtime/config.js';

const EXAMPLE_DIR = fileURLToPath(new URL('../../apps/static-flows/example/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'static-flows-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A config file in a fresh folder, with flow files beside it; returns its `where`. */
function setup(files: Record<string, string>): { where: string; dir: string } {
  const dir = mkdtempSync(join(tmp, 'c-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, 'ctl.json'), '{}');
  return { where: `${join(dir, 'ctl.json')}: appConfig.static-flows`, dir };
}

function load(raw: unknown, files: Record<string, string> = {}): StaticFlowsConfig {
  return configFromJson(raw, setup(files).where);
}

function errorOf(raw: unknown, files: Record<string, string> = {}): ConfigError {
  const { where } = setup(files);
  try {
    configFromJson(raw, where);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('config was accepted');
}

describe('the example', () => {
  test('apps/static-flows/example/controller.json loads with its flow file', async () => {
    const { readFileSync } = await import('node:fs');
    const file = join(EXAMPLE_DIR, 'controller.json');
    const section = JSON.parse(readFileSync(file, 'utf8')).appConfig['static-flows'];
    const c = configFromJson(section, `${file}: appConfig.static-flows`);
    expect(c.baseDir).toBe(EXAMPLE_DIR.replace(/\/$/, ''));
    expect(c.datapaths.map((d) => [d.key, d.dpid, d.bridge])).toEqual([
      ['0000000000000001', 1n, undefined],
    ]);
    const lines = c.datapaths[0]!.flows.lines;
    expect(lines.map((l) => l.origin)).toEqual([
      'vlan-trunk.flows:5',
      'vlan-trunk.flows:6',
      'vlan-trunk.flows:9',
      'vlan-trunk.flows:10',
      'vlan-trunk.flows:13',
    ]);
    expect(lines[4]!.text).toBe('priority=0,actions=drop');
    expect(c.default?.lines).toEqual([
      {
        origin: `${file}: appConfig.static-flows.default.lines[0]`,
        text: 'priority=0,actions=drop',
      },
    ]);
    expect(c.warnings).toEqual([]);
    expect(Object.isFrozen(lines[0])).toBe(true);
    expect(Object.isFrozen(c.datapaths)).toBe(true);
  });

  test('the app definition validates its section and carries the "SF" cookie', () => {
    expect(staticFlows.name).toBe('static-flows');
    expect(staticFlows.cookie).toEqual({
      value: 0x5346_0000_0000_0000n,
      mask: 0xffff_0000_0000_0000n,
    });
    expect(() => staticFlows.validateConfig!(undefined, 'c.json: appConfig.static-flows')).toThrow(
      /^c\.json: appConfig\.static-flows: static-flows needs a configuration here/,
    );
  });
});

describe('datapath keys', () => {
  test('16 hex digits, 0x-hex and colon-separated bytes are dpids; the rest bridge names', () => {
    expect(dpidOfKey('0000000000000001')).toBe(1n);
    expect(dpidOfKey('0x1A')).toBe(0x1an);
    expect(dpidOfKey('00:00:00:00:00:00:01:0f')).toBe(0x10fn);
    expect(dpidOfKey('ffffffffffffffff')).toBe(0xffff_ffff_ffff_ffffn);
    for (const name of ['br0', 'deadbeef', '0x', '0x12345678901234567', 'br-int']) {
      expect(dpidOfKey(name), name).toBeUndefined();
    }
  });

  test('entries keep their key, dpid or bridge, in file order', () => {
    const c = load({
      datapaths: {
        'br-edge': { lines: ['actions=NORMAL'] },
        '0x2': { lines: ['actions=drop'] },
      },
    });
    expect(c.datapaths.map((d) => [d.key, d.dpid, d.bridge])).toEqual([
      ['br-edge', undefined, 'br-edge'],
      ['0x2', 2n, undefined],
    ]);
    expect(c.default).toBeUndefined();
  });

  test('two keys for one dpid are an error', () => {
    const e = errorOf({
      datapaths: { '0x1': { lines: ['actions=drop'] }, '0000000000000001': { lines: [] } },
    });
    expect(e.where).toMatch(/appConfig\.static-flows\.datapaths\.0000000000000001$/);
    expect(e.problem).toBe('same datapath ID as "0x1"');
  });
});

describe('flow files', () => {
  test('paths resolve against the config file folder; files come before inline lines', () => {
    const c = load(
      { default: { file: ['base.flows', 'more/extra.flows'], lines: ['priority=9,actions=drop'] } },
      {
        'base.flows': '# comment only\n\npriority=1,actions=drop  # trailing comment\n',
        'more/extra.flows': 'add priority=2,in_port=eth1,actions=output:eth2\r\n',
      },
    );
    expect(c.default!.lines.map((l) => `${l.origin} ${l.text}`)).toEqual([
      'base.flows:3 priority=1,actions=drop',
      'more/extra.flows:1 add priority=2,in_port=eth1,actions=output:eth2',
      expect.stringMatching(/default\.lines\[0\] priority=9,actions=drop$/),
    ]);
  });

  test('baseDirOf: the folder of the file named in `where`, else the working folder', () => {
    const { where, dir } = setup({});
    expect(baseDirOf(where)).toBe(dir);
    expect(baseDirOf('config: appConfig.static-flows')).toBe(process.cwd());
  });

  test('an empty flow file is allowed: that switch is to hold no static flows', () => {
    const c = load({ default: { file: 'none.flows' } }, { 'none.flows': '# nothing yet\n' });
    expect(c.default!.lines).toEqual([]);
  });

  test('a missing file names the key, the path as written and where it was looked for', () => {
    const { where, dir } = setup({});
    let err: ConfigError | undefined;
    try {
      configFromJson({ datapaths: { br0: { file: 'nope.flows' } } }, where);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.where).toMatch(/appConfig\.static-flows\.datapaths\.br0\.file$/);
    expect(err!.problem).toBe(
      `cannot read flow file "nope.flows" (${join(dir, 'nope.flows')}): no such file`,
    );
  });

  test('reread loads the files again', () => {
    const { where, dir } = setup({ 'a.flows': 'priority=1,actions=drop\n' });
    const c = configFromJson({ default: { file: 'a.flows' } }, where);
    writeFileSync(join(dir, 'a.flows'), 'priority=1,actions=drop\npriority=2,actions=drop\n');
    expect(reread(c).default!.lines.map((l) => l.origin)).toEqual(['a.flows:1', 'a.flows:2']);
    expect(c.default!.lines).toHaveLength(1);
  });
});

describe('bad flows stop the load with FILE:LINE', () => {
  test('a line that does not parse: the parser message and the line', () => {
    const e = errorOf(
      { default: { file: 'f.flows' } },
      { 'f.flows': 'priority=1,actions=drop\n\npriority=2,bogus=1,actions=drop\n' },
    );
    expect(e.where).toBe('f.flows:3');
    expect(e.message).toMatch(/^f\.flows:3: unknown keyword bogus\n {2}in: priority=2,bogus=1/);
    expect(e.message).toMatch(/\(flows of .*appConfig\.static-flows\.default\)$/);
  });

  test('an inline line is named by its key and index', () => {
    const e = errorOf({ datapaths: { br0: { lines: ['actions=drop', 'priority=1'] } } });
    expect(e.where).toMatch(/appConfig\.static-flows\.datapaths\.br0\.lines\[1\]$/);
    expect(e.problem).toMatch(/^must specify an action/);
  });

  test('port names pass before the switch is known, an empty port does not', () => {
    expect(load({ default: { lines: ['in_port=eth7,actions=output:"vm 1",eth2'] } })).toBeDefined();
    const e = errorOf({ default: { lines: ['priority=3,actions=output:'] } });
    expect(e.where).toMatch(/default\.lines\[0\]$/);
  });

  test('a cookie with any of the top 16 bits set is refused; 48 bits are fine', () => {
    const e = errorOf({ default: { lines: ['cookie=0x1000000000000,actions=drop'] } });
    expect(e.where).toMatch(/default\.lines\[0\]$/);
    expect(e.problem).toMatch(/^cookie=0x1000000000000 has bits in the top 16/);
    expect(load({ default: { lines: ['cookie=0xffffffffffff,actions=drop'] } })).toBeDefined();
    expect(load({ default: { lines: ['cookie=0x534600000000002a,actions=drop'] } })).toBeDefined();
  });

  test('delete and modify lines are refused, a leading "add" is accepted', () => {
    for (const line of ['delete in_port=1', 'modify_strict priority=1,actions=drop']) {
      expect(errorOf({ default: { lines: [line] } }).problem, line).toMatch(
        /^only flows to add belong here/,
      );
    }
    expect(
      load({ default: { lines: ['add priority=1,actions=drop'] } }).default!.lines,
    ).toHaveLength(1);
  });

  test('two lines for the same flow (fields in another order) name both lines', () => {
    const e = errorOf(
      { default: { file: 'dup.flows' } },
      {
        'dup.flows':
          'ip,nw_src=10.0.0.1,priority=5,actions=drop\n' +
          'table=1,priority=5,ip,nw_src=10.0.0.1,actions=drop\n' +
          'priority=5,nw_src=10.0.0.1,ip,actions=output:1\n',
      },
    );
    expect(e.where).toBe('dup.flows:3');
    expect(e.problem).toMatch(
      /^the same flow \(table=0 priority=5,ip,nw_src=10\.0\.0\.1\) as dup\.flows:1/,
    );
  });

  test('the same port name twice is the same flow even before ports are known', () => {
    const e = errorOf({
      default: {
        lines: [
          'in_port=eth1,actions=drop',
          'in_port=eth2,actions=drop',
          'in_port=eth1,actions=NORMAL',
        ],
      },
    });
    expect(e.where).toMatch(/lines\[2\]$/);
    expect(e.problem).toMatch(/lines\[0\]/);
  });

  test("ovs-ofctl's warnings are kept with the line they concern", () => {
    const c = load({ default: { lines: ['priority=3,nw_dst=10.0.0.1,actions=drop'] } });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/default\.lines\[0\]: normalization changed ofp_match/);
  });
});

describe('shape errors', () => {
  test.each([
    [{}, '', 'expected "datapaths", "default" or both'],
    [
      { datapath: {} },
      '.datapath',
      'unknown key; expected one of: description, datapaths, default',
    ],
    [{ default: [] }, '.default', 'expected an object, got a list'],
    [
      { default: {} },
      '.default',
      'expected "file" (a flow file or a list of them), "lines", or both',
    ],
    [
      { datapaths: { br0: { files: 'x' } } },
      '.datapaths.br0.files',
      'unknown key; expected one of: description, file, lines',
    ],
    [{ default: { lines: [1] } }, '.default.lines[0]', 'expected a non-empty string, got 1'],
    [{ default: { file: '' } }, '.default.file', 'expected a non-empty string, got ""'],
    [{ default: { file: 3 } }, '.default.file', 'expected a string or a list of strings, got 3'],
    [
      { datapaths: { ' ': { lines: [] } } },
      '.datapaths." "',
      'expected a datapath ID or a bridge name',
    ],
  ])('%j', (raw, key, problem) => {
    const e = errorOf(raw);
    expect(e.where).toMatch(
      new RegExp(`: appConfig\\.static-flows${key.replace(/[.[\]]/g, '\\$&')}$`),
    );
    expect(e.problem).toBe(problem);
  });
});
