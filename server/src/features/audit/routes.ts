import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withExample } from '../../http/openapi-examples.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { auditPageResponse } from './openapi-examples.js';
import { auditPageSchema, auditQuerySchema, projectAuditParamsSchema, projectAuditQuerySchema } from './schemas.js';
import { AuditService } from './service.js';

const QUERY_DESCRIPTION =
  'Newest first. Filters (all optional, combined with AND): `flag` (changes to the flag and its ' +
  'configurations), `environment` (changes in that environment), `actorKind` and `actorId` (who made the change: e.g. `token` and a token id, or ' +
  '`system`), `actor` (display name, e.g. a token name: names can repeat, ids cannot), `action` (e.g. ' +
  '`segment.updated`), `from` (inclusive) and `to` ' +
  '(exclusive) as ISO-8601 date-times. Page with `limit` (1-200, default 50) and `cursor` (the previous ' +
  "page's `nextCursor`). Each event names its `principal` `{ kind, id, display }`; `actor` is the same " +
  'display text, kept for compatibility.';

/** The audit log, read-only (admin only): GET /audit and GET /projects/:project/audit. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new AuditService({ prisma: app.db.prisma });
  const tags = ['audit'];

  app.get(
    '/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        summary: 'Query the audit log',
        description: `${QUERY_DESCRIPTION} \`project\` (key) narrows to one project.`,
        querystring: auditQuerySchema,
        response: { 200: withExample(auditPageSchema, auditPageResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.query(request.query),
  );

  app.get(
    '/projects/:project/audit',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: "Query one project's audit log",
        description: `${QUERY_DESCRIPTION} Same as GET /audit?project=<project>.`,
        params: projectAuditParamsSchema,
        querystring: projectAuditQuerySchema,
        response: { 200: withExample(auditPageSchema, auditPageResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.query({ ...request.query, project: request.params.project }),
  );
};
