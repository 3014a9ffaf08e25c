import { percentSchema } from '@switchyard/core/schema';
import { z } from 'zod';
import { pathKeySchema, timestampSchema } from '../../http/schemas.js';

const reasonSchema = z.string().trim().min(1, 'must not be empty').max(1000);

/** One step: a rollout percentage held at least `holdMinutes`, or a gate that waits for `advance`. */
export const planStepSchema = z.union([
  z.strictObject({
    percent: percentSchema.describe("The rule's rollout in percent: 0..100, at most two decimals"),
    holdMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .describe(
        'Minimum time at this percentage before the next step (guards are checked meanwhile); may be fractional',
      ),
  }),
  z.strictObject({ gate: z.literal('manual').describe('Waits here until someone calls advance') }),
]);
export type PlanStep = z.infer<typeof planStepSchema>;
export type PercentStep = Extract<PlanStep, { percent: number }>;

export const isPercentStep = (step: PlanStep): step is PercentStep => 'percent' in step;

/** `template: 'standard'`: 1% for 30 minutes, 10% for an hour, 50% for an hour, then 100%. */
export const STANDARD_TEMPLATE: readonly PercentStep[] = [
  { percent: 1, holdMinutes: 30 },
  { percent: 10, holdMinutes: 60 },
  { percent: 50, holdMinutes: 60 },
  { percent: 100, holdMinutes: 0 },
];

const ON_INCONCLUSIVE =
  "What an inconclusive guard (no data yet, metrics source unreachable) does: `hold` (default, as Argo Rollouts' " +
  'inconclusive analysis pauses and LaunchDarkly does not advance without enough data): the step does not ' +
  'complete while any guard is inconclusive; it is re-checked every interval and advances at the first check ' +
  'after the hold where every guard is conclusive (and none failed). `continue`: inconclusive counts as passing. ' +
  '`rollback`: inconclusive counts as failing.';

export const createPlanBodySchema = z
  .strictObject({
    ruleId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "The rule whose rollout the plan moves; default: the environment's catch-all rule (no conditions, no segments), if exactly one",
      ),
    template: z
      .literal('standard')
      .optional()
      .describe('Instead of `steps`: 1% (30 min) → 10% (1 h) → 50% (1 h) → 100%'),
    steps: z.array(planStepSchema).min(1).max(20).optional(),
    guards: z
      .array(z.looseObject({ kind: z.string().min(1).max(50) }))
      .max(10)
      .default([])
      .describe('Guard specs, `{ kind: "http" | "prometheus" | …, … }`: any failing guard rolls the plan back'),
    guardIntervalSeconds: z
      .int()
      .min(1)
      .max(3_600)
      .default(60)
      .describe(
        'How often guards are evaluated during a step; at least SWITCHYARD_RELEASE_PLAN_MIN_GUARD_INTERVAL_S (10)',
      ),
    onFailure: z
      .enum(['rollback', 'kill'])
      .default('rollback')
      .describe('`rollback`: the rule back to 0%; `kill`: kill the flag'),
    onInconclusive: z.enum(['hold', 'continue', 'rollback']).default('hold').describe(ON_INCONCLUSIVE),
    reason: reasonSchema.optional(),
  })
  .refine((body) => (body.steps === undefined) !== (body.template === undefined), {
    message: 'give either `steps` or `template`',
    path: ['steps'],
  });
export type CreatePlanBody = z.infer<typeof createPlanBodySchema>;

export const actionBodySchema = z.strictObject({ reason: reasonSchema.optional() }).default({});
export const advanceBodySchema = z
  .strictObject({
    reason: reasonSchema.optional(),
    fromStep: z
      .int()
      .min(-1)
      .optional()
      .describe(
        'Advance only if the plan is still at this step (`progress.currentStep`), else 409: two people (or a person and the plan) cannot both advance it',
      ),
  })
  .default({});
export const rollbackBodySchema = z
  .strictObject({
    to: z.enum(['rollback', 'kill']).optional().describe("`rollback` (0%) or `kill`; default the plan's `onFailure`"),
    reason: reasonSchema.optional(),
  })
  .default({});

export const envParamsSchema = z.object({ project: pathKeySchema, flag: pathKeySchema, environment: pathKeySchema });
export const planParamsSchema = envParamsSchema.extend({ id: z.uuid() });

export const PLAN_STATES = ['draft', 'running', 'paused', 'completed', 'aborted', 'rolled_back'] as const;
export const listPlansQuerySchema = z.object({
  state: z.enum(PLAN_STATES).optional().describe('Only plans in this state'),
});

const verdictSchema = z
  .object({
    guard: z.int().describe('Index in `guards`'),
    kind: z.string(),
    status: z.enum(['pass', 'fail', 'inconclusive']),
    message: z.string(),
    observed: z.number().nullable(),
    evidence: z.record(z.string(), z.unknown()),
    at: timestampSchema,
  })
  .meta({ id: 'GuardVerdict' });
export type VerdictView = z.infer<typeof verdictSchema>;

export const planResponseSchema = z
  .object({
    id: z.uuid(),
    flag: z.string(),
    environment: z.string(),
    ruleId: z.string(),
    steps: z.array(planStepSchema),
    guards: z.array(z.looseObject({ kind: z.string() })),
    guardIntervalSeconds: z.int(),
    onFailure: z.enum(['rollback', 'kill']),
    onInconclusive: z.enum(['hold', 'continue', 'rollback']),
    reason: z.string().nullable(),
    state: z.enum(PLAN_STATES),
    progress: z.object({
      currentStep: z.int().describe('Index of the step applied last; -1 before the first'),
      currentPercent: z.number().nullable().describe('The rollout the plan set last (null before its first step)'),
      stepStartedAt: timestampSchema.nullable(),
      holdEndsAt: timestampSchema.nullable().describe("When the current step's hold ends (null at a gate)"),
      nextCheckAt: timestampSchema.nullable().describe('When guards are checked next, or the next step is due'),
      waitingFor: z
        .enum(['start', 'hold', 'guards', 'manual-gate', 'resume'])
        .nullable()
        .describe('`guards`: the hold is over but a guard is inconclusive (onInconclusive: hold)'),
      lastCheckedAt: timestampSchema.nullable(),
      verdicts: z.array(verdictSchema).describe('The last verdict of each guard, with its evidence'),
    }),
    outcome: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('How it ended: for a rollback, who and why, with the failing verdicts'),
    createdBy: z.object({ kind: z.string(), id: z.string(), display: z.string() }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    finishedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'ReleasePlan' });
export type PlanView = z.infer<typeof planResponseSchema>;

export const planListResponseSchema = z.object({ items: z.array(planResponseSchema) });
