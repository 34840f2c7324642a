/**
 * The built-in apps, by the name `--app NAME` uses. Each entry loads the app's module
 * on demand, so only the apps asked for are imported. An app placed in apps/NAME/ and
 * built is also found by name without an entry here (see src/runtime/app-loader.ts).
 */
export const BUILTIN_APPS: Readonly<Record<string, () => Promise<unknown>>> = {
  'l2-learning': () => import('./l2-learning/index.js'),
  lswitch: () => import('./lswitch/index.js'),
  'static-flows': () => import('./static-flows/index.js'),
  vnet: () => import('./vnet/index.js'),
};
