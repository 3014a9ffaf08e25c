import { z } from 'zod';
import { DEFAULT_PROTECTED_ROLE, PROTECTED_ROLES } from '../../auth/permissions.js';
import { descriptionSchema, keySchema, nameSchema, pathKeySchema, timestampSchema } from '../../http/schemas.js';

export const projectParams = z.object({ project: pathKeySchema });
export const environmentParams = z.object({ project: pathKeySchema, environment: pathKeySchema });

export const createProjectBody = z.strictObject({
  key: keySchema,
  name: nameSchema,
  description: descriptionSchema.default(''),
});
export const updateProjectBody = z
  .strictObject({ name: nameSchema.optional(), description: descriptionSchema.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined, 'give name and/or description');

const protectedSchema = z
  .boolean()
  .describe(
    'Protected (e.g. production): changing configuration here needs `protectedRole`; kill and restore stay ' +
      'open to responders and up',
  );
const protectedRoleSchema = z
  .enum(PROTECTED_ROLES)
  .describe('The project role configuration changes need in this environment when it is protected');

export const createEnvironmentBody = z.strictObject({
  key: keySchema,
  name: nameSchema,
  protected: protectedSchema.default(false),
  protectedRole: protectedRoleSchema.default(DEFAULT_PROTECTED_ROLE as 'admin'),
});
export const updateEnvironmentBody = z
  .strictObject({
    name: nameSchema.optional(),
    protected: protectedSchema.optional(),
    protectedRole: protectedRoleSchema.optional(),
  })
  .refine(
    (body) => body.name !== undefined || body.protected !== undefined || body.protectedRole !== undefined,
    'give name, protected and/or protectedRole',
  );
export type UpdateEnvironmentInput = z.output<typeof updateEnvironmentBody>;

export const environmentView = z
  .object({
    key: z.string(),
    name: z.string(),
    revision: z.number().int().describe("Bumped by every change to this environment's snapshot"),
    protected: protectedSchema,
    protectedRole: protectedRoleSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Environment' });
export type EnvironmentView = z.output<typeof environmentView>;

export const projectView = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Project' });
export type ProjectView = z.output<typeof projectView>;

export const projectDetailView = projectView
  .extend({ environments: z.array(environmentView) })
  .meta({ id: 'ProjectDetail' });
export type ProjectDetailView = z.output<typeof projectDetailView>;
