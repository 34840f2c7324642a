/**
 * No import cycles in src/ and apps/ (arrows point down: codec -> text/engine ->
 * runtime -> apps -> cli). A new cycle fails here with the files around it; the walker
 * itself is checked on small graphs.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { importCycles, moduleGraph } from '../support/module-graph.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('import cycles', () => {
  test('src/ and apps/ have none', () => {
    const graph = moduleGraph(ROOT, ['src', 'apps']);
    // The walker sees the real graph (a broken walker would find no cycles either).
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/runtime/controller.ts')).toContain('src/runtime/connection.ts');
    const cycles = importCycles(graph).map((c) => c.join(' -> '));
    expect(cycles).toEqual([]);
  });

  test('the walker finds a cycle and names its files', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCycles(g)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });

  test('a graph without cycles has none', () => {
    expect(
      importCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
