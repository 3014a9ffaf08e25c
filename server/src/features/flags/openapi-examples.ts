/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleBooleanVariants, exampleStory, exampleTimestamps } from '../../http/openapi-examples.js';

export const createFlagRequest = {
  key: exampleStory.flag,
  name: 'New checkout',
  description: 'The one-page checkout',
  type: 'boolean',
  tags: ['payments'],
} as const;

export const createFlagResponse = {
  ...createFlagRequest,
  variants: exampleBooleanVariants,
  clientSide: false,
  salt: null,
  archived: false,
  archivedAt: null,
  ...exampleTimestamps,
} as const;

export const updateFlagRequest = {
  description: 'The one-page checkout, with wallets',
  tags: ['payments', 'checkout'],
} as const;

export const updatedFlagResponse = { ...createFlagResponse, ...updateFlagRequest } as const;

export const archivedFlagResponse = {
  ...createFlagResponse,
  archived: true,
  archivedAt: exampleStory.updatedAt,
} as const;

/** The flag's state in production (on, 50% of its one rule) and in staging (off). */
const environmentSummaries = [
  { environment: exampleStory.environment, enabled: true, version: 5, killed: false },
  { environment: 'staging', enabled: false, version: 1, killed: false },
] as const;
const environmentStatuses = [
  { ...environmentSummaries[0], rules: 1, rolloutPercents: [50] },
  { ...environmentSummaries[1], rules: 0, rolloutPercents: [] },
] as const;

export const flagDetailResponse = {
  ...createFlagResponse,
  lastEvaluatedAt: exampleStory.recently,
  environments: environmentSummaries,
} as const;

export const flagListResponse = {
  items: [{ ...createFlagResponse, lastEvaluatedAt: exampleStory.recently, environments: environmentStatuses }],
  nextCursor: null,
  total: 1,
} as const;

export const flagSearchResponse = {
  items: [{ ...createFlagResponse, project: exampleStory.project, environments: environmentStatuses }],
} as const;
