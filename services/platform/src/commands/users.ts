// The caller's own profile: what they set is stored per tenant and sub; the rest comes from the principal.
import type { RpcRequest, UpdateUserProfileBody, UserProfile } from '@idp/contracts';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { body, caughtUp, type Handler, ok, ref, tenantOf, withCatchUp } from '../handler-kit.js';

export function profileOf(deps: Deps, req: RpcRequest): { profile: UserProfile; version: number } {
  const { principal } = req;
  const model = deps.projection.model;
  const stored = model.profiles.get(principal.tenant_id, principal.sub)?.state;
  const teams = model.teams
    .list(principal.tenant_id)
    .filter((t) => t.members.some((m) => m.user_id === principal.sub))
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .map((t) => t.id);
  const profile: UserProfile = {
    id: principal.sub,
    tenant_id: principal.tenant_id,
    display_name: stored?.display_name ?? principal.name ?? null,
    email: stored?.email ?? principal.email ?? null,
    preferences: stored?.preferences ?? {},
    roles: principal.roles.map((r) => ({ role: r.role, scope: r.scope })),
    teams,
    updated_at: stored?.updated_at ?? null,
  };
  return { profile, version: stored?.version ?? 0 };
}

export const getMe: Handler = async (req, deps) => {
  await deps.barrier.wait();
  const { profile, version } = profileOf(deps, req);
  return ok(profile, { etag: version });
};

export const updateMe: Handler = async (req, deps) => {
  const input = body<UpdateUserProfileBody>(req);
  const seq = await withCatchUp(deps, async () => {
    const current = deps.projection.model.profiles.get(tenantOf(req), req.principal.sub);
    const event = makeEvent(ref(req, AggregateTypes.user, req.principal.sub), 'profile.updated', input);
    return deps.store.append(event, current?.seq ?? 0);
  });
  await caughtUp(deps, seq);
  const { profile, version } = profileOf(deps, req);
  return ok(profile, { etag: version });
};
