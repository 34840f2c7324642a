/**
 * The import graph of the TypeScript sources under some folders, and its cycles: every
 * static `import` and `export ... from` (type-only ones too: they tie the modules'
 * meaning together even when erased) between files of those folders, read with the
 * TypeScript compiler's own pre-processor. A cycle is reported as the files around it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** file (relative to `root`, with `/`) -> the files it imports, in source order. */
export type ModuleGraph = ReadonlyMap<string, readonly string[]>;

/** Every .ts file (tests excluded) under `dirs` of `root`, with its relative imports. */
export function moduleGraph(root: string, dirs: readonly string[]): ModuleGraph {
  const files = dirs.flatMap((d) => tsFiles(path.join(root, d)));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
    const targets: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), fileName.replace(/\.js$/, '.ts'));
      if (known.has(target) && !targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  return new Map([...graph].map(([f, ts]) => [rel(f), ts.map(rel)]));
}

/**
 * The strongly connected components of more than one file (and files importing
 * themselves), each as a cycle through its files (Tarjan's algorithm, then a path).
 */
export function importCycles(graph: ModuleGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || graph.get(v)?.includes(v)) components.push(scc);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((scc) => cycleThrough(graph, new Set(scc)));
}

/** One cycle inside a strongly connected component: start, ..., start. */
function cycleThrough(graph: ModuleGraph, scc: ReadonlySet<string>): string[] {
  const start = [...scc].sort()[0]!;
  // Breadth-first from start back to start, inside the component: the shortest cycle.
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let u = v; u !== start; u = from.get(u)!) cycle.splice(1, 0, u);
        return [...cycle, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
      out.push(p);
  }
  return out.sort();
}
