import { z } from 'zod';
import { keySchema, nameSchema, timestampSchema } from '../../http/schemas.js';
import { projectRoleSchema } from '../users/schemas.js';

export const createPatBody = z.strictObject({
  name: nameSchema.describe('What the token is for (e.g. "laptop CLI"); shown in listings'),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the token stops working; omit for never (revoke it instead)'),
  project: keySchema.optional().describe('Cap: the token only acts in this project'),
  role: projectRoleSchema.optional().describe('Cap: the token acts with at most this project role'),
});
export type CreatePatInput = z.output<typeof createPatBody>;

export const patView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the secret'),
    project: z.string().nullable().describe('The project cap, if any'),
    role: projectRoleSchema.nullable().describe('The role cap, if any'),
    expiresAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    lastUsedAt: timestampSchema.nullable().describe('Updated at most once a minute'),
  })
  .meta({ id: 'PersonalToken' });
export type PatView = z.output<typeof patView>;

export const createdPatView = patView
  .extend({ secret: z.string().describe('Shown this once; send it as `Authorization: Bearer <secret>`') })
  .meta({ id: 'CreatedPersonalToken' });
export type CreatedPatView = z.output<typeof createdPatView>;

export const patIdParams = z.object({ id: z.uuid('must be a token id (UUID)') });
