/**
 * Test helpers for the runtime: a controller on 127.0.0.1:<free port> whose JSON log
 * lines are captured, and a recording app that keeps every event it sees.
 */
import {
  type AppDefinition,
  type AppHandlers,
  type AppInstance,
  Controller,
  type ControllerOptions,
  createLogger,
  type Datapath,
  defineApp,
} from '../../src/runtime/internal.js';

export type LogRecord = Record<string, unknown> & { level: number; msg: string };

export interface TestController {
  readonly controller: Controller;
  /** The TCP port of the first listener (0 when it is a unix socket). */
  readonly port: number;
  /** Every log line so far, parsed (a live array). */
  readonly records: LogRecord[];
  stop(): Promise<void>;
}

export const TEST_OPTIONS: Omit<ControllerOptions, 'listen'> = {
  missSendLen: 0xffff,
  echoIntervalMs: 60_000,
  echoTimeoutMs: 60_000,
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 20_000,
  outputSoftLimit: 8 * 1024 * 1024,
  outputHardLimit: 32 * 1024 * 1024,
};

/**
 * A controller running `apps` with `options` (listening on 127.0.0.1:0 unless they say),
 * its JSON log lines captured at debug level.
 */
export async function startInstances(
  apps: readonly AppInstance[],
  options: Omit<ControllerOptions, 'listen'> & Partial<Pick<ControllerOptions, 'listen'>>,
): Promise<TestController> {
  const records: LogRecord[] = [];
  const log = createLogger({
    level: 'debug',
    pretty: false,
    stream: { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) },
  });
  const controller = new Controller(
    { listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }], ...options },
    apps,
    log,
  );
  const [addr] = await controller.start();
  const port = addr && addr.kind !== 'unix' ? addr.port : 0;
  return { controller, port, records, stop: () => controller.stop() };
}

/** A controller running `apps` (no configuration) with TEST_OPTIONS and `overrides`. */
export function startController(
  apps: readonly AppDefinition<unknown>[],
  overrides: Partial<ControllerOptions> = {},
): Promise<TestController> {
  const instances = apps.map((def) => ({ def, config: undefined }));
  return startInstances(instances, { ...TEST_OPTIONS, ...overrides });
}

export interface Recorder {
  readonly def: AppDefinition<unknown>;
  /** `event dpid [detail]` per event, in order. */
  readonly events: string[];
  /** The latest handle per dpid. */
  readonly handles: Map<bigint, Datapath>;
  /** Resolves on the `nth` event (default 1st) whose text starts with `prefix`. */
  waitFor(prefix: string, nth?: number): Promise<string>;
}

/** An app that records its events; `extra` handlers run after recording. */
export function recorder(name: string, extra: AppHandlers = {}, cookie?: bigint): Recorder {
  const events: string[] = [];
  const handles = new Map<bigint, Datapath>();
  let waiters: { prefix: string; nth: number; resolve: (e: string) => void }[] = [];
  const count = (prefix: string) => events.filter((e) => e.startsWith(prefix)).length;
  const note = (e: string) => {
    events.push(e);
    const ready = waiters.filter((w) => e.startsWith(w.prefix) && count(w.prefix) >= w.nth);
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(e);
  };
  const def = defineApp({
    name,
    ...(cookie !== undefined ? { cookie: { value: cookie, mask: 0xffff_0000_0000_0000n } } : {}),
    create: () => ({
      ...extra,
      switchUp(dp) {
        handles.set(dp.dpid, dp);
        note(`switchUp ${dp.dpid}`);
        return extra.switchUp?.(dp);
      },
      switchDown(dp, reason) {
        note(`switchDown ${dp.dpid} ${reason}`);
        return extra.switchDown?.(dp, reason);
      },
      packetIn(dp, m) {
        note(`packetIn ${dp.dpid} ${m.xid}`);
        return extra.packetIn?.(dp, m);
      },
      portStatus(dp, m) {
        note(`portStatus ${dp.dpid} ${m.port.portNo} ports=${[...dp.ports.keys()].join(',')}`);
        return extra.portStatus?.(dp, m);
      },
      flowRemoved(dp, m) {
        note(`flowRemoved ${dp.dpid} ${m.cookie}`);
        return extra.flowRemoved?.(dp, m);
      },
      error(dp, err) {
        note(`error ${dp.dpid} ${err.errorName}`);
        return extra.error?.(dp, err);
      },
      message(dp, m) {
        note(`message ${dp.dpid} ${m.type}`);
        return extra.message?.(dp, m);
      },
      stop() {
        note('stop');
        return extra.stop?.();
      },
    }),
  });
  return {
    def: def as AppDefinition<unknown>,
    events,
    handles,
    waitFor(prefix, nth = 1) {
      const seen = events.filter((e) => e.startsWith(prefix));
      if (seen.length >= nth) return Promise.resolve(seen[nth - 1]!);
      return new Promise((resolve) => waiters.push({ prefix, nth, resolve }));
    },
  };
}
