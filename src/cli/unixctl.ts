/**
 * The control socket Open vSwitch's daemons have (lib/unixctl.c), so that
 * `ovs-appctl -t SOCKET COMMAND` (or `ovs-appctl -t ofctl-ts COMMAND` with the default
 * socket and a pid file) works on `ofctl-ts controller` as it did on ovs-testcontroller:
 * JSON-RPC over a Unix socket, a request `{"id", "method", "params": [strings]}`
 * answered with `{"id", "result": text, "error": null}` or `{"id", "result": null,
 * "error": text}`. Input that is not JSON-RPC closes that connection (one log line).
 *
 * Commands: exit, version, list-commands, vlog/set LEVEL, vlog/list, and
 * ofctl-ts/switches (each connected switch's dpid, peer and ports).
 */
import { existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { classify, JsonFramer } from '../ovsdb/index.js';
import type { Logger } from '../runtime/internal.js';
import { rundir } from './daemon.js';

export interface UnixctlCommand {
  readonly name: string;
  readonly usage: string;
  /** The answer's text, or throws an Error whose message is the error answer. */
  run(args: readonly string[]): string | Promise<string>;
}

export interface UnixctlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** OVS's default: `$OVS_RUNDIR/PROGRAM.PID.ctl`, found by `ovs-appctl -t PROGRAM`. */
export function defaultUnixctlPath(): string {
  return join(rundir(), `ofctl-ts.${process.pid}.ctl`);
}

/** A request's JSON answer, so one bad command never stops the socket. */
async function answer(
  commands: ReadonlyMap<string, UnixctlCommand>,
  method: string,
  params: readonly unknown[],
) {
  const cmd = commands.get(method);
  if (!cmd)
    return { result: null, error: `"${method}" is not a valid command (use list-commands)` };
  if (!params.every((p) => typeof p === 'string')) {
    return { result: null, error: `${method}: arguments must be strings` };
  }
  try {
    return { result: await cmd.run(params as string[]), error: null };
  } catch (e) {
    return { result: null, error: (e as Error).message };
  }
}

/** Listens on `path` (a stale socket file left by a dead process is replaced). */
export function startUnixctl(
  path: string,
  commands: readonly UnixctlCommand[],
  log: Logger,
): Promise<UnixctlServer> {
  const table = new Map(commands.map((c) => [c.name, c]));
  table.set('list-commands', {
    name: 'list-commands',
    usage: '',
    run: () =>
      `The available commands are:\n${[...table.values()]
        .map((c) => `  ${c.name}${c.usage ? ` ${c.usage}` : ''}`)
        .sort()
        .join('\n')}\n`,
  });
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    const framer = new JsonFramer({ maxBytes: 1024 * 1024 });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const r = framer.push(chunk);
      for (const v of r.values) {
        const c = classify(v);
        if (!c.ok || c.message.kind !== 'request') {
          const problem = c.ok ? 'expected a request' : c.error;
          log.warn({ problem }, `malformed control socket input, closing it: ${problem}`);
          socket.destroy();
          return;
        }
        const { id, method, params } = c.message;
        void answer(table, method, params).then((a) => {
          if (!socket.destroyed) socket.write(JSON.stringify({ id, ...a }));
        });
      }
      if (!r.ok) {
        log.warn({ problem: r.error }, `malformed control socket input, closing it: ${r.error}`);
        socket.destroy();
      }
    });
  });
  if (existsSync(path)) unlinkSync(path);
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot create control socket ${path}: ${e.code ?? e.message}`)),
    );
    server.listen(path, () => {
      server.unref();
      resolve({
        path,
        close: () =>
          new Promise((done) => {
            for (const s of open) s.destroy();
            server.close(() => {
              if (existsSync(path)) unlinkSync(path);
              done();
            });
          }),
      });
    });
  });
}
