import type { Condition, Rule } from '@switchyard/core';
import { regexPatternVerdictAsync } from '@switchyard/core/schema';
import { systemPrincipal } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { listEnvironments } from '../projects/store.js';
import type { ConfigState } from '../flags/store.js';
import { configStateOf, killedFromOf } from '../flags/store.js';
import { lockAndReadConfig, writeConfig } from './store.js';
import { toConfigResponse } from './service.js';

/**
 * Stored `regex` patterns that today's write-time check refuses (rows written before it existed,
 * or by hand in SQL) are taken out of service through the normal audited change path, so that
 * every replica serves the same, safe snapshot and the audit log says what changed and why. The
 * server runs this at start-up, before it listens; `npm run db:check-regexes -w server -- --fix`
 * runs it on demand.
 *
 * What a refused pattern becomes (it never widens who a rule or segment matches):
 * - in a plain condition, the pattern is removed from `values`, the other patterns stay: the same
 *   as an SDK does with a pattern it cannot use (an invalid pattern never matches), and an empty
 *   list matches nothing;
 * - in a negated condition (removing a pattern would make it match more people), the whole
 *   condition becomes `{ attribute, operator: 'regex', values: [] }`, which matches nobody.
 * So a rule that held one stops matching the users only that pattern matched, who fall through to
 * later rules and the default, and a segment stops including them. The rule's configuration saved
 * by a kill (`killedFrom`) is treated the same, so a restore cannot bring a pattern back.
 *
 * Deterministic: only decided refusals are acted on (syntax, which is plain parsing, and recheck's
 * `vulnerable` verdicts or its "too large" answers, the same on every machine). A pattern whose
 * analysis timed out is left alone and reported as undecided; the next start (or run) tries again.
 * Each row is fixed in its own transaction from the row read under lock, so replicas starting
 * together write each fix once: the second finds nothing left to change.
 */

/** The system principal of these changes (`system:regex-check` in the audit log). */
export const REGEX_CHECK_ACTOR = systemPrincipal('regex-check');

/** Total time the analyses of one run may take; what is not decided by then waits for the next run. */
export const STORED_REGEX_BUDGET_MS = 30_000;

/** A stored pattern this run took out of service, or could not decide. */
export interface StoredRegexFinding {
  project: string;
  /** Absent for a segment (shared by every environment). */
  environment?: string;
  /** `flag <key>` or `segment <key>`. */
  where: string;
  pattern: string;
  problem: string;
}

export interface StoredRegexFixReport {
  /** Patterns taken out of service by this run (each with an audit event). */
  fixed: StoredRegexFinding[];
  /** Patterns whose analysis did not finish (timeout): left as they are, for the next run. */
  undecided: StoredRegexFinding[];
}

type Verdict = { problem: string | undefined; decided: boolean };
type Verdicts = Map<string, Verdict>;
const keyOf = (pattern: string, caseInsensitive: boolean) => `${caseInsensitive ? 'i' : ''}/${pattern}`;

/** Finds and takes out of service every stored pattern the write-time check refuses (see above). */
export async function disableRefusedStoredRegexes(
  deps: ChangeDeps,
  budgetMs = STORED_REGEX_BUDGET_MS,
): Promise<StoredRegexFixReport> {
  const { prisma } = deps;
  const configs = await prisma.flagConfig.findMany({
    select: {
      flagId: true,
      environmentId: true,
      rules: true,
      killedFrom: true,
      flag: { select: { key: true, archivedAt: true, projectId: true, project: { select: { key: true } } } },
      environment: { select: { key: true } },
    },
    orderBy: [{ flagId: 'asc' }, { environmentId: 'asc' }],
  });
  const segments = await prisma.segment.findMany({
    select: { id: true, key: true, conditions: true, projectId: true, project: { select: { key: true } } },
    orderBy: { id: 'asc' },
  });
  const verdicts: Verdicts = new Map();
  const signal = AbortSignal.timeout(budgetMs);
  const analyse = async (conditions: unknown) => {
    for (const { pattern, caseInsensitive } of regexValues(conditions)) {
      const key = keyOf(pattern, caseInsensitive);
      if (!verdicts.has(key)) verdicts.set(key, await regexPatternVerdictAsync(pattern, caseInsensitive, signal));
    }
  };
  for (const config of configs) {
    for (const rule of rulesOf(config.rules)) await analyse(rule.conditions);
    for (const rule of rulesOf(killedFromOf(config)?.rules)) await analyse(rule.conditions);
  }
  for (const segment of segments) await analyse(segment.conditions);

  const report: StoredRegexFixReport = { fixed: [], undecided: [] };
  for (const config of configs) {
    const place = {
      project: config.flag.project.key,
      environment: config.environment.key,
      where: `flag ${config.flag.key}`,
    };
    const rules = rulesOf(config.rules).concat(rulesOf(killedFromOf(config)?.rules));
    report.undecided.push(
      ...undecidedIn(
        rules.flatMap((rule) => rule.conditions),
        verdicts,
        place,
      ),
    );
    if (!rules.some((rule) => fixConditions(rule.conditions, verdicts).removed.length > 0)) continue;
    const fixed = await inChangeTransaction(deps, async (tx, record) => {
      const current = await lockAndReadConfig(tx, config.flagId, config.environmentId);
      if (!current) return [];
      const state = fixState(configStateOf(current), verdicts);
      const killedFrom = killedFromOf(current);
      const savedState = killedFrom ? fixState(killedFrom, verdicts) : undefined;
      const removed = [...state.removed, ...(savedState?.removed ?? [])];
      if (removed.length === 0) return []; // fixed meanwhile (another replica)
      const written = await writeConfig(
        tx,
        { flagId: current.flagId, environmentId: current.environmentId },
        { state: state.state, killedFrom: savedState?.state ?? null, killReason: current.killReason },
        current.version,
      );
      if (!written) return [];
      await record({
        actor: REGEX_CHECK_ACTOR,
        projectId: config.flag.projectId,
        action: 'flag_config.updated',
        targetType: 'flag_config',
        targetKey: config.flag.key,
        environment: config.environment.key,
        before: toConfigResponse(current, config.environment.key),
        after: toConfigResponse(written, config.environment.key),
        reason: reasonOf(removed),
        ...(config.flag.archivedAt === null
          ? { affects: { environmentIds: [config.environmentId], flags: [config.flag.key] } }
          : {}),
      });
      return removed;
    });
    report.fixed.push(...fixed.map((entry) => ({ ...place, ...entry })));
  }
  for (const segment of segments) {
    const place = { project: segment.project.key, where: `segment ${segment.key}` };
    report.undecided.push(...undecidedIn(conditionsOf(segment.conditions), verdicts, place));
    if (fixConditions(conditionsOf(segment.conditions), verdicts).removed.length === 0) continue;
    const fixed = await inChangeTransaction(deps, async (tx, record) => {
      await tx.$queryRaw`SELECT 1 FROM segments WHERE id = ${segment.id}::uuid FOR UPDATE`;
      const current = await tx.segment.findUnique({ where: { id: segment.id } });
      if (!current) return [];
      const { conditions, removed } = fixConditions(conditionsOf(current.conditions), verdicts);
      if (removed.length === 0) return [];
      const after = await tx.segment.update({
        where: { id: segment.id },
        data: { conditions: conditions as never, version: { increment: 1 } },
      });
      const environments = await listEnvironments(tx, segment.projectId);
      await record({
        actor: REGEX_CHECK_ACTOR,
        projectId: segment.projectId,
        action: 'segment.updated',
        targetType: 'segment',
        targetKey: segment.key,
        before: auditView(current),
        after: auditView(after),
        reason: reasonOf(removed),
        affects: { environmentIds: environments.map((environment) => environment.id), segments: [segment.key] },
      });
      return removed;
    });
    report.fixed.push(...fixed.map((entry) => ({ ...place, ...entry })));
  }
  return report;
}

