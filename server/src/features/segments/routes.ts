import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import {
  createSegmentBodySchema,
  projectParamsSchema,
  segmentDetailResponseSchema,
  segmentListResponseSchema,
  segmentParamsSchema,
  segmentResponseSchema,
  updateSegmentBodySchema,
} from './schemas.js';
import { SegmentService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  createSegmentRequest,
  segmentDetailResponse,
  segmentListResponse,
  segmentResponse,
  updatedSegmentResponse,
  updateSegmentRequest,
} from './openapi-examples.js';

/** /projects/:project/segments: segments, shared by every environment of a project (admin only). */
export const segmentsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new SegmentService({ prisma: app.db.prisma, notifier: app.changes });
  const tags = ['segments'];

  app.get(
    '/projects/:project/segments',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: "List a project's segments",
        description: 'Ordered by key.',
        params: projectParamsSchema,
        response: { 200: withExample(segmentListResponseSchema, segmentListResponse), ...adminErrorResponses },
      },
    },
    async (request) => ({ items: await service.list(request.params.project) }),
  );

  app.post(
    '/projects/:project/segments',
    {
      config: { access: 'segments.write' },
      schema: {
        tags,
        summary: 'Create a segment',
        description:
          'Conditions are core conditions (all must match; an empty list matches everyone), checked like flag ' +
          'rules: values of the operator type, safe regexes, valid semvers, dates and CIDRs. The new segment ' +
          'is in the snapshot of every environment of the project.',
        params: projectParamsSchema,
        body: withExample(createSegmentBodySchema, createSegmentRequest),
        response: { 201: withExample(segmentResponseSchema, segmentResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(request.params.project, request.body, requirePrincipal(request))),
  );

  app.get(
    '/projects/:project/segments/:segment',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: 'Get a segment, with the rules that use it',
        description:
          "The segment's conditions and the flag rules that reference it, so a change or a delete can be judged before it is made. 404 when either key is unknown.",
        params: segmentParamsSchema,
        response: { 200: withExample(segmentDetailResponseSchema, segmentDetailResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.get(request.params.project, request.params.segment),
  );

  app.patch(
    '/projects/:project/segments/:segment',
    {
      config: { access: 'segments.write' },
      schema: {
        tags,
        summary: "Change a segment's name, description or conditions (its key never changes)",
        description: 'Bumps `version`. New conditions reach the SDKs of every environment of the project.',
        params: segmentParamsSchema,
        body: withExample(updateSegmentBodySchema, updateSegmentRequest),
        response: { 200: withExample(segmentResponseSchema, updatedSegmentResponse), ...adminErrorResponses },
      },
    },
    async (request) =>
      service.update(request.params.project, request.params.segment, request.body, requirePrincipal(request)),
  );

  app.delete(
    '/projects/:project/segments/:segment',
    {
      config: { access: 'segments.write' },
      schema: {
        tags,
        summary: 'Delete a segment',
        description:
          'Refused with 409 while a rule of any flag (archived ones included) in any environment uses it; ' +
          '`details.references` lists them as `{ flag, environment, ruleId }`.',
        params: segmentParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.project, request.params.segment, requirePrincipal(request));
      return reply.code(204).send(null);
    },
  );
};
