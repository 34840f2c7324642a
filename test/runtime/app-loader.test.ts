/**
 * Loading apps by name (the built-in registry, then APPS_DIR/NAME/index.js) and by
 * path, and the messages when that fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUILTIN_APPS } from '../../apps/index.js';
import { loadApp, looksLikePath } from '../../src/runtime/internal.js';

const dir = mkdtempSync(join(tmpdir(), 'ofctl-apps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP_JS = (name: string) => `export default { name: '${name}', create: () => ({}) };\n`;
writeFileSync(join(dir, 'mine.mjs'), APP_JS('mine'));
writeFileSync(
  join(dir, 'named.mjs'),
  `export const app = { name: 'named', create: () => ({}) };\n`,
);
writeFileSync(join(dir, 'empty.mjs'), 'export const nothing = 1;\n');
writeFileSync(join(dir, 'throws.mjs'), "throw new Error('bad module');\n");
mkdirSync(join(dir, 'dropped-in'));
writeFileSync(join(dir, 'dropped-in', 'index.js'), APP_JS('dropped-in'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');

const opts = { registry: BUILTIN_APPS, appsDir: dir, baseDir: dir };

describe('loadApp', () => {
  test('a built-in app by name', async () => {
    const def = await loadApp('l2-learning', opts);
    expect(def.name).toBe('l2-learning');
    expect(def.cookie?.value).toBe(0x4c32_0000_0000_0000n);
  });

  test('an app dropped into the apps directory, by name', async () => {
    expect((await loadApp('dropped-in', opts)).name).toBe('dropped-in');
  });

  test('an app by path (relative to the base dir or absolute), default or `app` export', async () => {
    expect((await loadApp('./mine.mjs', opts)).name).toBe('mine');
    expect((await loadApp(join(dir, 'named.mjs'), opts)).name).toBe('named');
  });

  test('an unknown name lists the built-in apps and says how to load your own', async () => {
    await expect(loadApp('l3-routing', opts)).rejects.toThrow(
      /^unknown app "l3-routing": built-in apps are [^;]*l2-learning/,
    );
    await expect(loadApp('l3-routing', opts)).rejects.toThrow(/give its path \(e\.g\. --app/);
  });

  test('a missing file, a module without an app and a module that throws', async () => {
    await expect(loadApp('./nope.js', opts)).rejects.toThrow(
      /app module .*nope\.js does not exist/,
    );
    await expect(loadApp('./empty.mjs', opts)).rejects.toThrow(
      './empty.mjs does not export an app: expected `export default defineApp',
    );
    await expect(loadApp('./throws.mjs', opts)).rejects.toThrow(
      'cannot load ./throws.mjs: bad module',
    );
  });

  test('what counts as a path', () => {
    expect(looksLikePath('l2-learning')).toBe(false);
    expect(looksLikePath('./a')).toBe(true);
    expect(looksLikePath('app.js')).toBe(true);
    expect(looksLikePath('/abs/app')).toBe(true);
  });
});
