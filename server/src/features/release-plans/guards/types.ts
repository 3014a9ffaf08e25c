import type { PrismaClient } from '../../../generated/prisma/client.js';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';

/**
 * The contract between release plans and their guards. A plan evaluates every guard of its current
 * step once per guard interval during the step's hold; any `fail` rolls the plan back (to 0% or a
 * kill, as the plan says) and the verdict's `evidence` goes into the audit log with the rollback.
 * `inconclusive` (not enough data yet, a metrics source that does not answer) never advances a step
 * on its own: a step advances once its hold has passed and no guard failed — what an inconclusive
 * guard does at the end of a hold is the plan's documented policy (`onInconclusive`).
 *
 * Each guard kind lives in its own file in this folder (http.ts, prometheus.ts, builtin.ts) and
 * exports a {@link GuardKind}; guards/index.ts registers them by `kind`.
 */

/** What a guard is evaluated against: the plan's flag and environment and the current step. */
export interface GuardContext {
  projectId: string;
  projectKey: string;
  environmentId: string;
  environmentKey: string;
  flagId: string;
  flagKey: string;
  planId: string;
  /** When the current step's hold began: data before this is not the step's. */
  stepStartedAt: Date;
  /** The step's rollout in percent (0–100). */
  stepPercent: number;
  now: Date;
  prisma: PrismaClient;
  log: FastifyBaseLogger;
  /** Aborted when the guard takes longer than its interval allows. */
  signal: AbortSignal;
}

export interface GuardVerdict {
  status: 'pass' | 'fail' | 'inconclusive';
  /** One line for people: "error rate 4.1% > 2% (treatment, n=1,204)". */
  message: string;
  /** The observed value the threshold was compared with, when there is one. */
  observed?: number;
  /** Machine-readable evidence recorded in the audit log (query, samples, statistic, p-value …). */
  evidence: Record<string, unknown>;
}

/** One kind of guard: how its spec is validated (400 on bad input) and how it is evaluated. */
export interface GuardKind<Spec extends { kind: string }> {
  kind: Spec['kind'];
  schema: z.ZodType<Spec>;
  /** Never throws for a failing metrics source: answers `inconclusive` with the reason. */
  evaluate(spec: Spec, context: GuardContext): Promise<GuardVerdict>;
}

/** Comparison of an observed value with a threshold: the guard passes while this holds. */
export type ThresholdOperator = '<' | '<=' | '>' | '>=';
