import type { PrismaClient } from '../../generated/prisma/client.js';
import { requireProject } from '../projects/store.js';
import type { AuditEventView, AuditPage, AuditQuery } from './schemas.js';
import { listAuditEvents, projectKeys, type AuditRow } from './store.js';
import { auditValueInPercent } from './percent-view.js';

/** Reads the audit log (written by `recordChange`; nothing here writes it). */
export class AuditService {
  constructor(private readonly deps: { prisma: PrismaClient }) {}

  /** One page of events matching `query`, newest first; 404 for an unknown project key. */
  async query(query: AuditQuery): Promise<AuditPage> {
    const { prisma } = this.deps;
    const project = query.project === undefined ? undefined : await requireProject(prisma, query.project);
    const rows = await listAuditEvents(
      prisma,
      {
        projectId: project?.id,
        flagKey: query.flag,
        environment: query.environment,
        actor: query.actor,
        actorKind: query.actorKind,
        actorId: query.actorId,
        action: query.action,
        from: query.from,
        to: query.to,
        beforeId: query.cursor === undefined ? undefined : BigInt(query.cursor),
      },
      query.limit,
    );
    const page = rows.slice(0, query.limit);
    const keys = await projectKeys(prisma, [
      ...new Set(page.flatMap((row) => (row.projectId === null ? [] : [row.projectId]))),
    ]);
    return {
      items: page.map((row) => auditEventView(row, row.projectId === null ? null : (keys.get(row.projectId) ?? null))),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id.toString() : null,
    };
  }
}

function auditEventView(row: AuditRow, projectKey: string | null): AuditEventView {
  return {
    id: row.id.toString(),
    time: row.createdAt.toISOString(),
    actor: row.actor,
    principal: { kind: row.actorKind, id: row.actorId, display: row.actor },
    action: row.action,
    project: projectKey,
    target: { type: row.targetType, key: row.targetKey },
    environment: row.environment,
    before: auditValueInPercent(row.before),
    after: auditValueInPercent(row.after),
    reason: row.reason,
  };
}
