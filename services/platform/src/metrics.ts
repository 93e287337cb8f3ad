// The platform's own Prometheus numbers: operations by state (read from the projection at scrape time,
// so it is the whole system's view, the same on every instance), operations started and ended and every
// event-store append by this instance (counted where the append happens, so nothing is counted twice).
import type { OperationKind } from '@idp/contracts';
import { Counter, Gauge, type Registry } from '@idp/service-kit';
import type { StoredEvent } from './aggregates/stored-event.js';
import { isWrongSequence } from './event-store.js';
import type { ReadModel } from './projection/read-model.js';

type Append = (event: StoredEvent<string, unknown>, expectedSeq: number) => Promise<number>;

const ENDED = new Set(['operation.succeeded', 'operation.failed', 'operation.cancelled']);

export function createPlatformMetrics(registry: Registry, model: () => ReadModel) {
  new Gauge({
    name: 'idp_platform_operations',
    help: 'Operations in the read model by state and kind (all tenants; computed at scrape time)',
    labelNames: ['state', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, { state: string; kind: string; n: number }>();
      for (const op of model().operations.all()) {
        const key = `${op.status}/${op.kind}`;
        const entry = counts.get(key) ?? { state: op.status, kind: op.kind, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
      for (const { state, kind, n } of counts.values()) this.set({ state, kind }, n);
    },
  });
  const started = new Counter({
    name: 'idp_platform_operations_started_total',
    help: 'Operations created (accepted with 202) by this instance, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const ended = new Counter({
    name: 'idp_platform_operations_ended_total',
    help: 'Operations ended by this instance, by kind and end state (succeeded, failed, cancelled)',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
  });
  const appends = new Counter({
    name: 'idp_platform_event_store_appends_total',
    help: 'Event-store appends by aggregate type and outcome (ok, conflict: someone appended first, error)',
    labelNames: ['aggregate', 'outcome'] as const,
    registers: [registry],
  });

  function operationAppended(event: StoredEvent<string, unknown>) {
    if (event.type === 'operation.created') {
      started.inc({ kind: (event.data as { kind: OperationKind }).kind });
    } else if (ENDED.has(event.type)) {
      const kind = model().operations.get(event.tenant_id, event.id)?.state.kind ?? 'unknown';
      ended.inc({ kind, state: event.type.slice('operation.'.length) });
    }
  }

  return {
    /**
     * Counts around an event store's `append`. The store is built with a subclass elsewhere (the
     * change feed), so counting wraps the one instance instead of adding another subclass.
     */
    countAppends(store: { append: Append }): void {
      const append = store.append.bind(store);
      store.append = async (event, expectedSeq) => {
        try {
          const seq = await append(event, expectedSeq);
          appends.inc({ aggregate: event.aggregate, outcome: 'ok' });
          if (event.aggregate === 'operation') operationAppended(event);
          return seq;
        } catch (error) {
          appends.inc({ aggregate: event.aggregate, outcome: isWrongSequence(error) ? 'conflict' : 'error' });
          throw error;
        }
      };
    },
  };
}
export type PlatformMetrics = ReturnType<typeof createPlatformMetrics>;
