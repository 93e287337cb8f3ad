// Starts an in-process auth service on a fresh nats-server for this service's own tests.
import { type GatewayConfig, loadGatewayConfig } from '@idp/config';
import { DEV_JWT_SECRET, type Principal, type RpcRequest } from '@idp/contracts';
import { callRpc, connectNats, runSetupStep } from '@idp/nats';
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

export async function startAuthHarness(
  env: Record<string, string> = {},
  gateway: { oidc?: Partial<GatewayConfig['oidc']> } = {},
): Promise<AuthHarness> {
  const server = await startNatsServer();
  const logger = createLogger({ service: 'auth-test', level: 'silent' });
  await runSetupStep({ servers: server.url, logger, ...server.as('setup') });
  // The service runs as its own NATS user; the test observes and calls it as the test user.
  const serviceNc = await connectNats({ servers: server.url, name: 'auth', logger, ...server.as('auth') });
  const nc = await connectNats({ servers: server.url, name: 'auth-test', logger, ...server.as('test') });
  const config = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
  // The tests' tokens are minted with the development secret, so HS256 is on unless a test passes
  // IDP_JWT_SECRET: '' (unset).
  const authEnv = readAuthEnv({ IDP_JWT_SECRET: DEV_JWT_SECRET, ...env });
  const service = await startAuthService(serviceNc, authEnv, config.roles, logger, {
    oidc: { ...config.oidc, ...gateway.oidc },
  });
  return {
    server,
    nc,
    call: async (route, principal, input = {}) =>
      (await callRpc(nc, `idp.rpc.auth.${route}`, { principal, params: {}, query: {}, ...input })).data,
    close: async () => {
      service.stop();
      await nc.close();
      await serviceNc.close();
      await server.cleanup();
    },
  };
}
