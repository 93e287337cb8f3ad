// Resource commands: create and delete run as operations (202); update is immediate. Tier rules and
// cross-resource references are checked here; the edge already validated each type's spec schema.
import {
  ApiError,
  type CreateResourceBody,
  conflict,
  notFound,
  PlatformEvents,
  type Resource,
  type ResourcePathName,
  type ResourceType,
  ResourceTypes,
  type RpcRequest,
  type UpdateResourceBody,
} from '@idp/contracts';
import { assertTeamAccess } from '../access.js';
import { AggregateTypes, makeEvent } from '../aggregates/stored-event.js';
import type { Deps } from '../deps.js';
import {
  body,
  caughtUp,
  checkIfMatch,
  type Handler,
  ok,
  param,
  ref,
  tenantOf,
  withCatchUp,
} from '../handler-kit.js';
import { newId } from '../ids.js';
import { assertQuota, assertResourceTier } from '../quotas.js';
import { assertTier } from '../tier-rules.js';
import { requireTeam } from './applications.js';
import { appendCreated, createExclusively } from './exclusive-create.js';
import { abandonOperation, accepted, type CreatedOperation, createOperation } from './start-operation.js';

export function resourceTypeOf(req: RpcRequest) {
  const pathName = param(req, 'type');
  const def = ResourceTypes[pathName as ResourcePathName];
  if (!def) throw notFound('resource type', pathName);
  return def;
}

/** A live resource of the tenant under the right type path; anything else is a 404. */
export function loadResource(deps: Deps, req: RpcRequest) {
  const def = resourceTypeOf(req);
  const id = param(req, 'id');
  const rec = deps.projection.model.resource(tenantOf(req), id);
  if (!rec || rec.state.type !== def.type) throw notFound(def.type, id);
  assertTeamAccess(req, deps, rec.state.team_id);
  return rec;
}

const tagsFor = (tenant: string, team: string, labels: Record<string, string> = {}) => ({
  ...labels,
  tenant,
  team,
});

function checkReferences(
  deps: Deps,
  req: RpcRequest,
  type: ResourceType,
  spec: Record<string, unknown>,
): void {
  if (type !== 'ci_pipeline') return;
  if (spec.trigger === 'schedule' && !spec.schedule) {
    throw new ApiError('VALIDATION_ERROR', "A pipeline with trigger 'schedule' needs a schedule", {
      field: 'spec.schedule',
      reason: 'required for trigger schedule',
    });
  }
  const repo = deps.projection.model.resource(tenantOf(req), String(spec.repository_id));
  if (repo?.state.type !== 'git_repository') {
    throw new ApiError('VALIDATION_ERROR', `Git repository '${String(spec.repository_id)}' does not exist`, {
      field: 'spec.repository_id',
      reason: 'unknown git repository',
    });
  }
}

export const createResource: Handler = async (req, deps) => {
  const def = resourceTypeOf(req);
  const input = body<CreateResourceBody>(req);
  const tier = input.tier ?? 'free';
  const id = newId(def.idPrefix);
  const op = await createExclusively(deps, req, {
    object: { kind: 'resource', id, name: input.name },
    validate: () => {
      requireTeam(deps, req, input.team_id);
      assertQuota(req, deps, 'resources');
      assertResourceTier(req, deps, tier);
      assertTier(def.type, tier, input.spec);
      checkReferences(deps, req, def.type, input.spec);
    },
    store: () => recordResource(deps, req, { id, type: def.type, tier, input }),
  });
  await deps.events.resource(tenantOf(req), id, 'status', PlatformEvents.statusChanged, {
    resource_id: id,
    status: 'provisioning',
    previous_status: 'none',
    details: { operation_id: op.id, resource_type: def.type },
  });
  return accepted(op, `Creating ${def.type} '${input.name}'...`);
};

interface NewResource {
  id: string;
  type: ResourceType;
  tier: Resource['tier'];
  input: CreateResourceBody;
}

