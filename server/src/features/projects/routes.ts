import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/authorize.js';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses, forceQuerySchema } from '../../http/schemas.js';
import {
  createEnvironmentBody,
  createProjectBody,
  environmentParams,
  environmentView,
  projectDetailView,
  projectParams,
  projectView,
  updateEnvironmentBody,
  updateProjectBody,
} from './schemas.js';
import { ProjectsService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  createEnvironmentRequest,
  createProjectRequest,
  environmentListResponse,
  environmentResponse,
  projectDetailResponse,
  projectListResponse,
  projectResponse,
  updatedEnvironmentResponse,
  updatedProjectResponse,
  updateEnvironmentRequest,
  updateProjectRequest,
} from './openapi-examples.js';

/** /projects and /projects/:project/environments (admin only). */
export const projectsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new ProjectsService({
    prisma: app.db.prisma,
    notifier: app.changes,
    authenticator: app.tokenAuth,
    revocations: app.propagation.revocations,
  });
  const tags = ['projects'];

  app.get(
    '/projects',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'List projects',
        description: 'The projects the caller may read (every project for instance admins).',
        response: {
          200: withExample(z.object({ projects: z.array(projectView) }), projectListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      return { projects: await service.listProjects((projectId) => can(principal, 'project.read', { projectId })) };
    },
  );

  app.post(
    '/projects',
    {
      config: { access: 'projects.create' },
      schema: {
        tags,
        summary: 'Create a project',
        description:
          'Instance admins and owners only. The key (lowercase letters, digits, - and _) is permanent: SDK tokens, URLs and the audit log name it. 409 when it exists. A project starts with no environment.',
        body: withExample(createProjectBody, createProjectRequest),
        response: { 201: withExample(projectView, projectResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createProject(requirePrincipal(request), request.body)),
  );

  app.get(
    '/projects/:project',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: 'Get a project with its environments',
        description:
          "The project and its environments (ordered by creation), with each environment's protection. 404 when the project does not exist or the caller may not read it.",
        params: projectParams,
        response: { 200: withExample(projectDetailView, projectDetailResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.getProject(request.params.project),
  );

  app.patch(
    '/projects/:project',
    {
      config: { access: 'project.admin' },
      schema: {
        tags,
        summary: 'Rename or describe a project (its key never changes)',
        description:
          'Project admins. Changes name and/or description (at least one); any other field, `key` included, is a 400. Audited.',
        params: projectParams,
        body: withExample(updateProjectBody, updateProjectRequest),
        response: { 200: withExample(projectView, updatedProjectResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.updateProject(requirePrincipal(request), request.params.project, request.body),
  );

  app.delete(
    '/projects/:project',
    {
      config: { access: 'project.admin' },
      schema: {
        tags,
        summary: 'Delete a project',
        description:
          'A project with flags or segments is only deleted with ?force=true (409 otherwise). Its tokens go with ' +
          'it: their SDK streams end on every instance.',
        params: projectParams,
        querystring: forceQuerySchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.deleteProject(requirePrincipal(request), request.params.project, request.query);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/projects/:project/environments',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: "List a project's environments",
        description:
          "Ordered by creation, with each environment's protection (`protected`, `protectedRole`: who may change configurations there).",
        params: projectParams,
        response: {
          200: withExample(z.object({ environments: z.array(environmentView) }), environmentListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({ environments: await service.listEnvironments(request.params.project) }),
  );

  app.post(
    '/projects/:project/environments',
    {
      config: { access: 'project.admin' },
      schema: {
        tags,
        summary: 'Create an environment',
        description: 'Every flag of the project gets its default, disabled configuration in it.',
        params: projectParams,
        body: withExample(createEnvironmentBody, createEnvironmentRequest),
        response: { 201: withExample(environmentView, environmentResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await service.createEnvironment(requirePrincipal(request), request.params.project, request.body)),
  );

  app.get(
    '/projects/:project/environments/:environment',
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: 'Get an environment',
        description: 'One environment of the project, with its protection; 404 when either key is unknown.',
        params: environmentParams,
        response: { 200: withExample(environmentView, environmentResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.getEnvironment(request.params.project, request.params.environment),
  );

  app.patch(
    '/projects/:project/environments/:environment',
    {
      config: { access: 'project.admin' },
      schema: {
        tags,
        summary: 'Rename an environment or change its protection (its key never changes)',
        description:
          'Project admins only. `protected: true` makes configuration changes in this environment need ' +
          '`protectedRole` (`editor` or `admin`, default `admin`); kill and restore stay open to responders. ' +
          'Changes of protection are audited as `environment.protection_changed`.',
        params: environmentParams,
        body: withExample(updateEnvironmentBody, updateEnvironmentRequest),
        response: { 200: withExample(environmentView, updatedEnvironmentResponse), ...adminErrorResponses },
      },
    },
    async (request) =>
      service.updateEnvironment(
        requirePrincipal(request),
        request.params.project,
        request.params.environment,
        request.body,
      ),
  );

  app.delete(
    '/projects/:project/environments/:environment',
    {
      config: { access: 'project.admin' },
      schema: {
        tags,
        summary: 'Delete an environment',
        description:
          'Refused with 409 while the project has flags, unless ?force=true. Its tokens go with it: their SDK ' +
          'streams end on every instance.',
        params: environmentParams,
        querystring: forceQuerySchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.deleteEnvironment(
        requirePrincipal(request),
        request.params.project,
        request.params.environment,
        request.query,
      );
      return reply.code(204).send(null);
    },
  );
};
