// The read model: every aggregate folded from the event store, addressed by tenant and id.
import type { Resource, Team } from '@idp/contracts';
import { type ApplicationEvent, type ApplicationState, applyApplication } from '../aggregates/application.js';
import type { HolderPresence } from '../aggregates/holder.js';
import {
  applyNameClaim,
  type NameClaimEvent,
  type NameClaimState,
  type NamedKind,
} from '../aggregates/name-claim.js';
import { applyOperation, type OperationEvent, type OperationState } from '../aggregates/operation.js';
import { applyQuota, type QuotaEvent, type QuotaState } from '../aggregates/quota-reservation.js';
import { applyResource, type ResourceEvent } from '../aggregates/resource.js';
import { AggregateTypes, type StoredEvent } from '../aggregates/stored-event.js';
import { applyTeam, type TeamEvent } from '../aggregates/team.js';
import {
  applyUserProfile,
  type UserProfileEvent,
  type UserProfileState,
} from '../aggregates/user-profile.js';
import { type Rec, TenantStore } from './store.js';

export class ReadModel {
  readonly applications = new TenantStore<ApplicationState>();
  /** Name claims by kind of object, each addressed by the name. */
  readonly names: Record<NamedKind, TenantStore<NameClaimState>> = {
    application: new TenantStore(),
    resource: new TenantStore(),
    team: new TenantStore(),
  };
  /** Quota reservations of creates in flight, addressed by the counted kind (`applications`, ...). */
  readonly quotas = new TenantStore<QuotaState>();
  readonly teams = new TenantStore<Team>();
  readonly resources = new TenantStore<Resource>();
  readonly operations = new TenantStore<OperationState>();
  readonly profiles = new TenantStore<UserProfileState>();

  /** Folds one stored event at stream sequence `seq`; unknown aggregate types are ignored. */
  apply(event: StoredEvent, seq: number): void {
    switch (event.aggregate) {
      case AggregateTypes.application:
        fold(this.applications, event, seq, (s, e) => applyApplication(s, e as ApplicationEvent));
        break;
      case AggregateTypes.appName:
        fold(this.names.application, event, seq, (s, e) => applyNameClaim(s, e as NameClaimEvent));
        break;
      case AggregateTypes.resourceName:
        fold(this.names.resource, event, seq, (s, e) => applyNameClaim(s, e as NameClaimEvent));
        break;
      case AggregateTypes.teamName:
        fold(this.names.team, event, seq, (s, e) => applyNameClaim(s, e as NameClaimEvent));
        break;
      case AggregateTypes.quota:
        fold(this.quotas, event, seq, (s, e) => applyQuota(s, e as QuotaEvent));
        break;
      case AggregateTypes.team:
        fold(this.teams, event, seq, (s, e) => applyTeam(s, e as TeamEvent));
        break;
      case AggregateTypes.resource:
        fold(this.resources, event, seq, (s, e) => applyResource(s, e as ResourceEvent));
        break;
      case AggregateTypes.operation:
        fold(this.operations, event, seq, (s, e) => applyOperation(s, e as OperationEvent));
        break;
      case AggregateTypes.user:
        fold(this.profiles, event, seq, (s, e) => applyUserProfile(s, e as UserProfileEvent));
        break;
      default:
        break;
    }
  }

  /** A live (not deleted) application of the tenant. */
  application(tenant: string, id: string): Rec<ApplicationState> | undefined {
    const rec = this.applications.get(tenant, id);
    return rec && !rec.state.deleted ? rec : undefined;
  }

  /** A resource of the tenant that still exists. */
  resource(tenant: string, id: string): Rec<Resource> | undefined {
    const rec = this.resources.get(tenant, id);
    return rec && rec.state.status !== 'deleted' ? rec : undefined;
  }

  /** Whether an object of `kind` is stored and not deleted, for name claims and quota reservations. */
  presence(tenant: string, kind: NamedKind): (id: string) => HolderPresence {
    return (id) => {
      if (this.isLive(tenant, kind, id)) return 'alive';
      // Teams are never deleted; a stored application or resource that is not live was.
      if (kind === 'team') return 'missing';
      const stored = (kind === 'application' ? this.applications : this.resources).get(tenant, id);
      return stored ? 'deleted' : 'missing';
    };
  }

  private isLive(tenant: string, kind: NamedKind, id: string): boolean {
    if (kind === 'team') return this.teams.get(tenant, id) !== undefined;
    return (kind === 'application' ? this.application(tenant, id) : this.resource(tenant, id)) !== undefined;
  }

  /** The tenant's stored, not deleted objects of `kind`: what its quota counts and its names belong to. */
  live(tenant: string, kind: NamedKind): Array<{ id: string; name: string }> {
    if (kind === 'team') return this.teams.list(tenant);
    if (kind === 'application') return this.applications.list(tenant).filter((a) => !a.deleted);
    return this.resources.list(tenant).filter((r) => r.status !== 'deleted');
  }
}

function fold<T>(
  store: TenantStore<T>,
  event: StoredEvent,
  seq: number,
  reduce: (s: T | undefined, e: StoredEvent) => T | undefined,
) {
  const current = store.get(event.tenant_id, event.id);
  const next = reduce(current?.state, event);
  if (next !== undefined) store.set(event.tenant_id, event.id, { state: next, seq });
}
