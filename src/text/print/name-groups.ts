/**
 * Open vSwitch's compact form for a list of field names in table features: neighbours that
 * share a prefix up to an underscore fold into braces ("eth_src eth_dst" becomes
 * "eth_{src,dst}", recursively), and numbered runs fold into ranges ("reg0...reg15").
 */

const NUMBERED = /^(.*?)(\d+)$/;

/** Folds runs of three or more consecutive numbers with the same stem. */
function foldNumbers(names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length; ) {
    const m = NUMBERED.exec(names[i]!);
    let j = i;
    if (m) {
      const stem = m[1]!;
      let n = Number(m[2]);
      while (j + 1 < names.length) {
        const next = NUMBERED.exec(names[j + 1]!);
        if (!next || next[1] !== stem || Number(next[2]) !== n + 1) break;
        n++;
        j++;
      }
    }
    if (m && j - i >= 2) out.push(`${names[i]}...${names[j]}`);
    else for (let k = i; k <= j; k++) out.push(names[k]!);
    i = j + 1;
  }
  return out;
}

function prefixOf(name: string): string | undefined {
  const u = name.indexOf('_');
  return u > 0 && u < name.length - 1 ? name.slice(0, u + 1) : undefined;
}

function fold(names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length; ) {
    const prefix = prefixOf(names[i]!);
    let j = i;
    if (prefix) while (j + 1 < names.length && names[j + 1]!.startsWith(prefix)) j++;
    if (prefix && j > i) {
      const inner = fold(names.slice(i, j + 1).map((n) => n.slice(prefix.length)));
      out.push(`${prefix.slice(0, -1)}_{${inner.join(',')}}`);
    } else {
      out.push(names[i]!);
    }
    i = j + 1;
  }
  return foldNumbers(out);
}

/** The names (already in Open vSwitch's field order) in OVS's compact form. */
export function groupNames(names: readonly string[]): string {
  return fold(names).join(' ');
}
