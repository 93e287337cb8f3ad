// Where the gateway is and who we are: flags, then the environment, then what `idp login` stored,
// then the defaults of `npm start` (REST on 8080, WebSocket on 8081).

import type { StoredConfig } from '../config-store.js';
import { UsageError } from '../exit-codes.js';

export type Credential = { kind: 'token'; token: string } | { kind: 'api_key'; apiKey: string };

export interface Connection {
  apiUrl: string;
  wsUrl: string;
  credential?: Credential;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
const DEFAULT_WS_PORT = '8081';

export interface ConnectionSources {
  flags: { url?: string; wsUrl?: string };
  env: NodeJS.ProcessEnv;
  stored: StoredConfig;
}

export function resolveConnection({ flags, env, stored }: ConnectionSources): Connection {
  const apiUrl = checkUrl(
    flags.url ?? (env.IDP_API_URL || env.IDP_URL || stored.api_url || DEFAULT_API_URL),
    ['http:', 'https:'],
    '--url',
  );
  const givenWs = flags.wsUrl ?? (env.IDP_WS_URL || stored.ws_url);
  const wsUrl = givenWs ? withWsPath(checkUrl(givenWs, ['ws:', 'wss:'], '--ws-url')) : wsUrlFor(apiUrl);
  return { apiUrl, wsUrl, credential: resolveCredential(env, stored) };
}

function resolveCredential(env: NodeJS.ProcessEnv, stored: StoredConfig): Credential | undefined {
  if (env.IDP_TOKEN) return { kind: 'token', token: env.IDP_TOKEN };
  if (env.IDP_API_KEY) return { kind: 'api_key', apiKey: env.IDP_API_KEY };
  if (stored.token) return { kind: 'token', token: stored.token };
  if (stored.api_key) return { kind: 'api_key', apiKey: stored.api_key };
  return undefined;
}

export function checkUrl(value: string, protocols: string[], what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what}: '${value}' is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(
      `${what}: '${value}' must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** The realtime service of the same host, on its default port. */
function wsUrlFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.port = DEFAULT_WS_PORT;
  url.pathname = '/ws/v1';
  return url.toString();
}

function withWsPath(wsUrl: string): string {
  const url = new URL(wsUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/ws/v1';
  return url.toString();
}
