// What every command gets: the output, the config store, and (lazily) the connection and an SDK client
// for it, so commands that need no credential (help, login) never ask for one.
import { type ApiClient, createApiClient } from '@idp/client';
import type { ConfigStore } from '../config-store.js';
import { CredentialError } from '../exit-codes.js';
import type { Output } from '../render/output.js';
import { type Connection, type Credential, resolveConnection } from './connection.js';

export class Context {
  private resolved: Connection | undefined;

  constructor(
    readonly out: Output,
    readonly store: ConfigStore,
    readonly env: NodeJS.ProcessEnv,
    readonly flags: { url?: string; wsUrl?: string },
  ) {}

  async connection(): Promise<Connection> {
    this.resolved ??= resolveConnection({
      flags: this.flags,
      env: this.env,
      stored: await this.store.read(),
    });
    return this.resolved;
  }

  async credential(): Promise<Credential> {
    const { credential } = await this.connection();
    if (!credential) {
      throw new CredentialError(
        "not logged in: run 'idp login --token <jwt>' or 'idp login --api-key <key>', or set IDP_TOKEN",
      );
    }
    return credential;
  }

  async api(): Promise<ApiClient> {
    const { apiUrl } = await this.connection();
    return apiClientFor(apiUrl, await this.credential());
  }
}

export function apiClientFor(apiUrl: string, credential: Credential): ApiClient {
  return createApiClient(
    credential.kind === 'token'
      ? { baseUrl: apiUrl, token: credential.token }
      : { baseUrl: apiUrl, apiKey: credential.apiKey },
  );
}
