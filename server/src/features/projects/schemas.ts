import { z } from 'zod';
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

export const createEnvironmentBody = z.strictObject({ key: keySchema, name: nameSchema });
export const updateEnvironmentBody = z.strictObject({ name: nameSchema });

export const environmentView = z
  .object({
    key: z.string(),
    name: z.string(),
    revision: z.number().int().describe("Bumped by every change to this environment's snapshot"),
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
