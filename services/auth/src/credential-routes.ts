// The REST routes of API keys and service accounts (answered over NATS for the edge). Grants are
// checked here: nobody hands a key or account more than they hold themselves.
import {
  ApiError,
  type CreateApiKeyBody,
  type CreateServiceAccountBody,
  type IssueTokenBody,
  paginate,
  type RoleBinding,
  type RpcRequest,
  type RpcSuccess,
} from '@idp/contracts';
import { type RoleCatalogue, refuseGrant } from '@idp/rbac';
import type { ApiKeys } from './api-keys.js';
import type { ServiceAccounts } from './service-accounts.js';

export interface CredentialRouteDeps {
  apiKeys: ApiKeys;
  serviceAccounts: ServiceAccounts;
  roles: RoleCatalogue;
  /** Tells every cache holding the credential to drop it. */
  announceRevocation(notice: { tenant_id: string; credential_id?: string; token_id?: string }): void;
}

type Handler = (req: RpcRequest, deps: CredentialRouteDeps) => Promise<RpcSuccess> | RpcSuccess;

const ok = (data: unknown, status: 200 | 201 = 200): RpcSuccess => ({ ok: true, status, data });

function page(req: RpcRequest, items: unknown[]): RpcSuccess {
  const { items: slice, pagination } = paginate(
    items,
    req.query.page as number | undefined,
    req.query.per_page as number | undefined,
  );
  return { ok: true, status: 200, data: slice, pagination };
}

function checkGrants(req: RpcRequest, roles: RoleCatalogue, bindings: RoleBinding[]): void {
  for (const binding of bindings) {
    const refusal = refuseGrant(req.principal, roles, binding);
    if (refusal?.reason === 'unknown_role') {
      throw new ApiError('VALIDATION_ERROR', `Unknown role '${binding.role}'`, {
        field: 'roles',
        reason: 'unknown role',
      });
    }
    if (refusal) {
      throw new ApiError('FORBIDDEN', `You cannot grant ${binding.role}@${binding.scope}`, {
        reason: refusal.reason,
        binding,
      });
    }
  }
}

export const credentialRoutes: Record<string, Handler> = {
  'apiKeys.list': (req, deps) => page(req, deps.apiKeys.list(req.principal.tenant_id)),
  'apiKeys.create': async (req, deps) => {
    const body = req.body as CreateApiKeyBody;
    checkGrants(req, deps.roles, body.roles);
    return ok(await deps.apiKeys.create(req.principal, body), 201);
  },
  'apiKeys.delete': async (req, deps) => {
    const key = await deps.apiKeys.revoke(req.principal.tenant_id, req.params.id!);
    deps.announceRevocation({ tenant_id: key.tenant_id, credential_id: key.id });
    return ok({ id: key.id, revoked: true });
  },
  'serviceAccounts.list': (req, deps) => page(req, deps.serviceAccounts.list(req.principal.tenant_id)),
  'serviceAccounts.create': async (req, deps) => {
    const body = req.body as CreateServiceAccountBody;
    checkGrants(req, deps.roles, body.roles);
    return ok(await deps.serviceAccounts.create(req.principal, body), 201);
  },
  'serviceAccounts.get': (req, deps) => ok(deps.serviceAccounts.get(req.principal.tenant_id, req.params.id!)),
  'serviceAccounts.delete': async (req, deps) => {
    const account = await deps.serviceAccounts.delete(req.principal.tenant_id, req.params.id!);
    deps.announceRevocation({ tenant_id: account.tenant_id, credential_id: account.id });
    return ok({ id: account.id, deleted: true });
  },
  'serviceAccounts.tokens.create': async (req, deps) => {
    const body = (req.body ?? {}) as IssueTokenBody;
    return ok(
      await deps.serviceAccounts.issueToken(req.principal.tenant_id, req.params.id!, body.ttl_seconds),
      201,
    );
  },
  'serviceAccounts.tokens.revoke': async (req, deps) => {
    const tokenId = req.params.token_id!;
    await deps.serviceAccounts.revokeToken(req.principal.tenant_id, req.params.id!, tokenId);
    deps.announceRevocation({ tenant_id: req.principal.tenant_id, token_id: tokenId });
    return ok({ token_id: tokenId, revoked: true });
  },
};
