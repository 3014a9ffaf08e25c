import { path, request } from './client';

/** One change, as the audit log records it (server/src/features/audit/schemas.ts). */
export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  principal: { kind: string; id: string | null; display: string };
  action: string;
  project: string | null;
  target: { type: string; key: string };
  environment: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** The audit screen's filters; empty strings are "any". Times are ISO-8601. */
export interface AuditFilters {
  project: string;
  flag: string;
  environment: string;
  actor: string;
  from: string;
  to: string;
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}

/** One page of events matching `filters`, newest first; `cursor` = the previous page's nextCursor. */
export async function queryAudit(filters: AuditFilters, cursor?: string | null): Promise<AuditPage> {
  const params = new URLSearchParams({ limit: '50' });
  for (const name of ['flag', 'environment', 'actor', 'from', 'to'] as const) {
    if (filters[name]) params.set(name, filters[name]);
  }
  if (cursor) params.set('cursor', cursor);
  const base = filters.project ? path`/projects/${filters.project}/audit` : '/audit';
  return (await request<AuditPage>('GET', `${base}?${params}`)).data;
}
