import { z } from 'zod';
import { timestampSchema } from '../../http/schemas.js';
import { emailSchema } from '../users/email.js';
import { MAX_PASSWORD_LENGTH, passwordSchema } from '../users/password.js';
import { displayNameSchema, instanceRoleSchema, projectRoleSchema, userView } from '../users/schemas.js';

export const passwordSignInBody = z.strictObject({
  email: emailSchema,
  // Any length up to the maximum: a too-short password is simply wrong (401), not a malformed request.
  password: z
    .string()
    .min(1)
    .max(MAX_PASSWORD_LENGTH * 4, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
});

export const signedInView = z
  .object({
    user: userView,
    csrfToken: z.string().describe('Send it as `x-csrf-token` with every POST, PUT, PATCH and DELETE'),
    expiresAt: timestampSchema.describe('The absolute expiry; idle sessions end sooner'),
  })
  .meta({ id: 'SignedIn' });

export const meView = z
  .object({
    principal: z.object({
      kind: z.enum(['user', 'token']),
      id: z.string(),
      display: z.string(),
      via: z.enum(['session', 'pat', 'token']),
    }),
    user: userView.nullable().describe('Null for an API token'),
    instanceRole: instanceRoleSchema.nullable(),
    grants: z.array(
      z.object({
        project: z.string().describe('Project key, or `*` for every project'),
        role: projectRoleSchema,
      }),
    ),
    csrfToken: z.string().nullable().describe("The session's CSRF token (null without a session)"),
  })
  .meta({ id: 'Me' });
export type MeView = z.output<typeof meView>;

export const setupBody = z.strictObject({
  token: z.string().min(1).max(200).describe('The one-time token the server printed at start'),
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
});
