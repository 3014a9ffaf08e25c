import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Prisma, ReleasePlan } from '../../generated/prisma/client.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { configStateOf, type ConfigState } from '../flags/store.js';
import { requireFlag } from '../flags/service.js';
import { requireProject } from '../projects/store.js';
import type { GuardRegistry } from './guards/index.js';
import { actorText } from './plan-actor.js';
import { enqueuePlanCheck, PlanChanges } from './plan-changes.js';
import { isPercentStep, STANDARD_TEMPLATE, type CreatePlanBody, type PlanStep, type PlanView } from './schemas.js';
import { ACTIVE_STATES, lockFlagEnvironment, lockPlan, withKeys, type PlanRow } from './store.js';
import { toPlanView } from './views.js';

type Issue = { path: string; message: string };

/** What makes a change due, checked and marked in the change's own transaction (see FlagConfigService.applyClaimed). */
export interface ClaimHooks {
  claim: (tx: Prisma.TransactionClient) => Promise<boolean>;
  done: (tx: Prisma.TransactionClient, auditId: bigint) => Promise<void>;
}

export interface ReleasePlanServiceOptions {
  guards: GuardRegistry;
  /** The shortest guard interval allowed (config `releasePlanMinGuardIntervalS`). */
  minGuardIntervalSeconds: number;
  now?: () => Date;
}

/**
 * Release plans of a flag in one environment, as people drive them: create (a draft), start,
 * pause, resume, advance, abort, roll back, delete a draft. Every action is audited
 * (`release_plan.<verb>`, actor the caller); the steps themselves are applied by the plan
 * (plan-changes.ts, run.ts).
 */
export class ReleasePlanService {
  readonly #changes: PlanChanges;
  readonly #now: () => Date;

  constructor(
    private readonly deps: ChangeDeps,
    private readonly options: ReleasePlanServiceOptions,
  ) {
    this.#changes = new PlanChanges(deps);
    this.#now = options.now ?? (() => new Date());
  }

