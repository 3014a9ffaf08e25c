import { z } from 'zod';
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
    project: keySchema.optional().describe('Project key (server and client tokens)'),
    environment: keySchema.optional().describe('Environment key (server and client tokens)'),
  })
  .superRefine((body, ctx) => {
    // An empty name already has its issue (zod runs this refinement even then).
    const reserved = body.name === '' ? null : reservedTokenNameReason(body.name);
    if (reserved !== null) ctx.addIssue({ code: 'custom', path: ['name'], message: reserved });
    if (body.kind === 'admin') {
      for (const field of ['project', 'environment'] as const) {
        if (body[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'admin tokens are not bound to a project' });
        }
      }
    } else {
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
  })
  .meta({ id: 'Token' });
export type TokenView = z.output<typeof tokenView>;

export const createdTokenView = tokenView
  .extend({ secret: z.string().describe('The token itself. Shown once: store it now.') })
  .meta({ id: 'CreatedToken' });
export type CreatedTokenView = z.output<typeof createdTokenView>;
