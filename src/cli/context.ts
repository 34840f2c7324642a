/**
 * The command framework: global options, the Command shape every family registers, and
 * the helpers commands share (connect, fetch the port map with ovs-ofctl's xid usage,
 * print replies as ovs-ofctl's dump_transaction does, report switch errors).
 */
import type { Message } from '../codec/index.js';
import { PortMap } from '../text/ports.js';
import { ofpToString } from '../text/print/index.js';
import { OfClient, type Received } from './client.js';
import { CliError, type Io } from './io.js';
import { resolveTarget } from './target.js';

export interface SortKey {
  /** undefined sorts by priority. */
  readonly field: string | undefined;
  readonly descending: boolean;
}

export interface GlobalOptions {
  names: boolean | undefined;
  sort: SortKey[];
  stats: boolean;
  strict: boolean;
  readd: boolean;
  /** 0 means wait forever. */
  timeoutMs: number;
  verbosity: number;
  help: boolean;
}

export function defaultOptions(): GlobalOptions {
  return {
    names: undefined,
    sort: [],
    stats: true,
    strict: false,
    readd: false,
    timeoutMs: 60_000,
    verbosity: 0,
    help: false,
  };
}

export interface Context {
  readonly io: Io;
  readonly opts: GlobalOptions;
}

export interface Command {
  readonly name: string;
  /** Argument synopsis, e.g. "SWITCH [FLOW]". */
  readonly usage: string;
  readonly summary: string;
  /** Longer help: what it does, options that matter, an example. */
  readonly help: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether the first argument is a switch (for completion). */
  readonly switchArg: boolean;
  run(ctx: Context, args: readonly string[]): Promise<number>;
}

/** Opens a connection to the SWITCH argument. */
export function connect(ctx: Context, arg: string): Promise<OfClient> {
  return OfClient.open(resolveTarget(arg, ctx.io.env), ctx.opts.timeoutMs);
}

/** True when ovs-ofctl would print port names (--names, or a terminal without --no-names). */
export function showNames(ctx: Context): boolean {
  return ctx.opts.names ?? ctx.io.isTty;
}

/** Requests the switch's port descriptions and builds the name map. */
export async function requestPortMap(ctx: Context, client: OfClient): Promise<PortMap> {
  const replies = await client.request(
    { type: 'multipart_request', xid: client.allocXid(), flags: 0, body: { kind: 'port_desc' } },
    ctx.opts.timeoutMs,
  );
  const map = new PortMap();
  for (const r of replies) {
    if (r.msg?.type === 'multipart_reply' && r.msg.body.kind === 'port_desc') {
      for (const p of r.msg.body.ports) map.add(p.portNo, p.name);
    }
  }
  return map;
}

/**
 * ovs-ofctl fetches the table names (xid 2) and the port names (xid 4) over connections of
 * their own before a command that parses names, so its request goes out as xid 6. This
 * fetches the port names on our one connection and spends the same xids.
 */
export async function acceptNames(ctx: Context, client: OfClient): Promise<PortMap> {
  client.skipXids(2);
  const map = await requestPortMap(ctx, client);
  client.skipXids(1);
  return map;
}

/** dump_transaction: sends a request, prints every reply part (or the error) to stdout. */
export async function dumpTransaction(
  ctx: Context,
  client: OfClient,
  request: Message,
  ports?: PortMap,
): Promise<Received[]> {
  const replies = await client.request(request, ctx.opts.timeoutMs);
  for (const r of replies) ctx.io.out(ofpToString(r.raw, ctx.opts.verbosity + 1, ports));
  return replies;
}

/**
 * Prints a switch's OFPT_ERROR the way ovs-ofctl does (stderr, with the failed request);
 * port names only with --names (or on a terminal).
 */
export function reportSwitchError(ctx: Context, err: Received, ports?: PortMap): number {
  ctx.io.err(ofpToString(err.raw, ctx.opts.verbosity + 2, showNames(ctx) ? ports : undefined));
  return 1;
}

/**
 * ovs-ofctl looks a port name up over a connection of its own (HELLO, port descriptions),
 * so the command's own request goes out as xid 4.
 */
export async function lookupPortNames(ctx: Context, client: OfClient): Promise<PortMap> {
  const map = await requestPortMap(ctx, client);
  client.skipXids(1);
  return map;
}

/** Runs `fn` with a connection, closing it afterwards. */
export async function withSwitch<T>(
  ctx: Context,
  arg: string,
  fn: (client: OfClient) => Promise<T>,
): Promise<T> {
  const client = await connect(ctx, arg);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Reads a file argument ("-" is standard input); errors name the file. */
export async function readTextArg(ctx: Context, path: string): Promise<string> {
  if (path === '-') return ctx.io.readStdin();
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : (e as Error).message;
    throw new CliError(`${path}: open failed (${why})`);
  }
}

/** ds_get_preprocessed_line: lines without '#' comments, blank lines skipped, numbered. */
export function preprocessedLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\r$/, '');
    if (/[^ \t\n]/.test(line)) out.push({ line, number: i + 1 });
  });
  return out;
}
