/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory, exampleTimestamps } from '../../http/openapi-examples.js';

export const createSegmentRequest = {
  key: 'internal-staff',
  name: 'Internal staff',
  description: 'Everyone signed in with a company address',
  conditions: [{ attribute: 'email', operator: 'ends_with', values: ['@example.com'] }],
} as const;

export const segmentResponse = { ...createSegmentRequest, version: 1, ...exampleTimestamps } as const;

export const updateSegmentRequest = {
  conditions: [{ attribute: 'email', operator: 'ends_with', values: ['@example.com', '@example.org'] }],
} as const;

export const updatedSegmentResponse = { ...segmentResponse, ...updateSegmentRequest, version: 2 } as const;

export const segmentListResponse = { items: [updatedSegmentResponse] } as const;

export const segmentDetailResponse = {
  ...updatedSegmentResponse,
  references: [{ flag: exampleStory.flag, environment: 'staging', ruleId: 'staff-first' }],
} as const;
