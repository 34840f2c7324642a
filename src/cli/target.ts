/**
 * Where a command connects: a bridge name (its management socket
 * $OVS_RUNDIR/<bridge>.mgmt), a socket path, `unix:PATH`, or `tcp:HOST[:PORT]` (a switch
 * listening with ptcp:). Errors name the path tried and what to check.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './io.js';

export type Target =
  | { readonly kind: 'unix'; readonly path: string; readonly name: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly name: string };

export const DEFAULT_RUNDIR = '/var/run/openvswitch';
export const DEFAULT_OF_PORT = 6653;

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

function parseTcp(rest: string, name: string): Target {
  let host: string;
  let port = DEFAULT_OF_PORT;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2 || parts[0] === '') {
      throw new CliError(
        `${name}: expected tcp:HOST[:PORT] (IPv6 hosts in brackets: tcp:[::1]:6653)`,
      );
    }
    host = parts[0]!;
    if (parts[1] !== undefined) port = Number(parts[1]);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError(`${name}: "${port}" is not a TCP port number (1-65535)`);
  }
  return { kind: 'tcp', host, port, name };
}

/** Resolves ovs-ofctl's SWITCH argument. */
export function resolveTarget(
  arg: string,
  env: Readonly<Record<string, string | undefined>>,
): Target {
  if (arg.startsWith('unix:')) return { kind: 'unix', path: arg.slice(5), name: arg };
  if (arg.startsWith('tcp:')) return parseTcp(arg.slice(4), arg);
  if (/^(ssl|ptcp|punix|pssl):/.test(arg)) {
    throw new CliError(
      `${arg}: ofctl-ts connects to a switch with unix:PATH or tcp:HOST:PORT ` +
        '(ssl: and passive targets are not supported)',
    );
  }
  if (arg.includes(':')) {
    throw new CliError(
      `${arg}: unknown connection method; use a bridge name, unix:PATH or tcp:HOST:PORT`,
    );
  }
  const rundir = env.OVS_RUNDIR || DEFAULT_RUNDIR;
  const mgmt = join(rundir, `${arg}.mgmt`);
  if (isSocket(mgmt)) return { kind: 'unix', path: mgmt, name: `unix:${mgmt}` };
  if (isSocket(arg)) return { kind: 'unix', path: arg, name: `unix:${arg}` };
  throw new CliError(
    `${arg} is not a bridge or a socket: ${mgmt} does not exist. Check the bridge name ` +
      `(ovs-vsctl list-br), that ovs-vswitchd is running, and that OVS_RUNDIR ` +
      `(${env.OVS_RUNDIR ? `now ${env.OVS_RUNDIR}` : `unset, so ${DEFAULT_RUNDIR}`}) is its run directory`,
  );
}
