/**
 * Reads the V8 CPU profiles (`node --cpu-prof`) written by the controller under test
 * and prints its hotspots: self time and inclusive time per function, as a share of
 * all samples, so the slow parts of the flow-setup path can be named precisely.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { table } from './report.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
}

export interface Hotspot {
  readonly name: string;
  readonly selfShare: number;
  readonly totalShare: number;
}

function label(n: ProfileNode, root: string): string {
  const f = n.callFrame;
  const fn = f.functionName || '(anonymous)';
  if (!f.url) return fn;
  const file = f.url.startsWith('file://') ? path.relative(root, new URL(f.url).pathname) : f.url;
  return `${fn} ${file}:${f.lineNumber + 1}`;
}

/** Self and inclusive sample shares per function (by name and location), largest self first. */
export function hotspots(profile: CpuProfile, root: string): Hotspot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const key = label(node, root);
    self.set(key, (self.get(key) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!, root);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + 1);
    }
  }
  const n = profile.samples.length || 1;
  return [...self]
    .map(([name, s]) => ({ name, selfShare: s / n, totalShare: (total.get(name) ?? s) / n }))
    .sort((a, b) => b.selfShare - a.selfShare);
}

/** Prints the top hotspots of every profile in `dir`. */
export function printProfiles(dir: string, root: string, top = 20): void {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {}
  if (files.length === 0) {
    console.log(
      `\n== cpu profile: none written in ${dir} (the controller must exit cleanly on SIGTERM)`,
    );
    return;
  }
  for (const f of files) {
    const file = path.join(dir, f);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    console.log(`\n== cpu profile of ofctl-ts (throughput mode): ${file}`);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const rows = [['self', 'total', 'function']];
    for (const h of hotspots(profile, root).slice(0, top)) {
      rows.push([pct(h.selfShare), pct(h.totalShare), h.name]);
    }
    console.log(table(rows));
  }
}
