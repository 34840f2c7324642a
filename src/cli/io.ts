/**
 * What a command talks to: its output streams, environment and standard input, as one
 * small object so tests can run commands in-process and read what they printed.
 */

export interface Io {
  /** Writes to stdout; may be buffered (see flush), never reordered with err. */
  out(text: string): void;
  err(text: string): void;
  /** Writes out what `out` buffered. */
  flush(): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, read to the end (for `add-flows BRIDGE -`). */
  readStdin(): Promise<string>;
  /** True when stdout is a terminal (ovs-ofctl shows port names then). */
  readonly isTty: boolean;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly stderrIsTty: boolean;
}

/** A failure the command reports: the message is printed after "ofctl-ts: ". */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Output is written in chunks of about this many characters (one write per ~400 flows). */
const CHUNK = 1 << 16;

/**
 * The process's real streams; a closed stdout (ofctl-ts ... | head) ends quietly. Output is
 * gathered into large writes: one write per line costs more than formatting the line.
 * Whatever is buffered goes out before anything on stderr, at the next turn of the event
 * loop (so `monitor` prints as events arrive), and at flush.
 */
export function processIo(): Io {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  let pending = '';
  let scheduled = false;
  const flush = () => {
    if (pending === '') return;
    const s = pending;
    pending = '';
    process.stdout.write(s);
  };
  return {
    out: (s) => {
      pending += s;
      if (pending.length >= CHUNK) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    },
    err: (s) => {
      flush();
      process.stderr.write(s);
    },
    flush,
    env: process.env,
    isTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** An Io that collects output in memory (tests, and callers that post-process text). */
export class MemoryIo implements Io {
  stdout = '';
  stderr = '';
  readonly isTty: boolean;
  readonly stderrIsTty: boolean;
  constructor(
    readonly env: Readonly<Record<string, string | undefined>> = {},
    private readonly stdin = '',
    isTty = false,
  ) {
    this.isTty = isTty;
    this.stderrIsTty = isTty;
  }
  out(s: string): void {
    this.stdout += s;
  }
  err(s: string): void {
    this.stderr += s;
  }
  flush(): void {}
  readStdin(): Promise<string> {
    return Promise.resolve(this.stdin);
  }
}
