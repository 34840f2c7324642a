// Bundles the ofctl-ts command line into dist/cli/ (npm run build, after tsc): one ES
// module per entry plus chunks shared between them, so a command loads only what it
// uses (the controller and its apps are chunks of their own, loaded by `controller`).
// Start-up is about half that of the tsc output's ~150 modules. Source maps sit beside
// each file; bin.ts turns them on for stack traces.
import { build } from 'esbuild';

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
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
