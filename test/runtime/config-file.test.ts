/**
 * Config files: JSON or YAML by extension, syntax errors with line and column, OS errors
 * in words, and schema errors worded from the TypeBox schema (key path, what was
 * expected, the valid keys, the branch of a union the value picked).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { afterAll, describe, expect, test } from 'vitest';
import { configFromJson } from '../../apps/vnet/config.js';
import {
  checkConfig,
  parseConfigFile,
  parseConfigText,
  readConfigFile,
} from '../../src/runtime/internal.js';

const dir = mkdtempSync(join(tmpdir(), 'config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON and YAML', () => {
  test('the extension chooses the syntax; both give the same settings', () => {
    const json = parseConfigFile('{"listen": "tcp:127.0.0.1:7000", "echoInterval": 2}', 'c.json');
    const yaml = parseConfigFile('listen: tcp:127.0.0.1:7000\nechoInterval: 2\n', 'c.yaml');
    expect(yaml).toEqual(json);
    expect(parseConfigText('a: [1, 2]', 'x.YML')).toEqual({ a: [1, 2] });
    expect(() => parseConfigText('a: 1', 'x.json')).toThrow(/not valid JSON/);
  });

  test('every example config in flows/ has a YAML twin that reads the same', () => {
    for (const name of ['vnet-gre', 'vnet-vlan']) {
      const json = readConfigFile(join('flows', `${name}.json`));
      const yaml = readConfigFile(join('flows', `${name}.yaml`));
      expect(yaml, name).toEqual(json);
      const section = (yaml as { appConfig: { vnet: unknown } }).appConfig.vnet;
      expect(configFromJson(section, `${name}.yaml: appConfig.vnet`).datapaths.length).toBe(2);
    }
  });

  test.each([
    ['{\n  "a": 1,\n  "b": tru\n}', 'c.json', /^c\.json: not valid JSON at line 3, column 8: /],
    ['{"a": 1', 'c.json', /^c\.json: not valid JSON at line 1, column 8: /],
    ['', 'c.json', /^c\.json: not valid JSON at line 1, column 1: Unexpected end/],
    ['a: 1\n b: 2\n', 'c.yaml', /^c\.yaml: not valid YAML at line 1, column 4: Nested mappings/],
    ['a: [1, 2\nb: 3', 'c.yml', /^c\.yml: not valid YAML at line 2, column 1: /],
  ])('syntax error in %j names line and column', (text, file, message) => {
    expect(() => parseConfigText(text, file)).toThrow(message);
  });

  test('an unreadable file is said in words', () => {
    expect(() => readConfigFile('/nonexistent/x.json')).toThrow(
      'cannot read config /nonexistent/x.json: no such file',
    );
    expect(() => readConfigFile(dir)).toThrow(`cannot read config ${dir}: it is a directory`);
  });
});

describe('schema errors', () => {
  const schema = Type.Object(
    {
      count: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, default: 3 })),
      name: Type.Optional(Type.String({ minLength: 1 })),
      shape: Type.Optional(
        Type.Union([
          Type.Object({ kind: Type.Literal('dot') }, { additionalProperties: false }),
          Type.Object(
            { kind: Type.Literal('box'), side: Type.Number({ minimum: 0 }) },
            { additionalProperties: false },
          ),
        ]),
      ),
      tags: Type.Optional(Type.Array(Type.String())),
    },
    { additionalProperties: false },
  );
  const err = (raw: unknown) => {
    try {
      checkConfig(schema, raw, 'f.yaml: app');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  test('defaults are filled in and the input is left alone', () => {
    const raw = { name: 'x' };
    expect(checkConfig(schema, raw, 'f')).toEqual({ name: 'x', count: 3 });
    expect(raw).toEqual({ name: 'x' });
  });

  test.each([
    [{ cuont: 1 }, 'f.yaml: app.cuont: unknown key; expected one of: count, name, shape, tags'],
    [{ count: 10 }, 'f.yaml: app.count: expected an integer from 1 to 9, got 10'],
    [{ count: '3' }, 'f.yaml: app.count: expected an integer from 1 to 9, got "3"'],
    [{ name: '' }, 'f.yaml: app.name: expected a non-empty string, got ""'],
    [{ tags: ['a', 2] }, 'f.yaml: app.tags[1]: expected a string, got 2'],
    [
      { shape: { kind: 'blob' } },
      'f.yaml: app.shape.kind: expected one of "dot", "box", got "blob"',
    ],
    [{ shape: { kind: 'box' } }, 'f.yaml: app.shape.side: missing; this key is required'],
    [
      { shape: { kind: 'dot', side: 1 } },
      'f.yaml: app.shape.side: unknown key; expected one of: kind',
    ],
    [{ shape: 'dot' }, 'f.yaml: app.shape: expected an object, got "dot"'],
    [[1], 'f.yaml: app: expected an object, got a list'],
  ])('%j', (raw, message) => {
    expect(err(raw)).toBe(message);
  });

  test('the schemas are plain JSON Schema (for the API and OpenAPI)', () => {
    const text = readFileSync(new URL('../../flows/vnet-gre.yaml', import.meta.url), 'utf8');
    expect(text).toMatch(/^# /);
    expect(JSON.parse(JSON.stringify(schema)).properties.count).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 9,
      default: 3,
    });
  });
});
