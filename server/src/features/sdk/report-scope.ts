import type { FastifyRequest } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { notFound } from '../../http/errors.js';
import { errorBodySchema } from '../../http/schemas.js';
import { sdkPrincipal } from './sdk-principal.js';

/** The error answers of an SDK report route (`POST /sdk/metrics`, `POST /sdk/events`). */
export const sdkReportErrorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  413: errorBodySchema,
  503: errorBodySchema,
} as const;

/**
 * Where an SDK report lands: the token's environment and its project (looked up for tokens that
 * carry none; 404 if the environment is gone) and, for anything but a server token, client-side
 * flags only.
 */
export async function sdkReportScope(
  prisma: PrismaClient,
  request: FastifyRequest,
): Promise<{ projectId: string; environmentId: string; clientSideOnly: boolean }> {
  const principal = sdkPrincipal(request);
  const projectId = principal.projectId ?? (await projectOf(prisma, principal.environmentId));
  return { projectId, environmentId: principal.environmentId, clientSideOnly: principal.tokenKind !== 'server' };
}

async function projectOf(prisma: PrismaClient, environmentId: string): Promise<string> {
  const environment = await prisma.environment.findUnique({
    where: { id: environmentId },
    select: { projectId: true },
  });
  if (!environment) throw notFound("This token's environment no longer exists");
  return environment.projectId;
}
