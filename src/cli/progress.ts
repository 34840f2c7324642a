/**
 * Progress of long work on stderr ("add-flows: 41000 of 100000 sent, 40448 acknowledged"),
 * shown only when both stdout and stderr are terminals and only once the work has taken a
 * second, redrawn at most ten times a second and erased at the end: scripts and pipes
 * see exactly ovs-ofctl's output.
 */
import type { Io } from './io.js';

export interface Progress {
  /** Records where the work is; cheap enough to call per message. */
  update(text: () => string): void;
  /** Erases the line (if shown) and stops. */
  done(): void;
}

const QUIET: Progress = { update: () => undefined, done: () => undefined };
const FIRST_MS = 1000;
const EVERY_MS = 100;

export function startProgress(io: Io, label: string): Progress {
  if (!io.isTty || !io.stderrIsTty) return QUIET;
  let current: (() => string) | undefined;
  let shown = false;
  const draw = () => {
    if (!current) return;
    io.err(`\r\x1b[K${label}: ${current()}`);
    shown = true;
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    draw();
    timer = setInterval(draw, EVERY_MS);
    timer.unref();
  }, FIRST_MS);
  timer.unref();
  return {
    update(text) {
      current = text;
    },
    done() {
      clearTimeout(timer);
      clearInterval(timer);
      if (shown) io.err('\r\x1b[K');
    },
  };
}
