// Bundles the ofctl-ts command line into dist/cli/ (npm run build, after tsc): the
// switch commands in one ES module plus chunks, start-up about half that of the tsc
// output's ~150 modules. `controller` is not bundled: it is imported from tsc's output
// (dist/src/cli/controller.js), so the runtime an app gets from `import ... from
// 'ofctl-ts'` (dist/src/index.js) is the very module instance the controller runs (one
// class per error, one registry). Source maps sit beside each file.
import { build } from 'esbuild';

/** run.ts's `import('./controller.js')` stays an import of the tsc output. */
const controllerFromTsc = {
  name: 'controller-from-tsc',
  setup(b) {
    b.onResolve({ filter: /^\.\/controller\.js$/ }, (args) =>
      args.importer.endsWith('src/cli/run.ts')
        ? { path: '../src/cli/controller.js', external: true }
        : undefined,
    );
  },
};

await build({
  entryPoints: { 'ofctl-ts': 'src/cli/bin.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  sourcesContent: false,
  // Flat, so the relative external path above holds from every output file.
  chunkNames: '[name]-[hash]',
  plugins: [controllerFromTsc],
  logLevel: 'warning',
});
