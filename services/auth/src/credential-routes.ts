// The REST routes of API keys and service accounts (answered over NATS for the edge). Grants never
// exceed the granter: creating a credential, issuing its token, seeing it and revoking it all need
// the route's permission at the scope of each of the credential's bindings and the right to grant
// each of them (libs/rbac `refuseGrant`, `mayManage`). A credential the caller could not have granted
// is invisible to it: absent from lists, 404 on direct access.
import {
  ApiError,
  type CreateApiKeyBody,
  type CreateServiceAccountBody,
  type IssueTokenBody,
  notFound,
  paginate,
  type RoleBinding,
  type RpcRequest,
  type RpcSuccess,
} from '@idp/contracts';
import { mayManage, type RoleCatalogue, refuseGrant } from '@idp/rbac';
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

/** Each requested binding must be one the caller could grant, holding `action` at its scope. */
function checkGrants(req: RpcRequest, roles: RoleCatalogue, bindings: RoleBinding[], action: string): void {
  for (const binding of bindings) {
    const refusal = refuseGrant(req.principal, roles, binding, action);
    if (refusal?.reason === 'unknown_role') {
      throw new ApiError('VALIDATION_ERROR', `Unknown role '${binding.role}'`, {
        field: 'roles',
        reason: 'unknown role',
      });
    }
    if (refusal) {
      const why =
        refusal.reason === 'missing_permission'
          ? `you do not hold '${action}' at ${binding.scope}`
          : 'it exceeds your own permissions there';
      throw new ApiError('FORBIDDEN', `You cannot grant ${binding.role}@${binding.scope}: ${why}`, {
        reason: refusal.reason,
        binding,
        ...(refusal.permission ? { permission: refusal.permission } : {}),
      });
    }
  }
}

const canManage =
  (req: RpcRequest, deps: CredentialRouteDeps, action: string) => (credential: { roles: RoleBinding[] }) =>
    mayManage(req.principal, deps.roles, credential.roles, action);

/** The credential if the caller may see it, a 404 otherwise; then `action` on it, or a 403. */
function managed<T extends { id: string; roles: RoleBinding[] }>(
  req: RpcRequest,
  deps: CredentialRouteDeps,
  what: string,
  credential: T,
  read: string,
  action: string,
): T {
  if (!canManage(req, deps, read)(credential)) throw notFound(what, credential.id);
  if (!canManage(req, deps, action)(credential)) {
    throw new ApiError('FORBIDDEN', `Missing permission '${action}' for every scope this ${what} holds`, {
      permission: action,
    });
  }
  return credential;
}

const tenantOf = (req: RpcRequest) => req.principal.tenant_id;

function account(req: RpcRequest, deps: CredentialRouteDeps, action: string) {
  const found = deps.serviceAccounts.get(tenantOf(req), req.params.id!);
  return managed(req, deps, 'service account', found, 'service_account:read', action);
}

export const credentialRoutes: Record<string, Handler> = {
  'apiKeys.list': (req, deps) =>
    page(req, deps.apiKeys.list(tenantOf(req), canManage(req, deps, 'api_key:read'))),
  'apiKeys.create': async (req, deps) => {
    const body = req.body as CreateApiKeyBody;
    checkGrants(req, deps.roles, body.roles, 'api_key:create');
    return ok(await deps.apiKeys.create(req.principal, body), 201);
  },
  'apiKeys.delete': async (req, deps) => {
    const found = deps.apiKeys.find(tenantOf(req), req.params.id!);
    managed(req, deps, 'API key', found, 'api_key:read', 'api_key:delete');
    const { key, dependents } = await deps.apiKeys.revoke(tenantOf(req), found.id);
    for (const id of [key.id, ...dependents])
      deps.announceRevocation({ tenant_id: key.tenant_id, credential_id: id });
    return ok({ id: key.id, revoked: true });
  },
  'serviceAccounts.list': (req, deps) =>
    page(req, deps.serviceAccounts.list(tenantOf(req), canManage(req, deps, 'service_account:read'))),
  'serviceAccounts.create': async (req, deps) => {
    const body = req.body as CreateServiceAccountBody;
    checkGrants(req, deps.roles, body.roles, 'service_account:create');
    return ok(await deps.serviceAccounts.create(req.principal, body), 201);
  },
  'serviceAccounts.get': (req, deps) => ok(account(req, deps, 'service_account:read')),
  'serviceAccounts.delete': async (req, deps) => {
    account(req, deps, 'service_account:delete');
    const { account: deleted, dependents } = await deps.serviceAccounts.delete(tenantOf(req), req.params.id!);
    for (const id of [deleted.id, ...dependents])
      deps.announceRevocation({ tenant_id: deleted.tenant_id, credential_id: id });
    return ok({ id: deleted.id, deleted: true });
  },
  'serviceAccounts.tokens.create': async (req, deps) => {
    const body = (req.body ?? {}) as IssueTokenBody;
    account(req, deps, 'service_account:token');
    return ok(await deps.serviceAccounts.issueToken(tenantOf(req), req.params.id!, body.ttl_seconds), 201);
  },
  'serviceAccounts.tokens.revoke': async (req, deps) => {
    const tokenId = req.params.token_id!;
    account(req, deps, 'service_account:token');
    await deps.serviceAccounts.revokeToken(tenantOf(req), req.params.id!, tokenId);
    deps.announceRevocation({ tenant_id: tenantOf(req), token_id: tokenId });
    return ok({ token_id: tokenId, revoked: true });
  },
};
