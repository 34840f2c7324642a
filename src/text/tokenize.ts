/**
 * ovs-ofctl's key-value scanner (ofputil_parse_key_value): pairs are separated by commas
 * or white space; a key ends at ':', '=', '(' or a separator; a value after ':' or '='
 * runs to the next separator (parentheses nest), a value after '(' runs to the matching
 * ')', and "(x)->y" keeps its arrow part. Also ofp_extract_actions, which splits a flow at
 * its first "action".
 */

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

const SEPARATORS = ', \t\r\n';

function valueLength(s: string, from: number, delims: string): number {
  let n = from;
  while (n < s.length && !delims.includes(s[n]!)) {
    if (s[n] === '(') {
      let level = 0;
      do {
        if (n >= s.length) return n - from;
        if (s[n] === '(') level++;
        else if (s[n] === ')') level--;
        n++;
      } while (level > 0);
    } else {
      n++;
    }
  }
  return n - from;
}

/** Splits `text` into key-value pairs exactly as ovs-ofctl does. */
export function parseKeyValues(text: string): KeyValue[] {
  const out: KeyValue[] = [];
  let pos = 0;
  const s = text;
  for (;;) {
    while (pos < s.length && SEPARATORS.includes(s[pos]!)) pos++;
    if (pos >= s.length) return out;
    let keyEnd = pos;
    while (keyEnd < s.length && !':=(, \t\r\n'.includes(s[keyEnd]!)) keyEnd++;
    const key = s.slice(pos, keyEnd);
    const delim = s[keyEnd];
    pos = keyEnd + (delim === undefined ? 0 : 1);
    let delims: string;
    if (delim === ':' || delim === '=') delims = SEPARATORS;
    else if (delim === '(') delims = ')';
    else {
      out.push({ key, value: '' });
      continue;
    }
    let len = valueLength(s, pos, delims);
    if (delim === '(' && s[pos + len] === ')' && s.slice(pos + len + 1, pos + len + 3) === '->') {
      len += valueLength(s, pos + len, SEPARATORS);
    }
    out.push({ key, value: s.slice(pos, pos + len) });
    pos += len + (pos + len < s.length ? 1 : 0);
  }
}

/** ofp_extract_actions: the match part and the actions text after "action...=". */
export function extractActions(text: string): { match: string; actions: string | undefined } {
  const at = text.indexOf('action');
  if (at < 0) return { match: text, actions: undefined };
  const eq = text.indexOf('=', at + 1);
  return { match: text.slice(0, at), actions: eq < 0 ? undefined : text.slice(eq + 1) };
}
