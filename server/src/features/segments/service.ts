import { isDeepStrictEqual } from 'node:util';
import type { Condition } from '@switchyard/core';
import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { badRequest, conflict } from '../../http/errors.js';
import { addedRegexes, assertRegexesSafe, regexesIn } from '../../regex/write-check.js';
import { listEnvironments, requireProject } from '../projects/store.js';
import type { CreateSegmentBody, SegmentDetailResponse, SegmentResponse, UpdateSegmentBody } from './schemas.js';
import * as store from './store.js';
import { segmentView } from './views.js';
import { assertNoCaseTwin } from '../../db/case-twin-keys.js';

/**
 * Segments: named lists of conditions that rules refer to by key. A segment belongs to a project
 * and is shared by every environment, so a change to what SDKs see of it (its conditions, its
 * existence) moves the revision of every environment of the project. Business rules: keys are
 * immutable; a segment that a rule still uses cannot be deleted (409 listing the rules).
 */
export class SegmentService {
  constructor(private readonly deps: ChangeDeps) {}

  async list(projectKey: string): Promise<SegmentResponse[]> {
    const project = await requireProject(this.deps.prisma, projectKey);
    return (await store.listSegments(this.deps.prisma, project.id)).map(segmentView);
  }

  async get(projectKey: string, segmentKey: string): Promise<SegmentDetailResponse> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const segment = await store.requireSegment(this.deps.prisma, project, segmentKey);
    const references = await store.findSegmentReferences(this.deps.prisma, project.id, segment.key);
    return { ...segmentView(segment), references };
  }

  async create(projectKey: string, body: CreateSegmentBody, actor: Actor): Promise<SegmentResponse> {
    // Before the transaction: recheck's analysis takes milliseconds (or seconds) per new pattern.
    await assertRegexesSafe(regexesIn(body.conditions, 'body.conditions'), 'Invalid request');
    return inChangeTransaction(this.deps, async (tx, record) => {
      const project = await requireProject(tx, projectKey);
      await assertNoCaseTwin(tx, 'segment', project, body.key);
      if (await store.findSegment(tx, project.id, body.key)) {
        throw conflict(`Segment '${body.key}' already exists in project '${project.key}'`);
      }
      const view = segmentView(await store.insertSegment(tx, { projectId: project.id, ...body }));
      await record({
        actor,
        projectId: project.id,
        action: 'segment.created',
        targetType: 'segment',
        targetKey: view.key,
        after: view,
        affects: await everyEnvironment(tx, project.id, view.key),
      });
      return view;
    });
  }

  /** Changes name, description and/or conditions and bumps the version. */
  async update(projectKey: string, segmentKey: string, body: UpdateSegmentBody, actor: Actor) {
    if (body.key !== undefined && body.key !== segmentKey) {
      throw badRequest("Invalid request: body.key: a segment's key never changes; create a new segment instead", {
        issues: [{ path: 'body.key', message: "a segment's key never changes; create a new segment instead" }],
      });
    }
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await store.requireSegment(this.deps.prisma, project, segmentKey);
    // Patterns already stored were checked when written (or by the start-up scan).
    const stored = regexesIn(found.conditions as unknown as Condition[], 'body.conditions');
    await assertRegexesSafe(addedRegexes(regexesIn(body.conditions, 'body.conditions'), stored), 'Invalid request');
    return inChangeTransaction(this.deps, async (tx, record) => {
      const before = await store.lockSegment(tx, project, found);
      const after = await store.updateSegment(tx, before.id, body);
      const view = segmentView(after);
      // Names and descriptions are not in snapshots: only new conditions move the revisions.
      const seenBySdks = !isDeepStrictEqual(before.conditions, after.conditions);
      await record({
        actor,
        projectId: project.id,
        action: 'segment.updated',
        targetType: 'segment',
        targetKey: view.key,
        before: segmentView(before),
        after: view,
        ...(seenBySdks ? { affects: await everyEnvironment(tx, project.id, view.key) } : {}),
      });
      return view;
    });
  }

  /** Deletes a segment no rule uses; 409 with `{ references: [{ flag, environment, ruleId }] }` otherwise. */
  async delete(projectKey: string, segmentKey: string, actor: Actor): Promise<void> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await store.requireSegment(this.deps.prisma, project, segmentKey);
    await inChangeTransaction(this.deps, async (tx, record) => {
      const segment = await store.lockSegment(tx, project, found);
      await store.lockProjectConfigs(tx, project.id);
      const references = await store.findSegmentReferences(tx, project.id, segment.key);
      if (references.length > 0) {
        const named = references
          .slice(0, 5)
          .map((reference) => `${reference.flag} (${reference.environment}, rule ${reference.ruleId})`);
        throw conflict(
          `Segment '${segment.key}' is still used by ${references.length} rule(s): ` +
            `${named.join(', ')}${references.length > 5 ? ', …' : ''}; remove it from those rules first`,
          { references },
        );
      }
      await store.deleteSegment(tx, segment.id);
      await record({
        actor,
        projectId: project.id,
        action: 'segment.deleted',
        targetType: 'segment',
        targetKey: segment.key,
        before: segmentView(segment),
        affects: await everyEnvironment(tx, project.id, segment.key),
      });
    });
  }
}

/** `affects` for a change SDKs see: segments are shared by every environment of the project. */
async function everyEnvironment(tx: Prisma.TransactionClient, projectId: string, segmentKey: string) {
  const environments = await listEnvironments(tx, projectId);
  return { environmentIds: environments.map((environment) => environment.id), segments: [segmentKey] };
}
