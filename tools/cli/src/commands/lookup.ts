// Commands take an application by id (`app_…`) or by name; a name is looked up in the caller's list.
import { type ApiClient, ApiError } from '@idp/client';
import type { Application } from '@idp/contracts';

const PER_PAGE = 200;
/** A bound on the name search: 10 pages of 200 applications. */
const MAX_PAGES = 10;

export async function findApplication(api: ApiClient, ref: string): Promise<Application> {
  if (/^app_[A-Za-z0-9_-]+$/.test(ref)) {
    return api.applications.get<Application>({ params: { id: ref } });
  }
  for (let page = 1; page <= MAX_PAGES; page++) {
    const envelope = await api.callEnvelope<Application[]>('applications.list', {
      query: { page, per_page: PER_PAGE },
    });
    const match = envelope.data.find((a) => a.name === ref);
    if (match) return match;
    if (page >= (envelope.pagination?.total_pages ?? 1)) break;
  }
  throw new ApiError('NOT_FOUND', `no application named '${ref}' (give its id or name)`);
}
