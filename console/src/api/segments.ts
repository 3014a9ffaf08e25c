import type { Condition } from '@switchyard/core';
import { path, request } from './client';

export interface Segment {
  key: string;
  name: string;
  description: string;
  conditions: Condition[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A rule that uses a segment: while one exists, deleting the segment is a 409. */
export interface SegmentReference {
  flag: string;
  environment: string;
  ruleId: string;
}

export interface SegmentDetail extends Segment {
  references: SegmentReference[];
}

export async function listSegments(project: string): Promise<Segment[]> {
  return (await request<{ items: Segment[] }>('GET', path`/projects/${project}/segments`)).data.items;
}

export async function getSegment(project: string, segment: string): Promise<SegmentDetail> {
  return (await request<SegmentDetail>('GET', path`/projects/${project}/segments/${segment}`)).data;
}

export async function createSegment(
  project: string,
  body: { key: string; name: string; description: string; conditions: Condition[] },
): Promise<Segment> {
  return (await request<Segment>('POST', path`/projects/${project}/segments`, { body })).data;
}

export async function updateSegment(
  project: string,
  segment: string,
  body: { name?: string; description?: string; conditions?: Condition[] },
): Promise<Segment> {
  return (await request<Segment>('PATCH', path`/projects/${project}/segments/${segment}`, { body })).data;
}

export async function deleteSegment(project: string, segment: string): Promise<void> {
  await request<null>('DELETE', path`/projects/${project}/segments/${segment}`);
}
