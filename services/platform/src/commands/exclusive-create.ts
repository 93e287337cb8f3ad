// Creating an object whose name is unique within its tenant and whose kind the tenant's quota counts:
// validate, claim the name, reserve a quota slot, then store it. A create that fails after claiming
// gives name and slot back; one whose instance crashes leaves a claim and a reservation that lapse
// (aggregates/holder.ts), and a create too slow to store its object in time gives up rather than
// appear after its claim lapsed.
import { ApiError, type RpcRequest } from '@idp/contracts';
import { CREATE_DEADLINE_MS } from '../aggregates/holder.js';
import type { StoredEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import { isWrongSequence } from '../event-store.js';
import { withContention } from './contended.js';
import { claimName, type NewObject, releaseName } from './name-claims.js';
import { releaseQuotaSlot, reserveQuotaSlot } from './quota-slot.js';

export interface ExclusiveCreate<T> {
  object: NewObject;
  /** Refuses a bad request before anything is claimed, so a 4xx holds no name. */
  validate: () => void;
  /** Stores the object, once its name and slot are secured. */
  store: () => Promise<T>;
}

export async function createExclusively<T>(
  deps: Deps,
  req: RpcRequest,
  create: ExclusiveCreate<T>,
): Promise<T> {
  const deadline = Date.now() + CREATE_DEADLINE_MS;
  try {
    await withContention(deps, async () => {
      create.validate();
      await claimName(deps, req, create.object);
      await reserveQuotaSlot(deps, req, create.object);
    });
    if (Date.now() > deadline) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'The platform is too busy to create this now; retry', {
        reason: 'create_deadline_passed',
      });
    }
    return await create.store();
  } catch (error) {
    await giveBack(deps, req, create.object);
    throw error;
  }
}

async function giveBack(deps: Deps, req: RpcRequest, object: NewObject): Promise<void> {
  await deps.barrier.wait().catch(() => undefined);
  // An append that reported failure may have landed anyway (a lost acknowledgement).
  if (deps.projection.model.presence(req.principal.tenant_id, object.kind)(object.id) !== 'missing') return;
  await releaseQuotaSlot(deps, req, object);
  await releaseName(deps, req, object);
}

/**
 * Appends the created event of a new aggregate. When a lost acknowledgement made the store retry an
 * append that had landed, the retry reports a wrong sequence: then the event is ours, and its
 * sequence is what `stored` finds once the read model caught up.
 */
export async function appendCreated(
  deps: Deps,
  event: StoredEvent<string, unknown>,
  stored: () => { seq: number } | undefined,
): Promise<number> {
  try {
    return await deps.store.append(event, 0);
  } catch (error) {
    if (!isWrongSequence(error)) throw error;
    await deps.barrier.wait();
    const rec = stored();
    if (!rec) throw error;
    return rec.seq;
  }
}
