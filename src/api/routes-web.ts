/**
 * The web view (web/ in the package): a few static files read once at start and served
 * from memory with their content type, `/` being web/index.html. The page is a client of
 * the public API and nothing more (it reads /switches, /apps/... and /events).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Api } from './context.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** web/ beside dist/ (dist/src/api/ -> ../../../web) or beside src/ when run from source. */
export function webDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = join(here, '../../../web');
  const fromSrc = join(here, '../../web');
  try {
    readdirSync(fromDist);
    return fromDist;
  } catch {
    return fromSrc;
  }
}

export function webRoutes(dir = webDir()) {
  const files = new Map<string, { type: string; body: Buffer }>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // A package built without web/: the API serves no page.
  }
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return async (api: Api) => {
    const serve =
      (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
        const f = files.get(name)!;
        return reply.type(f.type).header('cache-control', 'no-cache').send(f.body);
      };
    for (const name of files.keys()) {
      const url = name === 'index.html' ? '/' : `/web/${name}`;
      api.get(url, { schema: { hide: true } }, serve(name));
    }
  };
}