/** Starts the create operation and stores the resource pointing at it. */
async function recordResource(deps: Deps, req: RpcRequest, resource: NewResource): Promise<CreatedOperation> {
  const { id, type, tier, input } = resource;
  const op = await createOperation(deps, req, {
    kind: 'resource_create',
    target: { type: 'resource', id },
    team_id: input.team_id,
    params: { resource_type: type, name: input.name },
  });
  const event = makeEvent(ref(req, AggregateTypes.resource, id), 'resource.created', {
    type,
    team_id: input.team_id,
    name: input.name,
    description: input.description ?? '',
    tier,
    spec: input.spec,
    tags: tagsFor(tenantOf(req), input.team_id, input.labels),
    operation_id: op.id,
  });
  try {
    await appendCreated(deps, event, () => deps.projection.model.resources.get(tenantOf(req), id));
  } catch (error) {
    await abandonOperation(deps, req, op, 'The resource could not be recorded');
    throw error;
  }
  return op;
}

function assertIdle(resource: Resource): void {
  if (resource.active_operation_id) {
    throw conflict(`The ${resource.type} has an operation in progress`, {
      operation_id: resource.active_operation_id,
    });
  }
}

export const updateResource: Handler = async (req, deps) => {
  const input = body<UpdateResourceBody>(req);
  const seq = await withCatchUp(deps, async () => {
    const rec = loadResource(deps, req);
    checkIfMatch(req, rec.state.version);
    assertIdle(rec.state);
    const tier = input.tier ?? rec.state.tier;
    const spec = input.spec ?? rec.state.spec;
    assertTier(rec.state.type as ResourceType, tier, spec);
    checkReferences(deps, req, rec.state.type as ResourceType, spec);
    const data = {
      ...(input.description !== undefined && { description: input.description }),
      ...(input.tier !== undefined && { tier: input.tier }),
      ...(input.spec !== undefined && { spec: input.spec }),
      ...(input.labels !== undefined && { tags: tagsFor(tenantOf(req), rec.state.team_id, input.labels) }),
    };
    return deps.store.append(
      makeEvent(ref(req, AggregateTypes.resource, rec.state.id), 'resource.updated', data),
      rec.seq,
    );
  });
  await caughtUp(deps, seq);
  const rec = loadResource(deps, req);
  return ok(rec.state, { etag: rec.state.version });
};

export const deleteResource: Handler = async (req, deps) => {
  let op: CreatedOperation | undefined;
  let previous: Resource | undefined;
  try {
    previous = await withCatchUp(deps, async () => {
      const rec = loadResource(deps, req);
      if (op && rec.state.active_operation_id === op.id) return rec.state;
      checkIfMatch(req, rec.state.version);
      assertIdle(rec.state);
      op ??= await createOperation(deps, req, {
        kind: 'resource_delete',
        target: { type: 'resource', id: rec.state.id },
        team_id: rec.state.team_id,
        params: { resource_type: rec.state.type, name: rec.state.name },
      });
      const event = makeEvent(ref(req, AggregateTypes.resource, rec.state.id), 'resource.status_changed', {
        status: 'deleting' as const,
        operation_id: op.id,
      });
      await deps.store.append(event, rec.seq);
      return rec.state;
    });
  } catch (error) {
    if (op)
      await abandonOperation(
        deps,
        req,
        op,
        'Superseded: the resource changed before the operation could start',
      );
    throw error;
  }
  if (!op) throw new ApiError('INTERNAL_ERROR', 'operation was not created');
  await deps.events.resource(tenantOf(req), previous.id, 'status', PlatformEvents.statusChanged, {
    resource_id: previous.id,
    status: 'deleting',
    previous_status: previous.status,
    details: { operation_id: op.id, resource_type: previous.type },
  });
  return accepted(op, `Deleting ${previous.type} '${previous.name}'...`);
};
