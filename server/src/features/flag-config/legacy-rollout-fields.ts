import { basisPointsToPercent } from '@switchyard/core/schema';
import type { FastifyRequest } from 'fastify';
import { badRequest, type ValidationIssue } from '../../http/errors.js';

/**
 * Bodies written for the API before rollouts were in percent: `percentage` (basis points) in a
 * rule's rollout and `weight` (basis points) in a split. Such a body is refused with a 400 saying
 * what changed, rather than a bare "percent is required" (or, worse, `percentage: 50` read as 50 %).
 */
const OLD_FIELDS = { rollout: 'percentage', share: 'weight' } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issue(path: string, field: string, value: unknown): ValidationIssue {
  const converted =
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10000
      ? String(basisPointsToPercent(value))
      : '<0..100>';
  const sent = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? 'undefined');
  return {
    path: `${path}.${field}`,
    message: `rollouts are in percent now: send percent: ${converted} instead of ${field}: ${sent}`,
  };
}

function serveIssues(serve: unknown, path: string): ValidationIssue[] {
  if (!isRecord(serve) || !Array.isArray(serve.split)) return [];
  return serve.split.flatMap((share, index) =>
    isRecord(share) && OLD_FIELDS.share in share
      ? [issue(`${path}.split.${index}`, OLD_FIELDS.share, share[OLD_FIELDS.share])]
      : [],
  );
}

/** Old fields in a configuration body (PUT): the fallthrough's split, each rule's rollout and split. */
export function legacyConfigIssues(body: unknown): ValidationIssue[] {
  if (!isRecord(body)) return [];
  const issues = serveIssues(body.defaultServe, 'body.defaultServe');
  if (Array.isArray(body.rules)) {
    body.rules.forEach((rule, index) => {
      if (!isRecord(rule)) return;
      const path = `body.rules.${index}`;
      if (isRecord(rule.rollout) && OLD_FIELDS.rollout in rule.rollout) {
        issues.push(issue(`${path}.rollout`, OLD_FIELDS.rollout, rule.rollout[OLD_FIELDS.rollout]));
      }
      issues.push(...serveIssues(rule.serve, `${path}.serve`));
    });
  }
  return issues;
}

/** Old field in the rule-rollout shortcut's body. */
export function legacyRolloutIssues(body: unknown): ValidationIssue[] {
  return isRecord(body) && OLD_FIELDS.rollout in body
    ? [issue('body', OLD_FIELDS.rollout, body[OLD_FIELDS.rollout])]
    : [];
}

/** A `preValidation` hook refusing a body with old fields, before schema validation. */
export function refuseLegacyFields(find: (body: unknown) => ValidationIssue[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const issues = find(request.body);
    const first = issues[0];
    if (first) throw badRequest(`Invalid request: ${first.path}: ${first.message}`, { issues });
  };
}
