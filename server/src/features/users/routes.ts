import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { actorOf } from '../../auth/principal.js';
import { adminErrorResponses } from '../../http/schemas.js';
import {
  createUserBody,
  memberParams,
  memberView,
  putMemberBody,
  sessionView,
  updateUserBody,
  userIdParams,
  userView,
} from './schemas.js';
import { UsersService, type Manager } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  createUserRequest,
  createUserResponse,
  memberListResponse,
  memberResponse,
  putMemberRequest,
  revokedSessionsResponse,
  sessionListResponse,
  updatedUserResponse,
  updateUserRequest,
  userListResponse,
} from './openapi-examples.js';

function managerOf(request: FastifyRequest): Manager {
  const principal = requirePrincipal(request);
  return { actor: actorOf(principal), instanceRole: principal.instanceRole };
}

/** /users (instance owners and admins), /users/:id/sessions, /projects/:project/members. */
export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new UsersService({ prisma: app.db.prisma, notifier: app.changes, hasher: app.passwordHasher });
  const sessions = app.sessions;
  const tags = ['users'];

  app.get(
    '/users',
    {
      config: { access: 'users.read' },
      schema: {
        tags,
        summary: 'List users',
        description: 'Every user of the instance, oldest first (never a password hash).',
        response: {
          200: withExample(z.object({ users: z.array(userView) }), userListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async () => ({ users: await service.list() }),
  );

  app.post(
    '/users',
    {
      config: { access: 'users.manage' },
      schema: {
        tags,
        summary: 'Create a user',
        description:
          'The email is trimmed, NFKC-normalized and lower-cased, then must be unique (409). The password ' +
          '(8 to 1024 characters) is hashed with scrypt; omit it for a user who signs in with SSO only. ' +
          'Only an owner may create an owner (403). Audited as `user.created`.',
        body: withExample(createUserBody, createUserRequest),
        response: { 201: withExample(userView, createUserResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(managerOf(request), request.body)),
  );

  app.get(
    '/users/:id',
    {
      config: { access: 'users.read' },
      schema: {
        tags,
        summary: 'Get a user',
        description:
          'Callers with `users.read` (instance admins and owners). The user as GET /users lists it; never a password hash. 404 when the id is unknown.',
        params: userIdParams,
        response: { 200: withExample(userView, createUserResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.get(request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: { access: 'users.manage' },
      schema: {
        tags,
        summary: 'Change a user: display name, instance role, disabled',
        description:
          'Only owners change owners or make someone owner (403). The last enabled owner can be neither ' +
          "demoted nor disabled (409). Disabling ends the user's sessions and stops their personal tokens at " +
          'once, on every replica. Audited as `user.renamed`, `user.role_changed`, `user.disabled`, `user.enabled`.',
        params: userIdParams,
        body: withExample(updateUserBody, updateUserRequest),
        response: { 200: withExample(userView, updatedUserResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.update(managerOf(request), request.params.id, request.body),
  );

  app.get(
    '/users/:id/sessions',
    {
      config: { access: 'users.read' },
      schema: {
        tags,
        summary: "List a user's active sessions",
        description:
          'Sessions neither revoked nor expired (idle or absolute), newest first: how each was opened, when it was ' +
          'last used, from which address and browser. Never the cookie.',
        params: userIdParams,
        response: {
          200: withExample(z.object({ sessions: z.array(sessionView) }), sessionListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      await service.get(request.params.id); // 404 for an unknown user
      return { sessions: await sessions.listActiveOf(request.params.id) };
    },
  );

  app.delete(
    '/users/:id/sessions',
    {
      config: { access: 'users.manage' },
      schema: {
        tags,
        summary: 'Sign a user out everywhere',
        description:
          'Ends every session of the user; their next request with any of them is a 401, on every replica. ' +
          'Personal tokens are not sessions: revoke or disable for those. Audited as `user.sessions_revoked`.',
        params: userIdParams,
        response: {
          200: withExample(z.object({ revokedSessions: z.number().int() }), revokedSessionsResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({
      revokedSessions: await sessions.revokeAllOf(actorOf(requirePrincipal(request)), request.params.id),
    }),
  );

  app.get(
    '/projects/:project/members',
    {
      config: { access: 'project.read' },
      schema: {
        tags: ['members'],
        summary: "List a project's members and their roles",
        description: 'Anyone who may read the project. Every user with a role in it, and that role.',
        params: memberParams.pick({ project: true }),
        response: {
          200: withExample(z.object({ members: z.array(memberView) }), memberListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({ members: await service.listMembers(request.params.project) }),
  );

  app.put(
    '/projects/:project/members/:userId',
    {
      config: { access: 'members.manage' },
      schema: {
        tags: ['members'],
        summary: "Set a user's role in a project",
        description:
          'Adds the user to the project or changes their role (viewer, responder, editor, admin). Takes ' +
          'effect at their next request. Audited as `member.added` or `member.role_changed`.',
        params: memberParams,
        body: withExample(putMemberBody, putMemberRequest),
        response: { 200: withExample(memberView, memberResponse), ...adminErrorResponses },
      },
    },
    async (request) =>
      service.putMember(
        actorOf(requirePrincipal(request)),
        request.params.project,
        request.params.userId,
        request.body.role,
      ),
  );

  app.delete(
    '/projects/:project/members/:userId',
    {
      config: { access: 'members.manage' },
      schema: {
        tags: ['members'],
        summary: 'Remove a user from a project',
        description: 'Takes effect at their next request. Audited as `member.removed`.',
        params: memberParams,
        response: { 204: z.null().describe('Removed'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.removeMember(actorOf(requirePrincipal(request)), request.params.project, request.params.userId);
      return reply.code(204).send(null);
    },
  );
};
