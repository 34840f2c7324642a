/**
 * The flows `npm run bench cli` and the large e2e comparison load: the shape of a
 * security-group table (three tables, tcp matches on in_port, nw_src, nw_dst/24 and
 * tp_dst), seeded so every run sees the same flows.
 */

/** mulberry32: a small seeded generator, so every run benches the same flows. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N flows with unique (table, priority, match): the shape of a security-group table. */
export function benchFlows(n: number, seed: number): string[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const flows: string[] = [];
  for (let i = 0; i < n; i++) {
    const table = i % 3;
    const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const dst = `172.${int(16, 31)}.${int(0, 255)}.0/24`;
    const action = table < 2 && r() < 0.3 ? `goto_table:${table + 1}` : `output:${int(1, 4)}`;
    flows.push(
      `table=${table},priority=${int(1, 60000)},tcp,in_port=${int(1, 4)},nw_src=${src},` +
        `nw_dst=${dst},tp_dst=${int(1, 65535)},actions=${action}`,
    );
  }
  return flows;
}

/** The same flows with about 10% changed actions, 5% removed and 5% new. */
export function changedFlows(flows: readonly string[], seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (const f of flows) {
    const x = r();
    if (x < 0.05) continue;
    out.push(x < 0.15 ? f.replace(/actions=.*$/, 'actions=drop') : f);
  }
  const extra = benchFlows(Math.ceil(flows.length / 20), seed + 1).map((f) =>
    f.replace('nw_src=10.', 'nw_src=11.'),
  );
  return out.concat(extra);
}
