/**
 * Loading apps: `--app NAME` finds a built-in app in the registry the caller passes
 * (apps/index.ts), else `APPS_DIR/NAME/index.js` (an app dropped into apps/ and built);
 * `--app PATH` (anything with a slash or a .js/.mjs/.ts ending) imports that module.
 * The module's default export (or its `app` export) must be a defineApp() definition.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AppDefinition, isAppDefinition } from './app.js';

/** Built-in app name -> module loader. */
export type AppRegistry = Readonly<Record<string, () => Promise<unknown>>>;

export interface AppLoadOptions {
  readonly registry: AppRegistry;
  /** Directory holding compiled apps as NAME/index.js; skipped when undefined. */
  readonly appsDir?: string | undefined;
  /** Relative paths are resolved from here. */
  readonly baseDir: string;
}

export function looksLikePath(spec: string): boolean {
  return spec.includes('/') || /\.(m?js|ts)$/.test(spec);
}

/** Loads one app; throws an Error saying what was looked for and what to do. */
export async function loadApp(spec: string, opts: AppLoadOptions): Promise<AppDefinition<unknown>> {
  const where = looksLikePath(spec) ? spec : `app "${spec}"`;
  let mod: unknown;
  try {
    mod = await importApp(spec, opts);
  } catch (e) {
    if (e instanceof AppNotFound) throw e;
    if (isCommonJsFailure(e)) {
      throw new Error(
        `cannot load ${where}: Node.js loaded it as CommonJS, but an app is an ES module ` +
          `(\`import { defineApp } from 'ofctl-ts'\`): name the file .mjs, or add ` +
          '"type": "module" to the package.json beside it',
        { cause: e },
      );
    }
    throw new Error(`cannot load ${where}: ${(e as Error).message}`, { cause: e });
  }
  const m = mod as { default?: unknown; app?: unknown };
  const def = isAppDefinition(m.default) ? m.default : m.app;
  if (!isAppDefinition(def)) {
    throw new Error(
      `${where} does not export an app: expected \`export default defineApp({ name, create })\``,
    );
  }
  return def;
}

class AppNotFound extends Error {}

/** An ES module app in a CommonJS package (`npm init -y`), or require() of ofctl-ts. */
function isCommonJsFailure(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException;
  return (
    err?.code === 'ERR_REQUIRE_ESM' ||
    (err instanceof SyntaxError && /Cannot use import statement outside a module/.test(err.message))
  );
}

async function importApp(spec: string, opts: AppLoadOptions): Promise<unknown> {
  if (looksLikePath(spec)) {
    const file = isAbsolute(spec) ? spec : resolve(opts.baseDir, spec);
    if (!existsSync(file)) throw new AppNotFound(`app module ${file} does not exist`);
    return import(pathToFileURL(file).href);
  }
  const builtin = opts.registry[spec];
  if (builtin) return builtin();
  if (opts.appsDir !== undefined && /^[a-z0-9][a-z0-9-]*$/.test(spec)) {
    const file = join(opts.appsDir, spec, 'index.js');
    if (existsSync(file)) return import(pathToFileURL(file).href);
  }
  const known = Object.keys(opts.registry).join(', ') || 'none';
  throw new AppNotFound(
    `unknown app "${spec}": built-in apps are ${known}; to load your own, give its path ` +
      '(e.g. --app ./my-app.js)',
  );
}
