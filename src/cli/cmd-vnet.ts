/**
 * `ofctl-ts vnet show [API]`: what the vnet app of a running controller is doing, read
 * from the controller's northbound API (`GET /apps/vnet/state`, default
 * http://127.0.0.1:8080, or $OFCTL_TS_API): per network, its ports on each switch (the
 * host and bridge when they came from OVSDB) and where each learned MAC is; then the
 * OVSDB ports that get no flows, and why.
 */
import type { VnetState } from '../../apps/vnet/state.js';
import type { Command } from './context.js';
import { CliError } from './io.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

type Datapath = VnetState['datapaths'][number];

function where(dp: Datapath): string {
  const name = dp.host && dp.bridge ? `${dp.host} ${dp.bridge}` : (dp.name ?? 'unnamed');
  return `${name} [dpid ${dp.dpid}${dp.source === 'ovsdb' ? ', from OVSDB' : ''}]`;
}

/** The state as text: one block per network, then the unplaced ports. */
export function formatVnetState(s: VnetState): string {
  const lines: string[] = [];
  for (const net of s.networks) {
    const key = net.tunnelKey === null ? '' : `, tunnel key ${net.tunnelKey}`;
    lines.push(`network ${net.name} (VLAN ${net.vlan}${key})`);
    let any = false;
    for (const dp of s.datapaths) {
      const ports = dp.ports
        .map((p) => {
          const m = p.networks.find((n) => n === net.name || n.startsWith(`${net.name}/`));
          if (!m) return undefined;
          const how = m === net.name ? '' : ` ${m.slice(net.name.length + 1)}`;
          return `${p.name}(${p.number}${how})`;
        })
        .filter((x) => x !== undefined);
      if (ports.length === 0) continue;
      any = true;
      lines.push(`  ${where(dp)}: ${ports.join(' ')}`);
      for (const m of dp.macs.filter((x) => x.network === net.name)) {
        lines.push(`    ${m.mac} on ${m.portName ?? '?'}(${m.port})`);
      }
    }
    if (!any) lines.push('  no ports');
  }
  const unplaced = s.datapaths.flatMap((dp) => dp.unplaced.map((u) => ({ dp, u })));
  if (unplaced.length > 0) {
    lines.push('ports without flows');
    for (const { dp, u } of unplaced) lines.push(`  ${where(dp)} ${u.port}: ${u.problem}`);
  }
  const idle = s.datapaths.filter((dp) => dp.name === null);
  for (const dp of idle)
    lines.push(`switch ${dp.dpid}: not described by the config or OVSDB (yet)`);
  return `${lines.join('\n')}\n`;
}

async function fetchState(base: string): Promise<VnetState> {
  const url = `${base.replace(/\/+$/, '')}/apps/vnet/state`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new CliError(
      `cannot reach the controller's API at ${base} (${(e as Error).cause ?? (e as Error).message}): is it running with --api, and vnet among its apps?`,
    );
  }
  if (res.status === 404) {
    throw new CliError(`${url}: not found: the controller at ${base} does not run the vnet app`);
  }
  if (!res.ok) throw new CliError(`${url}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as VnetState;
}

export const VNET_COMMANDS: readonly Command[] = [
  {
    name: 'vnet',
    usage: 'show [API-URL]',
    summary: 'networks, their ports per host, and where each learned MAC is (vnet app)',
    help:
      "Asks a running controller's northbound API for the vnet app's state and prints, per " +
      'network, its ports on each switch (with the host and bridge when the ports came from ' +
      'OVSDB) and where each learned MAC is, then the ports that get no flows and why. ' +
      `API-URL defaults to $OFCTL_TS_API, else ${DEFAULT_API_URL}. Example: ofctl-ts vnet show`,
    minArgs: 1,
    maxArgs: 2,
    switchArg: false,
    async run(ctx, args) {
      if (args[0] !== 'show')
        throw new CliError(`vnet: unknown subcommand "${args[0]}" (try: vnet show)`);
      const base = args[1] ?? ctx.io.env.OFCTL_TS_API ?? DEFAULT_API_URL;
      ctx.io.out(formatVnetState(await fetchState(base)));
      return 0;
    },
  },
];
