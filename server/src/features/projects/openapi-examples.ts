/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory, exampleTimestamps } from '../../http/openapi-examples.js';

export const createProjectRequest = {
  key: exampleStory.project,
  name: 'Shop',
  description: 'The web shop and its checkout',
} as const;

export const projectResponse = { ...createProjectRequest, ...exampleTimestamps } as const;

export const updateProjectRequest = { description: 'The web shop, its checkout and the mobile app' } as const;

export const updatedProjectResponse = { ...projectResponse, ...updateProjectRequest } as const;

export const createEnvironmentRequest = {
  key: exampleStory.environment,
  name: 'Production',
  protected: true,
  protectedRole: 'admin',
} as const;

/** An environment at `revision` (each committed change bumps it). */
const environment = <const Fields extends object>(revision: number, fields: Fields) =>
  ({ ...createEnvironmentRequest, revision, ...exampleTimestamps, ...fields }) as const;

export const environmentResponse = environment(42, {});

export const updateEnvironmentRequest = { protectedRole: 'editor' } as const;

export const updatedEnvironmentResponse = environment(42, updateEnvironmentRequest);

const stagingEnvironment = environment(17, { key: 'staging', name: 'Staging', protected: false });

export const environmentListResponse = { environments: [environmentResponse, stagingEnvironment] } as const;

export const projectListResponse = { projects: [projectResponse] } as const;

export const projectDetailResponse = {
  ...projectResponse,
  environments: environmentListResponse.environments,
} as const;
