-- Keep semicolons out of comments and strings: Prisma Migrate (its WASM engine) split this script at them.
-- Release plans (features/release-plans/): ordered rollout steps of one flag in one environment,
-- advanced by jobs, watched by guards.

-- CreateEnum
CREATE TYPE "release_plan_state" AS ENUM ('draft', 'running', 'paused', 'completed', 'aborted', 'rolled_back');

-- CreateTable
CREATE TABLE "release_plans" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "rule_id" TEXT NOT NULL,
    "steps" JSONB NOT NULL,
    "guards" JSONB NOT NULL DEFAULT '[]',
    "guard_interval_seconds" INTEGER NOT NULL,
    "on_failure" TEXT NOT NULL,
    "on_inconclusive" TEXT NOT NULL,
    "reason" TEXT,
    "state" "release_plan_state" NOT NULL DEFAULT 'draft',
    "current_step" INTEGER NOT NULL DEFAULT -1,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "step_started_at" TIMESTAMPTZ(3),
    "next_check_at" TIMESTAMPTZ(3),
    "last_checked_at" TIMESTAMPTZ(3),
    "last_verdicts" JSONB NOT NULL DEFAULT '[]',
    "outcome" JSONB,
    "created_by_kind" "actor_kind" NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "release_plans_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "release_plans_flag_id_environment_id_state_idx" ON "release_plans"("flag_id", "environment_id", "state");

-- CreateIndex
CREATE INDEX "release_plans_project_id_idx" ON "release_plans"("project_id");

-- CreateIndex
CREATE INDEX "release_plans_environment_id_idx" ON "release_plans"("environment_id");

-- AddForeignKey
ALTER TABLE "release_plans" ADD CONSTRAINT "release_plans_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_plans" ADD CONSTRAINT "release_plans_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_plans" ADD CONSTRAINT "release_plans_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
