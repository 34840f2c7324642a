/**
 * `npm run bench [NAME...] [-- options]`: runs the named benchmarks (all when none is
 * named). Each benchmark module exports `run(args)` and prints its own figures.
 */

interface BenchModule {
  run(args: string[]): Promise<void>;
}

/** Benchmark name -> module file beside this one (bench/NAME.ts). */
const BENCHES: Record<string, string> = {
  codec: './codec.js',
  classifier: './classifier.js',
  'flow-setup': './flow-setup.js',
  'engine-model': './engine-model.js',
  load: './load.js',
  cluster: './cluster.js',
  cli: './cli.js',
  'api-load': './api-load.js',
  'web-paint': './web-paint.js',
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const names = argv.filter((a) => a in BENCHES);
  const rest = argv.filter((a) => !(a in BENCHES));
  const unknown = rest.filter((a) => !a.startsWith('-') && !/^\d/.test(a));
  if (unknown.length > 0 && names.length === 0) {
    console.error(
      `unknown benchmark ${unknown[0]}; choose from: ${Object.keys(BENCHES).join(', ')}`,
    );
    process.exit(2);
  }
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`\n### bench ${name}`);
    const mod = (await import(BENCHES[name]!)) as BenchModule;
    await mod.run(rest);
  }
}

await main();
