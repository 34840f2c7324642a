#!/usr/bin/env node
/**
 * The installed `ofctl-ts` executable, bundled into dist/cli/ofctl-ts.js by
 * scripts/build-cli.mjs. The controller runs with source maps on, so its stack traces name
 * TypeScript lines; the short commands leave them off (reading the maps would cost a
 * fifth of their start-up) unless NODE_OPTIONS=--enable-source-maps asks for them.
 */
if (process.argv.includes('controller')) process.setSourceMapsEnabled(true);
await import('./main.js');
