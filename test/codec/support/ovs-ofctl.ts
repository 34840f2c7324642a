/**
 * Runs Open vSwitch's own decoder, `ovs-ofctl ofp-parse FILE`, over many messages at
 * once and splits its printout back into one block per message. Messages are told
 * apart by xid: each is sent with xid XID_BASE + its index (its own xid is replaced).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** First xid of a batch. */
const XID_BASE = 0x5a000000;

export interface OfpPrint {
  /** OVS's printout of the message, header line first. */
  readonly text: string;
}

/** Throws with install advice when ovs-ofctl cannot be run. */
export async function requireOvsOfctl(): Promise<void> {
  try {
    await run('ovs-ofctl', ['--version']);
  } catch (e) {
    throw new Error(
      `ovs-ofctl is required for this test (${(e as Error).message}): apt-get install openvswitch-switch`,
    );
  }
}

/**
 * Prints `messages` with one ovs-ofctl run, and returns the printout of each, plus
 * whatever OVS wrote to stderr for the batch. Nested messages (an error's data) must
 * not use xids from XID_BASE up.
 */
export async function ofpParse(
  messages: readonly Buffer[],
): Promise<{ prints: OfpPrint[]; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ofp-parse-'));
  try {
    const file = join(dir, 'messages.bin');
    const numbered = messages.map((m, i) => {
      const c = Buffer.from(m);
      c.writeUInt32BE(XID_BASE + i, 4);
      return c;
    });
    await writeFile(file, Buffer.concat(numbered));
    const { stdout, stderr } = await run('ovs-ofctl', ['ofp-parse', file], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { prints: split(stdout, messages.length), stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The xid a printout line introduces: from a header line, or from the hex dump OVS
 * prints after a `***decode error` line when it could not name the message. */
function xidOf(line: string, following: string | undefined): number | undefined {
  const m = /\(xid=0x([0-9a-f]+)\)/.exec(line);
  if (m) return Number.parseInt(m[1]!, 16);
  const dump =
    /^00000000 {2}(?:[0-9a-f]{2} ){4}([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2})/;
  const d = line.startsWith('***decode error') && following ? dump.exec(following) : null;
  return d ? Number.parseInt(d.slice(1).join(''), 16) : undefined;
}

function split(stdout: string, n: number): OfpPrint[] {
  const blocks: string[][] = [];
  let next = 0;
  const lines = stdout.split('\n');
  for (const [i, line] of lines.entries()) {
    if (next < n && xidOf(line, lines[i + 1]) === XID_BASE + next) {
      blocks.push([line]);
      next++;
    } else if (blocks.length > 0) {
      blocks[blocks.length - 1]!.push(line);
    } else if (line.trim()) {
      throw new Error(`ovs-ofctl printed before the first message: ${line}`);
    }
  }
  if (blocks.length !== n) {
    throw new Error(`ovs-ofctl printed ${blocks.length} messages of ${n}:\n${stdout.slice(-2000)}`);
  }
  return blocks.map((b) => ({ text: b.join('\n').trimEnd() }));
}

/** Runs `tasks` with at most `limit` in flight. */
export async function withLimit<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let i = 0;
  const worker = async () => {
    while (i < tasks.length) {
      const k = i++;
      out[k] = await tasks[k]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
