/**
 * The controller's API and state options, from the command line:
 *
 *   --api tcp:HOST:PORT|off   where the API listens (default tcp:127.0.0.1:8080)
 *   --api-token-file FILE     the bearer token (default STATE_DIR/api-token, generated)
 *   --api-cert F --api-key F  TLS for the API (PEM)
 *   --state-dir DIR           where the token and the intent store live (default .ofctl-ts)
 */
import { join, resolve } from 'node:path';
import { DEFAULT_API, parseApiAddress } from './address.js';

export interface ApiSettings {
  readonly api: string;
  readonly stateDir: string;
  readonly tokenFile: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

export const DEFAULT_STATE_DIR = '.ofctl-ts';

export const API_FLAGS = [
  '--api',
  '--api-token-file',
  '--api-cert',
  '--api-key',
  '--state-dir',
] as const;
export type ApiFlag = (typeof API_FLAGS)[number];

export const API_USAGE = `  --api tcp:HOST:PORT|off   the northbound HTTP API, metrics and web view (default
                           ${DEFAULT_API}; reads open on loopback, writes need the token)
  --api-token-file FILE    bearer token for the API (default STATE_DIR/api-token, generated
                           at first start with mode 0600)
  --api-cert FILE, --api-key FILE
                           serve the API over TLS with this certificate and key (PEM)
  --state-dir DIR          where the API token and the intent store (networks and port
                           bindings written through the API) live (default ${DEFAULT_STATE_DIR})`;

export function isApiFlag(flag: string): flag is ApiFlag {
  return (API_FLAGS as readonly string[]).includes(flag);
}

/** Applies one flag; throws an Error saying what is expected for a bad value. */
export function applyApiFlag(
  into: Partial<Record<ApiFlag, string>>,
  flag: ApiFlag,
  value: string,
): void {
  if (flag === '--api') parseApiAddress(value);
  into[flag] = value;
}

export function apiSettings(flags: Partial<Record<ApiFlag, string>>): ApiSettings {
  const stateDir = resolve(flags['--state-dir'] ?? DEFAULT_STATE_DIR);
  return {
    api: flags['--api'] ?? DEFAULT_API,
    stateDir,
    tokenFile: flags['--api-token-file'],
    cert: flags['--api-cert'],
    key: flags['--api-key'],
  };
}

export function tokenFileOf(s: ApiSettings): string {
  return s.tokenFile ?? join(s.stateDir, 'api-token');
}

export function intentFileOf(s: ApiSettings): string {
  return join(s.stateDir, 'intent.json');
}
