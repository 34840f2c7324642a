/**
 * Controller logging: pino JSON lines on stdout, or (with --pretty, or when stdout is a
 * terminal) a compact human-readable line per record written by the small formatter
 * below. Every datapath gets a child logger with `dpid` (16 hex digits, as Open vSwitch
 * prints it) on every line.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** A datapath ID as Open vSwitch prints it: 16 lowercase hex digits. */
export function formatDpid(dpid: bigint): string {
  return BigInt.asUintN(64, dpid).toString(16).padStart(16, '0');
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Human-readable lines instead of JSON. */
  readonly pretty: boolean;
  /** Where lines go (default: stdout, written synchronously so nothing is lost at exit). */
  readonly stream?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  const out = opts.stream ?? pino.destination({ fd: 1, sync: true });
  const dest = opts.pretty ? prettyStream(out) : out;
  return pino({ level: opts.level, base: { pid: process.pid } }, dest);
}

/** A destination that turns each pino JSON line into a pretty line on `out`. */
export function prettyStream(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      out.write(`${formatPrettyLine(line)}\n`);
    },
  };
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Keys shown in the line's prefix, or dropped, rather than as key=value pairs. */
const PREFIX_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'dpid', 'app', 'err']);

/**
 * `HH:MM:SS.mmm LEVEL [dpid] app: message key=value ...`, then the error's stack on the
 * following lines when the record carries one. A line that is not JSON passes through.
 */
export function formatPrettyLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const parts: string[] = [];
  const time = typeof rec.time === 'number' ? new Date(rec.time) : undefined;
  if (time) parts.push(time.toISOString().slice(11, 23));
  parts.push(LEVEL_NAMES[rec.level as number] ?? String(rec.level));
  if (rec.dpid !== undefined) parts.push(`[${String(rec.dpid)}]`);
  if (rec.app !== undefined) parts.push(`${String(rec.app)}:`);
  if (rec.msg !== undefined) parts.push(String(rec.msg));
  for (const [k, v] of Object.entries(rec)) {
    if (PREFIX_KEYS.has(k)) continue;
    parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  let text = parts.join(' ');
  const err = rec.err as { stack?: unknown; message?: unknown } | undefined;
  if (err && typeof err === 'object') {
    const detail = typeof err.stack === 'string' ? err.stack : String(err.message);
    text += `\n    ${detail.split('\n').join('\n    ')}`;
  }
  return text;
}
