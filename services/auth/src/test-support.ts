// Starts an in-process auth service on a fresh nats-server for this service's own tests.
import { loadGatewayConfig } from '@idp/config';
import { DEV_JWT_SECRET, type Principal, type RpcRequest } from '@idp/contracts';
import { callRpc, connectNats } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { readAuthEnv } from './config.js';
import { startAuthService } from './service.js';

export interface AuthHarness {
  server: NatsServerHandle;
  nc: NatsConnection;
  call(route: string, principal: Principal, input?: Partial<Omit<RpcRequest, 'principal'>>): Promise<unknown>;
  close(): Promise<void>;
}

export const admin = (tenant: string): Principal => ({
  sub: `${tenant}-admin`,
  tenant_id: tenant,
  roles: [{ role: 'admin', scope: `tenant:${tenant}` }],
  credential: 'jwt',
});

export async function startAuthHarness(env: Record<string, string> = {}): Promise<AuthHarness> {
  const server = await startNatsServer();
  const logger = createLogger({ service: 'auth-test', level: 'silent' });
  const nc = await connectNats({ servers: server.url, name: 'auth-test', logger });
  const config = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
  // The tests' tokens are minted with the development secret, so HS256 is on unless a test passes
  // IDP_JWT_SECRET: '' (unset).
  const authEnv = readAuthEnv({ IDP_JWT_SECRET: DEV_JWT_SECRET, ...env });
  const service = await startAuthService(nc, authEnv, config.roles, logger);
  return {
    server,
    nc,
    call: async (route, principal, input = {}) =>
      (await callRpc(nc, `idp.rpc.auth.${route}`, { principal, params: {}, query: {}, ...input })).data,
    close: async () => {
      service.stop();
      await nc.close();
      await server.cleanup();
    },
  };
}
