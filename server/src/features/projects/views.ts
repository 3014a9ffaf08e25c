import type { EnvironmentView, ProjectView } from './schemas.js';
import type { EnvironmentRow, ProjectRow } from './store.js';

/** What the API (and the audit log) shows of a project: no internal ids. */
export function projectView(row: ProjectRow): ProjectView {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function environmentView(row: EnvironmentRow): EnvironmentView {
  return {
    key: row.key,
    name: row.name,
    revision: row.revision,
    protected: row.protected,
    // CHECK-constrained to these two; anything else reads as the stricter one.
    protectedRole: row.protectedRole === 'editor' ? 'editor' : 'admin',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
