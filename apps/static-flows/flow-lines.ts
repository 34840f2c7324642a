/**
 * Flow text as `ovs-ofctl add-flows` reads it, and each line turned into the FLOW_MOD
 * the app installs. A flow file is one flow per line; `#` starts a comment, blank lines
 * are skipped, a line may start with the word `add` (any other command word is an error:
 * this app installs flows, it does not delete or modify them). Every line keeps its
 * origin (`flows/trunk.flows:7`, or the config key of an inline line) so a parse error
 * and a switch's rejection can both name it.
 *
 * Cookies: every flow carries the app's cookie in its top 16 bits (0x5346, "SF"), which
 * is how the app finds its own flows on a switch. A line may set `cookie=` itself; its
 * value then fills the low 48 bits (`cookie=0x2a` is installed as 0x534600000000002a),
 * and a cookie with other top bits is refused, since the app could never find that flow
 * again to keep or remove it.
 */
import { type FlowMod, FlowModCommand } from '../../src/codec/index.js';
import { parseFlow, splitCommand, toFlowMod } from '../../src/text/flow-parse.js';
import { PortMap } from '../../src/text/ports.js';

/** "SF" in the top 16 bits marks this app's flows. */
export const STATIC_COOKIE = 0x5346_0000_0000_0000n;
export const STATIC_COOKIE_MASK = 0xffff_0000_0000_0000n;

/** One flow line and where it came from. */
export interface FlowLine {
  /** `FILE:LINE`, or the config key of an inline line (`cfg.json: ...lines[2]`). */
  readonly origin: string;
  /** The flow as written (comment removed). */
  readonly text: string;
}

/** A FLOW_MOD ADD without its xid (the runtime assigns one). */
export type FlowAdd = Omit<FlowMod, 'xid'>;

/** ds_get_preprocessed_line: `#` comments cut, blank lines skipped, numbered from 1. */
export function fileLines(text: string, file: string): FlowLine[] {
  const out: FlowLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\r$/, '');
    if (/[^ \t]/.test(line)) out.push({ origin: `${file}:${i + 1}`, text: line.trim() });
  });
  return out;
}

/** The cookie a flow is installed with, given the line's own cookie (if any). */
function flowCookie(lineCookie: bigint | undefined): bigint {
  if (lineCookie === undefined) return STATIC_COOKIE;
  const top = lineCookie & STATIC_COOKIE_MASK;
  if (top !== 0n && top !== STATIC_COOKIE) {
    throw new Error(
      `cookie=0x${lineCookie.toString(16)} has bits in the top 16, which static-flows keeps ` +
        'for its own mark (0x5346...): give at most 48 bits (up to 0xffffffffffff)',
    );
  }
  return STATIC_COOKIE | lineCookie;
}

/**
 * The FLOW_MOD ADD for one line, port names resolved with `ports`. Throws an Error whose
 * message is the parser's (or the cookie rule's), without the origin.
 */
export function lineFlowMod(text: string, ports: PortMap, warn?: (w: string) => void): FlowAdd {
  const { command, rest } = splitCommand(text);
  if (command !== FlowModCommand.ADD) {
    throw new Error(
      'only flows to add belong here (no delete or modify lines): the app removes the flows ' +
        'that are no longer listed by itself',
    );
  }
  const parsed = parseFlow(rest, FlowModCommand.ADD, { ports, warn });
  const { xid: _xid, ...fm } = toFlowMod(parsed);
  return { ...fm, cookie: flowCookie(parsed.newCookie) };
}

/** Made-up port numbers for names, far from any real switch's numbering. */
const PLACEHOLDER_PORT = 0xfe00_0000;

/**
 * A port map that accepts every name (each gets its own made-up number): lines that name
 * ports can be checked at load, before any switch has said which ports it has.
 */
export class AnyNamePorts extends PortMap {
  private readonly made = new Map<string, number>();

  override number(name: string): number | undefined {
    const real = super.number(name);
    if (real !== undefined || name === '') return real;
    let n = this.made.get(name);
    if (n === undefined) {
      n = PLACEHOLDER_PORT + this.made.size;
      this.made.set(name, n);
    }
    return n;
  }
}
