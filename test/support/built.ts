/**
 * For tests that run the compiled project (dist/): a check that the build is there and
 * newer than its sources, failing with what to run instead of testing stale code.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function tsFiles(path: string): string[] {
  if (path.endsWith('.ts')) return [join(ROOT, path)];
  return readdirSync(join(ROOT, path), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(ROOT, path, f));
}

/**
 * Throws unless every TypeScript file in `sources` (folders, searched recursively, or
 * files; relative to the repository root) has its compiled .js in dist/, newer than it.
 */
export function requireBuilt(sources: readonly string[]): void {
  for (const src of sources.flatMap(tsFiles)) {
    const out = join(ROOT, 'dist', relative(ROOT, src)).replace(/\.ts$/, '.js');
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(
        `${relative(ROOT, out)} is missing or older than its source: run \`npm run build\` first`,
      );
    }
  }
}