  async list(projectKey: string, flagKey: string, environmentKey: string, state?: ReleasePlan['state']) {
    const { flag, environment } = await this.#target(projectKey, flagKey, environmentKey);
    const rows = await this.deps.prisma.releasePlan.findMany({
      where: { flagId: flag.id, environmentId: environment.id, ...(state ? { state } : {}) },
      include: withKeys,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    return rows.map(toPlanView);
  }

  async get(projectKey: string, flagKey: string, environmentKey: string, id: string): Promise<PlanView> {
    return toPlanView(await this.#find(this.deps.prisma, projectKey, flagKey, environmentKey, id));
  }

  /** A draft. 400 for bad steps or guards (nothing written), 404 for an unknown flag or environment. */
  async create(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    body: CreatePlanBody,
    actor: Actor,
  ): Promise<PlanView> {
    const steps: PlanStep[] = body.steps ?? STANDARD_TEMPLATE.map((step) => ({ ...step }));
    const issues = stepIssues(steps);
    if (body.guardIntervalSeconds < this.options.minGuardIntervalSeconds) {
      issues.push({
        path: 'body.guardIntervalSeconds',
        message: `must be at least ${this.options.minGuardIntervalSeconds} seconds`,
      });
    }
    const guards: { kind: string }[] = [];
    for (const [index, spec] of body.guards.entries()) {
      const parsed = await this.options.guards.parse(spec, `body.guards.${index}`);
      if ('issues' in parsed) issues.push(...parsed.issues);
      else guards.push(parsed.spec);
    }
    const { project, flag, environment, config } = await this.#target(projectKey, flagKey, environmentKey);
    const ruleId = config ? pickRule(config, body.ruleId, issues) : undefined;
    if (!config) issues.push({ path: 'body', message: `the flag has no configuration in '${environmentKey}'` });
    if (issues.length > 0 || ruleId === undefined) {
      throw badRequest(`Invalid release plan: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
    }
    return inChangeTransaction(this.deps, async (tx, record) => {
      const row = await tx.releasePlan.create({
        data: {
          projectId: project.id,
          flagId: flag.id,
          environmentId: environment.id,
          ruleId,
          steps: steps as Prisma.InputJsonValue,
          guards: guards as Prisma.InputJsonValue,
          guardIntervalSeconds: body.guardIntervalSeconds,
          onFailure: body.onFailure,
          onInconclusive: body.onInconclusive,
          reason: body.reason ?? null,
          createdByKind: actor.kind,
          createdById: actor.id,
          createdBy: actor.display,
        },
        include: withKeys,
      });
      const view = toPlanView(row);
      await record(planEvent(row, actor, 'release_plan.created', { after: view, reason: body.reason ?? null }));
      return view;
    });
  }

  /**
   * draft → running; 409 when another plan of the flag is active in the environment, or the rule is
   * gone. `startClaimed` with `hooks` (a scheduled start, schedules/run.ts) runs the start in one
   * transaction after `claim(tx)` (null, nothing written, when it answers false) and before
   * `done(tx, auditId)`.
   */
  async start(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    reason?: string,
  ): Promise<PlanView> {
    return (await this.startClaimed(projectKey, flagKey, environmentKey, id, actor, reason, undefined))!;
  }

  /** `start`, claimed: see there. */
  async startClaimed(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    reason: string | undefined,
    hooks: ClaimHooks | undefined,
  ): Promise<PlanView | null> {
    const start = async (tx: Prisma.TransactionClient, plan: PlanRow): Promise<Prisma.ReleasePlanUpdateInput> => {
      if (plan.state !== 'draft') throw conflict(`Release plan '${id}' is ${plan.state}; only a draft can be started`);
      await lockFlagEnvironment(tx, plan.flagId, plan.environmentId);
      const active = await tx.releasePlan.findFirst({
        where: { flagId: plan.flagId, environmentId: plan.environmentId, state: { in: [...ACTIVE_STATES] } },
        select: { id: true },
      });
      if (active) throw conflict(`Release plan '${active.id}' is already active for this flag in this environment`);
      const config = await tx.flagConfig.findUnique({
        where: { flagId_environmentId: { flagId: plan.flagId, environmentId: plan.environmentId } },
      });
      if (!config || !configStateOf(config).rules.some((rule) => rule.id === plan.ruleId)) {
        throw conflict(`Rule '${plan.ruleId}' no longer exists in this environment`);
      }
      const generation = plan.generation + 1;
      const now = this.#now();
      await enqueuePlanCheck(tx, id, generation, now);
      return { state: 'running', generation, nextCheckAt: now };
    };
    return this.#transition(projectKey, flagKey, environmentKey, id, actor, 'started', reason, start, hooks);
  }

  /** running → paused: no step is applied and no guard checked until resumed. */
  async pause(projectKey: string, flagKey: string, environmentKey: string, id: string, actor: Actor, reason?: string) {
    return this.#transition(projectKey, flagKey, environmentKey, id, actor, 'paused', reason, async (_tx, plan) => {
      if (plan.state !== 'running')
        throw conflict(`Release plan '${id}' is ${plan.state}; only a running one can be paused`);
      return { state: 'paused', generation: plan.generation + 1, nextCheckAt: null };
    });
  }

  /** paused → running; the current step's hold starts again from now (guards are checked at once). */
  async resume(projectKey: string, flagKey: string, environmentKey: string, id: string, actor: Actor, reason?: string) {
    return this.#transition(projectKey, flagKey, environmentKey, id, actor, 'resumed', reason, async (tx, plan) => {
      if (plan.state !== 'paused')
        throw conflict(`Release plan '${id}' is ${plan.state}; only a paused one can be resumed`);
      const generation = plan.generation + 1;
      const now = this.#now();
      await enqueuePlanCheck(tx, id, generation, now);
      return {
        state: 'running',
        generation,
        nextCheckAt: now,
        ...(plan.currentStep >= 0 ? { stepStartedAt: now } : {}),
      };
    });
  }

  /** Stops the plan where it is (the flag keeps its current rollout); running or paused only. */
  async abort(projectKey: string, flagKey: string, environmentKey: string, id: string, actor: Actor, reason?: string) {
    return this.#transition(projectKey, flagKey, environmentKey, id, actor, 'aborted', reason, async (_tx, plan) => {
      if (plan.state !== 'running' && plan.state !== 'paused') {
        throw conflict(`Release plan '${id}' is ${plan.state}; only a running or paused one can be aborted`);
      }
      const now = this.#now();
      return {
        state: 'aborted',
        generation: plan.generation + 1,
        nextCheckAt: null,
        finishedAt: now,
        outcome: { by: actorText(actor), reason: reason ?? null } as Prisma.InputJsonValue,
      };
    });
  }

  /** Deletes a draft (409 for any other state: those stay, as the record of what was done). */
  async deleteDraft(projectKey: string, flagKey: string, environmentKey: string, id: string, actor: Actor) {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const plan = await this.#find(tx, projectKey, flagKey, environmentKey, id, true);
      if (plan.state !== 'draft') throw conflict(`Release plan '${id}' is ${plan.state}; only a draft can be deleted`);
      await tx.releasePlan.delete({ where: { id } });
      await record(planEvent(plan, actor, 'release_plan.deleted', { before: toPlanView(plan) }));
    });
  }

  /**
   * Applies the next step now (past a manual gate, or cutting a hold short), as the plan, with the
   * caller named in the change's reason. 409 when the plan is not running or has no next step.
   */
  async advance(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    body: { reason?: string | undefined; fromStep?: number | undefined },
  ) {
    const { reason, fromStep } = body;
    const plan = await this.#find(this.deps.prisma, projectKey, flagKey, environmentKey, id);
    if (plan.state !== 'running') {
      throw conflict(`Release plan '${id}' is ${plan.state}; only a running one can advance`);
    }
    if (fromStep !== undefined && fromStep !== plan.currentStep) {
      throw conflict(`Release plan '${id}' is at step ${plan.currentStep}, not ${fromStep}`);
    }
    const steps = plan.steps as PlanStep[];
    if (plan.currentStep + 1 >= steps.length) throw conflict(`Release plan '${id}' is at its last step`);
    const text = `advanced by ${actorText(actor)}${reason ? `: ${reason}` : ''}`;
    const done = await this.#changes.advanceTo(plan, plan.currentStep + 1, {
      generation: plan.generation,
      now: this.#now(),
      reason: `release plan step ${plan.currentStep + 2}/${steps.length} (${text})`,
    });
    if (!done) throw conflict(`Release plan '${id}' changed meanwhile; read it and try again`);
    return this.get(projectKey, flagKey, environmentKey, id);
  }

  /** Rolls back now (`to`, default the plan's `onFailure`): running or paused plans; the change's actor is the caller. */
  async rollback(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    body: { to?: 'rollback' | 'kill' | undefined; reason?: string | undefined },
  ) {
    const plan = await this.#find(this.deps.prisma, projectKey, flagKey, environmentKey, id);
    if (plan.state !== 'running' && plan.state !== 'paused') {
      throw conflict(`Release plan '${id}' is ${plan.state}; only a running or paused one can be rolled back`);
    }
    const to = body.to ?? (plan.onFailure as 'rollback' | 'kill');
    const done = await this.#changes.rollback(plan, {
      generation: plan.generation,
      now: this.#now(),
      to,
      actor,
      states: ['running', 'paused'],
      reason: `release plan ${id} rolled back by ${actorText(actor)}${body.reason ? `: ${body.reason}` : ''}`,
      outcome: { by: actorText(actor), reason: body.reason ?? null },
    });
    if (!done) throw conflict(`Release plan '${id}' changed meanwhile; read it and try again`);
    return this.get(projectKey, flagKey, environmentKey, id);
  }

  async #transition(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    verb: string,
    reason: string | undefined,
    change: (tx: Prisma.TransactionClient, plan: PlanRow) => Promise<Prisma.ReleasePlanUpdateInput>,
  ): Promise<PlanView>;
  async #transition(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    verb: string,
    reason: string | undefined,
    change: (tx: Prisma.TransactionClient, plan: PlanRow) => Promise<Prisma.ReleasePlanUpdateInput>,
    hooks: ClaimHooks | undefined,
  ): Promise<PlanView | null>;
  async #transition(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    actor: Actor,
    verb: string,
    reason: string | undefined,
    change: (tx: Prisma.TransactionClient, plan: PlanRow) => Promise<Prisma.ReleasePlanUpdateInput>,
    hooks?: ClaimHooks,
  ): Promise<PlanView | null> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      if (hooks && !(await hooks.claim(tx))) return null;
      const before = await this.#find(tx, projectKey, flagKey, environmentKey, id, true);
      const data = await change(tx, before);
      const row = await tx.releasePlan.update({ where: { id }, data, include: withKeys });
      const after = toPlanView(row);
      const recorded = await record(
        planEvent(row, actor, `release_plan.${verb}`, { before: toPlanView(before), after, reason: reason ?? null }),
      );
      await hooks?.done(tx, recorded.auditId);
      return after;
    });
  }

  async #target(projectKey: string, flagKey: string, environmentKey: string) {
    const project = await requireProject(this.deps.prisma, projectKey);
    const flag = await requireFlag(this.deps.prisma, project.id, flagKey);
    const environment = await this.deps.prisma.environment.findUnique({
      where: { projectId_key: { projectId: project.id, key: environmentKey } },
    });
    if (!environment) throw notFound(`Environment '${environmentKey}' not found in project '${projectKey}'`);
    const config = await this.deps.prisma.flagConfig.findUnique({
      where: { flagId_environmentId: { flagId: flag.id, environmentId: environment.id } },
    });
    return { project, flag, environment, config: config ? configStateOf(config) : null };
  }

  async #find(
    tx: Prisma.TransactionClient,
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    id: string,
    forUpdate = false,
  ): Promise<PlanRow> {
    const project = await requireProject(tx, projectKey);
    const flag = await requireFlag(tx, project.id, flagKey);
    if (forUpdate) await lockPlan(tx, id);
    const row = await tx.releasePlan.findFirst({
      where: { id, flagId: flag.id, environment: { key: environmentKey } },
      include: withKeys,
    });
    if (!row) throw notFound(`Release plan '${id}' not found for flag '${flagKey}' in '${environmentKey}'`);
    return row;
  }
}

function planEvent(
  row: PlanRow,
  actor: Actor,
  action: string,
  extra: { before?: PlanView; after?: PlanView; reason?: string | null },
) {
  return {
    actor,
    projectId: row.projectId,
    action,
    targetType: 'release_plan',
    targetKey: row.id,
    environment: row.environment.key,
    ...extra,
  };
}

/** Percent steps must rise strictly (a plan rolls forward; to go back, roll back). */
export function stepIssues(steps: readonly PlanStep[]): Issue[] {
  const issues: Issue[] = [];
  let last = -1;
  for (const [index, step] of steps.entries()) {
    if (!isPercentStep(step)) continue;
    if (step.percent <= last) {
      issues.push({ path: `body.steps.${index}.percent`, message: `must be more than the step before (${last})` });
    }
    last = step.percent;
  }
  if (last < 0) issues.push({ path: 'body.steps', message: 'needs at least one percent step' });
  return issues;
}

/**
 * The rule a plan moves: `ruleId` when given (400 when the environment has no such rule), else
 * the one catch-all rule (no conditions, no segments); 400 when there is none or more than one.
 */
function pickRule(config: ConfigState, ruleId: string | undefined, issues: Issue[]): string | undefined {
  if (ruleId !== undefined) {
    if (config.rules.some((rule) => rule.id === ruleId)) return ruleId;
    issues.push({ path: 'body.ruleId', message: `no rule '${ruleId}' in this environment` });
    return undefined;
  }
  const catchAll = config.rules.filter((rule) => rule.conditions.length === 0 && rule.segments.length === 0);
  if (catchAll.length === 1) return catchAll[0]!.id;
  issues.push({
    path: 'body.ruleId',
    message:
      catchAll.length === 0
        ? 'required: the environment has no catch-all rule (no conditions, no segments) whose rollout a plan could move'
        : 'required: the environment has several catch-all rules',
  });
  return undefined;
}
