import { z } from 'zod';
import { INSTANCE_ROLES, PROJECT_ROLES } from '../../auth/principal.js';
import { nameSchema, timestampSchema } from '../../http/schemas.js';
import { emailSchema } from './email.js';
import { passwordSchema } from './password.js';

export const instanceRoleSchema = z
  .enum(INSTANCE_ROLES)
  .describe('owner: everything; admin: everything but managing owners');
export const projectRoleSchema = z
  .enum(PROJECT_ROLES)
  .describe('viewer < responder (kill and restore) < editor (flags, rollouts, segments) < admin (the project)');

/** A person's name as shown in the audit log: never `system:…`, which is the server's own. */
export const displayNameSchema = nameSchema
  .refine((value) => !value.toLowerCase().startsWith('system:'), 'must not start with "system:" (reserved)')
  .describe('Shown in the audit log beside the user id; `system:…` is reserved');

export const userView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    instanceRole: instanceRoleSchema.nullable(),
    disabled: z.boolean(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'User' });
export type UserView = z.output<typeof userView>;

export const createUserBody = z.strictObject({
  email: emailSchema,
  displayName: displayNameSchema,
  password: passwordSchema.optional().describe('Omit for a user who will sign in with SSO only'),
  instanceRole: instanceRoleSchema.nullable().default(null),
});
export type CreateUserInput = z.output<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    instanceRole: instanceRoleSchema.nullable().optional(),
    disabled: z.boolean().optional().describe('A disabled user cannot sign in; their sessions and tokens stop at once'),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change something');
export type UpdateUserInput = z.output<typeof updateUserBody>;

export const userIdParams = z.object({ id: z.uuid('must be a user id (UUID)') });

export const memberView = z
  .object({
    user: userView,
    role: projectRoleSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'ProjectMember' });
export type MemberView = z.output<typeof memberView>;

export const memberParams = z.object({
  project: z.string().min(1).max(200),
  userId: z.uuid('must be a user id (UUID)'),
});
export const putMemberBody = z.strictObject({ role: projectRoleSchema });

export const sessionView = z
  .object({
    id: z.uuid(),
    method: z.string().describe('How it was opened: password, oidc'),
    createdAt: timestampSchema,
    lastSeenAt: timestampSchema.describe('Updated at most once a minute'),
    expiresAt: timestampSchema.describe('The absolute expiry; the idle expiry may end it sooner'),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'Session' });
export type SessionView = z.output<typeof sessionView>;
