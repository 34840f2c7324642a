/**
 * What a command talks to: its output streams, environment and standard input, as one
 * small object so tests can run commands in-process and read what they printed.
 */

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, read to the end (for `add-flows BRIDGE -`). */
  readStdin(): Promise<string>;
  /** True when stdout is a terminal (ovs-ofctl shows port names then). */
  readonly isTty: boolean;
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

/** The process's real streams; a closed stdout (ofctl-ts ... | head) ends quietly. */
export function processIo(): Io {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  return {
    out: (s) => {
      process.stdout.write(s);
    },
    err: (s) => {
      process.stderr.write(s);
    },
    env: process.env,
    isTty: process.stdout.isTTY === true,
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
  constructor(
    readonly env: Readonly<Record<string, string | undefined>> = {},
    private readonly stdin = '',
    isTty = false,
  ) {
    this.isTty = isTty;
  }
  out(s: string): void {
    this.stdout += s;
  }
  err(s: string): void {
    this.stderr += s;
  }
  readStdin(): Promise<string> {
    return Promise.resolve(this.stdin);
  }
}
