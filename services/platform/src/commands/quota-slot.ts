// Reserving and releasing quota slots. A reservation is a compare-and-set append on the tenant's quota
// aggregate of that kind, decided against the count the read model shows at the aggregate's last
// sequence: racing creates queue on that sequence, so the count each one sees includes every earlier
// reservation, and none can take the tenant past its limit.
import type { RpcRequest } from '@idp/contracts';
import { isReserved, settledHolders } from '../aggregates/quota-reservation.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { ref, tenantOf, withCatchUp } from '../handler-kit.js';
import { COUNTED_AS, limitOf, quotaExceeded, used } from '../quotas.js';
import type { NewObject } from './name-claims.js';

/** Reserves a slot for `object` (a no-op when it has one, or the tenant has no such quota); 403 when full. */
export async function reserveQuotaSlot(deps: Deps, req: RpcRequest, object: NewObject): Promise<void> {
  const tenant = tenantOf(req);
  const what = COUNTED_AS[object.kind];
  const { tier, limit } = limitOf(deps, tenant, what);
  if (limit === undefined) return;
  const model = deps.projection.model;
  const rec = model.quotas.get(tenant, what);
  if (isReserved(rec?.state, object.id)) return;
  const now = Date.now();
  const inUse = used(deps, tenant, what, now);
  if (inUse >= limit) throw quotaExceeded(what, limit, inUse, tier);
  const settled = settledHolders(rec?.state, model.presence(tenant, object.kind), now);
  const event = makeEvent(ref(req, AggregateTypes.quota, what), 'quota.reserved', {
    holder_id: object.id,
    settled,
  });
  await deps.store.append(event, rec?.seq ?? 0);
}

/** Gives the slot of a create that failed back at once. Best effort: otherwise it lapses. */
export async function releaseQuotaSlot(deps: Deps, req: RpcRequest, object: NewObject): Promise<void> {
  const what = COUNTED_AS[object.kind];
  try {
    await withCatchUp(deps, async () => {
      const rec = deps.projection.model.quotas.get(tenantOf(req), what);
      if (!rec || !isReserved(rec.state, object.id)) return;
      const event = makeEvent(ref(req, AggregateTypes.quota, what), 'quota.released', {
        holder_id: object.id,
      });
      await deps.store.append(event, rec.seq);
    });
  } catch (error) {
    deps.logger.warn({ err: error, quota: what }, 'could not release a quota reservation');
  }
}
