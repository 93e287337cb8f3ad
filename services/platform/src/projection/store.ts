// One aggregate type's records in memory, partitioned by tenant so that a lookup can never cross tenants.

export interface Rec<T> {
  state: T;
  /** Stream sequence of the aggregate's last event: the expected sequence of its next append. */
  seq: number;
}

export class TenantStore<T> {
  private readonly byTenant = new Map<string, Map<string, Rec<T>>>();

  get(tenant: string, id: string): Rec<T> | undefined {
    return this.byTenant.get(tenant)?.get(id);
  }

  set(tenant: string, id: string, rec: Rec<T>): void {
    let records = this.byTenant.get(tenant);
    if (!records) {
      records = new Map();
      this.byTenant.set(tenant, records);
    }
    records.set(id, rec);
  }

  /** Every record of one tenant, in insertion order. */
  list(tenant: string): T[] {
    return [...(this.byTenant.get(tenant)?.values() ?? [])].map((r) => r.state);
  }

  /** Records of every tenant (platform-wide health only; never used to answer a tenant's request). */
  *all(): Iterable<T> {
    for (const records of this.byTenant.values()) for (const rec of records.values()) yield rec.state;
  }
}
