import { getSegment, listSegments } from '../api/segments';
import { useQuery } from './query';

/** Keys start with `segments:<project>:`: one invalidation after a write covers the list and details. */
export const segmentsKey = (project: string) => `segments:${project}:`;

export const useSegments = (project: string) => useQuery(`${segmentsKey(project)}list`, () => listSegments(project));

export const useSegment = (project: string, segment: string) =>
  useQuery(`${segmentsKey(project)}detail:${segment}`, () => getSegment(project, segment));
