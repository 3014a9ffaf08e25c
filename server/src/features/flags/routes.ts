import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/authorize.js';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import {
  createFlagBodySchema,
  flagDetailResponseSchema,
  flagListResponseSchema,
  flagParamsSchema,
  flagResponseSchema,
  flagSearchResponseSchema,
  listFlagsQuerySchema,
  projectParamsSchema,
  searchFlagsQuerySchema,
  updateFlagBodySchema,
} from './schemas.js';
import { FlagService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import { compressLargeJson } from '../../http/compress-json.js';
import {
  archivedFlagResponse,
  createFlagRequest,
  createFlagResponse,
  flagDetailResponse,
  flagListResponse,
  flagSearchResponse,
  updatedFlagResponse,
  updateFlagRequest,
} from './openapi-examples.js';

/** /projects/:project/flags: flag definitions (admin only). Per-environment configuration is in flag-config. */
export const flagsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new FlagService({ prisma: app.db.prisma, notifier: app.changes });
  const tags = ['flags'];

  app.post(
    '/projects/:project/flags',
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: 'Create a flag',
        description:
          'Boolean flags get variants on=true / off=false unless given. The flag gets a disabled default ' +
          'configuration in every environment of the project. 409 when the key exists, or for a server-only ' +
          'flag whose key a live client-side flag lists as a prerequisite (`details.dependents`).',
        params: projectParamsSchema,
        body: withExample(createFlagBodySchema, createFlagRequest),
        response: { 201: withExample(flagResponseSchema, createFlagResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(request.params.project, request.body, requirePrincipal(request))),
  );

  app.get(
    '/projects/:project/flags',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: 'List flags',
        description:
          'Ordered by key. Filters: `tag`, `q` (case-insensitive text in key, name or description), ' +
          '`archived` (absent = live flags only). Page with `limit` (1-1000) and `cursor` (the previous ' +
          "page's `nextCursor`) or `offset`. `include=environments` adds each flag's state in every " +
          'environment (on/off, killed, version, rule count, rollout percentages) in the same response, ' +
          'compressed (br or gzip, per Accept-Encoding) when large. ' +
          '`total` is how many flags match the filters on all pages together. Each page is one database ' +
          'query; prefer `cursor` (a key bound, stable while flags are added or removed) to `offset`.',
        params: projectParamsSchema,
        querystring: listFlagsQuerySchema,
        response: { 200: withExample(flagListResponseSchema, flagListResponse), ...adminErrorResponses },
      },
      // A page of 1,000 flags with 3 environments is ~640 KB of JSON, the same field names on every flag.
      onSend: compressLargeJson,
    },
    async (request) => service.list(request.params.project, request.query),
  );

  app.get(
    '/flags',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Search flags across every project',
        description:
          'Live (non-archived) flags of every project whose key, name or description contains `q` ' +
          '(case-insensitive) in the projects the caller may read, with their state in each environment: the ' +
          'incident search of the console. ' +
          'At most `limit` (1-200, default 20).',
        querystring: searchFlagsQuerySchema,
        response: { 200: withExample(flagSearchResponseSchema, flagSearchResponse), ...adminErrorResponses },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return service.search(request.query, (projectId) => can(principal, 'project.read', { projectId }));
    },
  );

  app.get(
    '/projects/:project/flags/:flag',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: 'Get a flag, with its state in each environment',
        description:
          'The definition (type, variants, tags, client-side, archived), `lastEvaluatedAt` (latest evaluation SDKs reported, any environment) and, per environment, whether it is on, killed and its configuration version.',
        params: flagParamsSchema,
        response: { 200: withExample(flagDetailResponseSchema, flagDetailResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.get(request.params.project, request.params.flag),
  );

  app.patch(
    '/projects/:project/flags/:flag',
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: 'Update a flag definition',
        description:
          'Name, description, tags, clientSide, variants. Removing a variant that a configuration or ' +
          "another flag's prerequisite still uses is a 409 naming where. A client-side flag's prerequisites " +
          'must be client-side (browsers receive only those): making a flag client-side while a prerequisite ' +
          'of it (any environment) is not, or server-only (archived or not) while a live client-side flag lists it as a ' +
          'prerequisite, is a 409 listing them (`details.prerequisites` / `details.dependents`).',
        params: flagParamsSchema,
        body: withExample(updateFlagBodySchema, updateFlagRequest),
        response: { 200: withExample(flagResponseSchema, updatedFlagResponse), ...adminErrorResponses },
      },
    },
    async (request) =>
      service.update(request.params.project, request.params.flag, request.body, requirePrincipal(request)),
  );

  app.post(
    '/projects/:project/flags/:flag/archive',
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: 'Archive a flag (it leaves every SDK snapshot)',
        description: '409 when already archived, or while a live flag lists it as a prerequisite.',
        params: flagParamsSchema,
        response: { 200: withExample(flagResponseSchema, archivedFlagResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.archive(request.params.project, request.params.flag, requirePrincipal(request)),
  );

  app.post(
    '/projects/:project/flags/:flag/unarchive',
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: 'Unarchive a flag (it comes back to SDK snapshots)',
        description:
          '409 when not archived, or for a client-side flag with a prerequisite that is not client-side ' +
          '(`details.prerequisites`).',
        params: flagParamsSchema,
        response: { 200: withExample(flagResponseSchema, createFlagResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.unarchive(request.params.project, request.params.flag, requirePrincipal(request)),
  );

  app.delete(
    '/projects/:project/flags/:flag',
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: 'Delete an archived flag',
        description: '409 unless the flag is archived.',
        params: flagParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.project, request.params.flag, requirePrincipal(request));
      return reply.code(204).send(null);
    },
  );
};
