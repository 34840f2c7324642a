/** Text output of the flow-setup benchmark: number formats, aligned tables, the machine line. */
import os from 'node:os';

export const fmtInt = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';

export function fmtUs(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return 'n/a';
  return us < 1000 ? `${us.toFixed(0)} us` : `${(us / 1000).toFixed(2)} ms`;
}

export const fmtRatio = (r: number): string =>
  Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x` : 'n/a';

export function fmtMib(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`;
}

/** Rows of cells as left-aligned columns (first row is the header, underlined). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]!.length);
  }
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = rows.map(line);
  if (out.length > 0) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}

export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const mem = (os.totalmem() / 2 ** 30).toFixed(1);
  return (
    `machine: ${model}, ${cpus.length} core${cpus.length === 1 ? '' : 's'}, ${mem} GiB RAM, ` +
    `${os.type()} ${os.release()}; Node ${process.version}`
  );
}
