import { z } from 'zod';
import { INSTANCE_ROLES, PROJECT_ROLES } from '../../auth/principal.js';
import { keySchema, nameSchema, timestampSchema } from '../../http/schemas.js';
import { reservedTokenNameReason } from './token-names.js';
import { TOKEN_KINDS } from './token-secret.js';

export const tokenKindSchema = z
  .enum(TOKEN_KINDS)
  .describe('admin: the management API; server: SDKs on servers; client: browser SDKs (client-side flags only)');

export const createTokenBody = z
  .strictObject({
    name: nameSchema.describe(
      'Who or what uses the token; audit events show it beside the token id. Unique among active tokens ' +
        '(compared ignoring case, spacing, invisible characters and look-alike characters; 409 otherwise). ' +
        'Reserved (400): names starting with `system:` and names of the admin tokens the server creates ' +
        '(`admin (generated)`, anything naming SWITCHYARD_ADMIN_TOKEN)',
    ),
    kind: tokenKindSchema,
    project: keySchema
      .optional()
      .describe(
        'Project key: required for server and client tokens; for admin tokens with a role, the one project (absent: every project)',
      ),
    environment: keySchema.optional().describe('Environment key (server and client tokens)'),
    role: z
      .enum(PROJECT_ROLES)
      .optional()
      .describe(
        'Admin tokens: the project role (viewer, responder, editor, admin) in `project`, or in every project. ' +
          'Absent: an instance admin token (only instance admins may mint one). Never more than the caller has (403).',
      ),
    expiresAt: timestampSchema
      .optional()
      .describe('When the token stops working (401 after it); absent: never. Must be in the future.'),
  })
  .superRefine((body, ctx) => {
    // An empty name already has its issue (zod runs this refinement even then).
    const reserved = body.name === '' ? null : reservedTokenNameReason(body.name);
    if (reserved !== null) ctx.addIssue({ code: 'custom', path: ['name'], message: reserved });
    if (body.kind === 'admin') {
      if (body.environment !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['environment'],
          message: 'admin tokens are not bound to an environment',
        });
      }
      if (body.project !== undefined && body.role === undefined) {
        ctx.addIssue({ code: 'custom', path: ['role'], message: 'required with project (the role in that project)' });
      }
    } else {
      if (body.role !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['role'], message: `${body.kind} tokens have no role` });
      }
      for (const field of ['project', 'environment'] as const) {
        if (body[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `required for ${body.kind} tokens` });
        }
      }
    }
  });
export type CreateTokenInput = z.output<typeof createTokenBody>;

export const tokenIdParams = z.object({ id: z.uuid('must be a token id (UUID)') });

export const listTokensQuery = z.object({
  includeRevoked: z.stringbool().default(false).describe('Also list revoked tokens'),
});

export const tokenView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: tokenKindSchema,
    prefix: z.string().describe('The first 12 characters of the secret'),
    project: z.string().nullable(),
    environment: z.string().nullable(),
    createdAt: timestampSchema,
    lastUsedAt: timestampSchema.nullable().describe('Updated at most once a minute'),
    revokedAt: timestampSchema.nullable(),
    role: z
      .enum(PROJECT_ROLES)
      .nullable()
      .describe('Admin tokens: the project role in `project` (null project: every project)'),
    instanceRole: z
      .enum(INSTANCE_ROLES)
      .nullable()
      .describe('Admin tokens without a project role: owner (made by the server) or admin'),
    expiresAt: timestampSchema.nullable().describe('After this the token is refused; null: never'),
  })
  .meta({ id: 'Token' });
export type TokenView = z.output<typeof tokenView>;

export const createdTokenView = tokenView
  .extend({ secret: z.string().describe('The token itself. Shown once: store it now.') })
  .meta({ id: 'CreatedToken' });
export type CreatedTokenView = z.output<typeof createdTokenView>;
