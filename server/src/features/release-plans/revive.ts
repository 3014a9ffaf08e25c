import type { FastifyInstance } from 'fastify';
import type { Sweep } from '../../jobs/runner.js';
import { PLAN_CHECK_JOB } from './plan-changes.js';

/** How often the sweep looks (it runs at every runner tick otherwise). */
const EVERY_MS = 60_000;

/**
 * A running plan always has one pending check job, written with each of its changes. If that job
 * ends `failed` (the database was out for longer than its retries) the plan would stall; this
 * sweep, once a minute, gives every running plan without a pending check a new one for its
 * current generation (due now). Its claim makes it harmless when the plan moved on meanwhile.
 * At most one revival per generation (unique key), so a plan whose check fails for good is not
 * retried in a loop.
 */
export function releasePlanRevival(app: FastifyInstance): Sweep {
  let last = -Infinity;
  return {
    name: 'release-plan-revival',
    async run(now) {
      if (now.getTime() - last < EVERY_MS) return;
      last = now.getTime();
      await app.db.prisma.$executeRaw`
        INSERT INTO jobs (name, unique_key, payload, run_at, max_attempts, backoff_ms)
        SELECT ${PLAN_CHECK_JOB}, p.id::text || ':' || p.generation || ':revived',
          json_build_object('planId', p.id, 'generation', p.generation)::jsonb, ${now}, 6, 5000
        FROM release_plans p
        WHERE p.state = 'running' AND NOT EXISTS (
          SELECT 1 FROM jobs j
          WHERE j.name = ${PLAN_CHECK_JOB} AND j.state = 'pending' AND j.payload->>'planId' = p.id::text)
        ON CONFLICT (name, unique_key) DO NOTHING`;
    },
  };
}
