// Claiming and releasing names: an object's name is unique within its tenant among objects of its
// kind. The claim is a compare-and-set append on the name's own aggregate, so of two instances racing
// for one name exactly one appends first; the other catches up, sees the name held, and answers 409.
import { conflict, type RpcRequest } from '@idp/contracts';
import { isNameHeld, NameClaimAggregates, type NamedKind } from '../aggregates/name-claim.js';
import { makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { ref, tenantOf, withCatchUp } from '../handler-kit.js';

/** An object about to be stored: its kind, its new id and the name it wants. */
export interface NewObject {
  kind: NamedKind;
  id: string;
  name: string;
}

const ARTICLE_AND_NOUN: Record<NamedKind, string> = {
  application: 'An application',
  resource: 'A resource',
  team: 'A team',
};

/** Claims `object.name` for `object.id` (a no-op when it holds it already); 409 when another holds it. */
export async function claimName(deps: Deps, req: RpcRequest, object: NewObject): Promise<void> {
  const tenant = tenantOf(req);
  const model = deps.projection.model;
  const claim = model.names[object.kind].get(tenant, object.name);
  // Objects stored before their kind had claims hold their names through the read model only.
  const unclaimedTwin = model
    .live(tenant, object.kind)
    .some((other) => other.name === object.name && other.id !== object.id);
  if (unclaimedTwin || isNameHeld(claim?.state, object.id, model.presence(tenant, object.kind))) {
    throw conflict(`${ARTICLE_AND_NOUN[object.kind]} named '${object.name}' already exists`, {
      field: 'name',
      name: object.name,
    });
  }
  if (claim?.state.holder_id === object.id) return;
  const event = makeEvent(ref(req, NameClaimAggregates[object.kind], object.name), 'name.claimed', {
    holder_id: object.id,
  });
  await deps.store.append(event, claim?.seq ?? 0);
}

/**
 * Frees the name for reuse (after a delete, or a create that failed after claiming). Best effort: if
 * this fails the claim still lapses, because its holder is deleted or never appears.
 */
export async function releaseName(deps: Deps, req: RpcRequest, object: NewObject): Promise<void> {
  try {
    await withCatchUp(deps, async () => {
      const claim = deps.projection.model.names[object.kind].get(tenantOf(req), object.name);
      if (claim?.state.holder_id !== object.id) return;
      const event = makeEvent(ref(req, NameClaimAggregates[object.kind], object.name), 'name.released', {
        holder_id: object.id,
      });
      await deps.store.append(event, claim.seq);
    });
  } catch (error) {
    deps.logger.warn({ err: error, name: object.name, kind: object.kind }, 'could not release a name claim');
  }
}
