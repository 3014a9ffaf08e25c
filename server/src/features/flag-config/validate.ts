import { flagSchema } from '@switchyard/core/schema';
import type { Prisma } from '../../generated/prisma/client.js';
import type { ValidationIssue } from '../../http/errors.js';
import { badRequest, zodIssues } from '../../http/errors.js';
import type { ConfigState, FlagRow } from '../flags/store.js';
import { toCoreFlag, variantsOf } from '../flags/store.js';
import { addedRegexes, regexesOfRules, regexIssues } from '../../regex/write-check.js';
import { lockPrerequisiteGraph } from './prerequisite-graph-lock.js';

/**
 * Checks a configuration for one environment as a whole: as a core flag (variant references,
 * weights, regexes, … via core's `flagSchema`, with the flag's type and variants), prerequisites
 * (existing, live flags of the project, not itself, listing variants the parent has, no cycle in
 * this environment, and, with `clientSideParents`, client-side when the flag is: see
 * flags/client-side-prerequisites.ts), segments (existing in the project) and the regex patterns
 * `previous` (the stored configuration) does not hold, analysed for catastrophic backtracking
 * without blocking the event loop (regex/write-check.ts; usually answered from verdicts cached
 * by the service before its transaction). Throws a 400 listing every problem, each with its path
 * in the request body.
 */
export async function validateConfig(
  tx: Prisma.TransactionClient,
  input: {
    flag: FlagRow;
    environmentId: string;
    config: ConfigState;
    previous: Pick<ConfigState, 'rules'> | undefined;
    clientSideParents?: boolean;
  },
): Promise<void> {
  const { flag, environmentId, config } = input;
  const parsed = flagSchema.safeParse(toCoreFlag(flag, { ...config, version: 1 }));
  const issues: ValidationIssue[] = parsed.success ? [] : zodIssues(parsed.error, 'body');
  if (parsed.success) {
    issues.push(
      ...(await regexIssues(addedRegexes(regexesOfRules(config.rules), regexesOfRules(input.previous?.rules)))),
    );
  }
  issues.push(...(await prerequisiteIssues(tx, flag, environmentId, config, input.clientSideParents === true)));
  issues.push(...(await segmentIssues(tx, flag.projectId, config)));
  if (issues.length > 0) {
    const first = issues[0]!;
    throw badRequest(`Invalid configuration: ${first.path}: ${first.message}`, { issues });
  }
}

/**
 * True when validating `config` reads other rows (prerequisite flags, segments), which must be
 * read and locked in the writing transaction. Otherwise the check depends only on the flag row.
 */
export function needsLockedReads(config: ConfigState): boolean {
  return config.prerequisites.length > 0 || config.rules.some((rule) => rule.segments.length > 0);
}

async function prerequisiteIssues(
  tx: Prisma.TransactionClient,
  flag: FlagRow,
  environmentId: string,
  config: ConfigState,
  clientSideParents: boolean,
): Promise<ValidationIssue[]> {
  if (config.prerequisites.length === 0) return [];
  const keys = [...new Set(config.prerequisites.map((prerequisite) => prerequisite.flagKey))];
  // Parents cannot be archived, lose variants or stop being client-side (all take their row FOR
  // UPDATE) until we commit; the caller holds `flag` FOR SHARE, so it cannot become client-side.
  await tx.$queryRaw`SELECT id FROM flags WHERE project_id = ${flag.projectId}::uuid AND key = ANY(${keys}::text[]) ORDER BY id FOR SHARE`;
  const parents = await tx.flag.findMany({ where: { projectId: flag.projectId, key: { in: keys } } });
  const parentsByKey = new Map(parents.map((parent) => [parent.key, parent]));
  // Read the graph only once no other prerequisite write of this environment can commit unseen.
  await lockPrerequisiteGraph(tx, environmentId);
  const graph = await prerequisiteGraph(tx, flag.projectId, environmentId);
  graph.set(flag.key, keys);

  const issues: ValidationIssue[] = [];
  config.prerequisites.forEach((prerequisite, index) => {
    const path = `body.prerequisites.${index}`;
    const parent = parentsByKey.get(prerequisite.flagKey);
    if (prerequisite.flagKey === flag.key) {
      issues.push({ path: `${path}.flagKey`, message: 'a flag cannot be its own prerequisite' });
      return;
    }
    if (!parent) {
      issues.push({
        path: `${path}.flagKey`,
        message: `flag '${prerequisite.flagKey}' does not exist in this project`,
      });
      return;
    }
    if (parent.archivedAt !== null) {
      issues.push({ path: `${path}.flagKey`, message: `flag '${prerequisite.flagKey}' is archived` });
      return;
    }
    if (clientSideParents && flag.clientSide && !parent.clientSide) {
      issues.push({
        path: `${path}.flagKey`,
        message:
          `flag '${prerequisite.flagKey}' is not client-side, so browsers would never receive it and would ` +
          `evaluate client-side flag '${flag.key}' to its off variant; make '${prerequisite.flagKey}' ` +
          `client-side first, or '${flag.key}' server-only`,
      });
    }
    const parentVariants = new Set(variantsOf(parent).map((variant) => variant.key));
    prerequisite.variants.forEach((variant, variantIndex) => {
      if (!parentVariants.has(variant)) {
        issues.push({
          path: `${path}.variants.${variantIndex}`,
          message: `flag '${prerequisite.flagKey}' has no variant '${variant}'`,
        });
      }
    });
    const cycle = findPath(graph, prerequisite.flagKey, flag.key);
    if (cycle) {
      issues.push({ path: `${path}.flagKey`, message: `creates a cycle: ${[flag.key, ...cycle].join(' → ')}` });
    }
  });
  return issues;
}

/** flag key → keys of its prerequisites, for every flag of the project in one environment. */
async function prerequisiteGraph(
  tx: Prisma.TransactionClient,
  projectId: string,
  environmentId: string,
): Promise<Map<string, string[]>> {
  const rows = await tx.flagConfig.findMany({
    where: { environmentId, flag: { projectId }, NOT: { prerequisites: { equals: [] } } },
    select: { prerequisites: true, flag: { select: { key: true } } },
  });
  return new Map(
    rows.map((row) => [
      row.flag.key,
      (row.prerequisites as unknown as { flagKey: string }[]).map((prerequisite) => prerequisite.flagKey),
    ]),
  );
}

/** A path of prerequisite edges from `from` to `to` (both included), or null. */
function findPath(graph: Map<string, string[]>, from: string, to: string): string[] | null {
  const seen = new Set<string>();
  const walk = (key: string): string[] | null => {
    if (key === to) return [key];
    if (seen.has(key)) return null;
    seen.add(key);
    for (const next of graph.get(key) ?? []) {
      const rest = walk(next);
      if (rest) return [key, ...rest];
    }
    return null;
  };
  return walk(from);
}

async function segmentIssues(
  tx: Prisma.TransactionClient,
  projectId: string,
  config: ConfigState,
): Promise<ValidationIssue[]> {
  const referenced = config.rules.flatMap((rule, ruleIndex) =>
    rule.segments.map((key, segmentIndex) => ({ key, path: `body.rules.${ruleIndex}.segments.${segmentIndex}` })),
  );
  if (referenced.length === 0) return [];
  const existing = await tx.segment.findMany({
    where: { projectId, key: { in: [...new Set(referenced.map((reference) => reference.key))] } },
    select: { key: true },
  });
  const keys = new Set(existing.map((segment) => segment.key));
  return referenced
    .filter((reference) => !keys.has(reference.key))
    .map((reference) => ({ path: reference.path, message: `segment '${reference.key}' does not exist` }));
}
