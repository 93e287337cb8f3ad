// The read model: every aggregate folded from the event store, addressed by tenant and id.
import type { Resource, Team } from '@idp/contracts';
import { type ApplicationEvent, type ApplicationState, applyApplication } from '../aggregates/application.js';
import {
  type AppPresence,
  applyNameClaim,
  type NameClaimEvent,
  type NameClaimState,
} from '../aggregates/name-claim.js';
import { applyOperation, type OperationEvent, type OperationState } from '../aggregates/operation.js';
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
  readonly names = new TenantStore<NameClaimState>();
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
        fold(this.names, event, seq, (s, e) => applyNameClaim(s, e as NameClaimEvent));
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

  appPresence(tenant: string): (id: string) => AppPresence {
    return (id) => {
      const rec = this.applications.get(tenant, id);
      if (!rec) return 'missing';
      return rec.state.deleted ? 'deleted' : 'alive';
    };
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