/** A segment as the segments feature's audit events show it (segments/views.ts). */
function auditView(row: {
  key: string;
  name: string;
  description: string;
  conditions: unknown;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}) {
  const { key, name, description, conditions, version } = row;
  return {
    key,
    name,
    description,
    conditions,
    version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One removal: the pattern and why. */
interface Removed {
  pattern: string;
  problem: string;
}

function reasonOf(removed: Removed[]): string {
  const listed = removed.map(({ pattern, problem }) => `${JSON.stringify(pattern)} (pattern ${problem})`);
  return `Stored regex refused by the write-time check, taken out of service: ${listed.join('; ')}`;
}

function fixState(state: ConfigState, verdicts: Verdicts): { state: ConfigState; removed: Removed[] } {
  const removed: Removed[] = [];
  const rules = state.rules.map((rule) => {
    const fixed = fixConditions(rule.conditions, verdicts);
    removed.push(...fixed.removed);
    return fixed.removed.length === 0 ? rule : { ...rule, conditions: fixed.conditions };
  });
  return { state: removed.length === 0 ? state : { ...state, rules }, removed };
}

/** The conditions with every decided refused pattern taken out of service (see the module comment). */
export function fixConditions(
  conditions: readonly Condition[],
  verdicts: Verdicts,
): { conditions: Condition[]; removed: Removed[] } {
  const removed: Removed[] = [];
  const fixed = conditions.map((condition): Condition => {
    if (condition?.operator !== 'regex' || !Array.isArray(condition.values)) return condition;
    const refused = condition.values.filter((value): value is string => {
      const verdict =
        typeof value === 'string' ? verdicts.get(keyOf(value, condition.caseInsensitive === true)) : undefined;
      return verdict !== undefined && verdict.decided && verdict.problem !== undefined;
    });
    if (refused.length === 0) return condition;
    for (const pattern of refused) {
      removed.push({ pattern, problem: verdicts.get(keyOf(pattern, condition.caseInsensitive === true))!.problem! });
    }
    if (condition.negate === true) return { attribute: condition.attribute, operator: 'regex', values: [] };
    return { ...condition, values: condition.values.filter((value) => !refused.includes(value as string)) };
  });
  return { conditions: fixed, removed };
}

function undecidedIn(
  conditions: readonly Condition[],
  verdicts: Verdicts,
  place: Omit<StoredRegexFinding, 'pattern' | 'problem'>,
): StoredRegexFinding[] {
  return regexValues(conditions).flatMap(({ pattern, caseInsensitive }) => {
    const verdict = verdicts.get(keyOf(pattern, caseInsensitive));
    return verdict && !verdict.decided ? [{ ...place, pattern, problem: verdict.problem ?? 'undecided' }] : [];
  });
}

function regexValues(conditions: unknown): { pattern: string; caseInsensitive: boolean }[] {
  return conditionsOf(conditions).flatMap((condition) =>
    condition?.operator === 'regex' && Array.isArray(condition.values)
      ? condition.values
          .filter((value): value is string => typeof value === 'string')
          .map((pattern) => ({ pattern, caseInsensitive: condition.caseInsensitive === true }))
      : [],
  );
}

function rulesOf(rules: unknown): Rule[] {
  return Array.isArray(rules) ? (rules as Rule[]).filter((rule) => Array.isArray(rule?.conditions)) : [];
}

function conditionsOf(conditions: unknown): Condition[] {
  return Array.isArray(conditions) ? (conditions as Condition[]) : [];
}
