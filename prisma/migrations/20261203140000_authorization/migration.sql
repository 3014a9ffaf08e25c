-- Keep semicolons out of comments and strings: Prisma Migrate (its WASM engine) split this script at them.
-- Issue 13, authorization: admin tokens scoped to a project (or all) with a project role, token
-- expiry, and protected environments. Roles are text with CHECK constraints (the names are
-- server/src/auth/principal.ts's ProjectRole and InstanceRole).

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN "role" TEXT,
ADD COLUMN "instance_role" TEXT,
ADD COLUMN "expires_at" TIMESTAMPTZ(3);

ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_role_check"
  CHECK ("role" IS NULL OR "role" IN ('viewer', 'responder', 'editor', 'admin'));
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_instance_role_check"
  CHECK ("instance_role" IS NULL OR "instance_role" IN ('owner', 'admin'));
-- Backfill: admin tokens from before roles keep the full power they had (instance admin). The
-- ones the server made itself at bootstrap (SWITCHYARD_ADMIN_TOKEN or a generated one) are the owner's.
UPDATE "api_tokens" SET "instance_role" = CASE
    WHEN "name" LIKE 'admin (SWITCHYARD\_ADMIN\_TOKEN)%' OR "name" LIKE 'admin (generated)%' THEN 'owner'
    ELSE 'admin' END
WHERE "kind" = 'admin';

-- AlterTable
ALTER TABLE "environments" ADD COLUMN "protected" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "protected_role" TEXT NOT NULL DEFAULT 'admin';

ALTER TABLE "environments" ADD CONSTRAINT "environments_protected_role_check"
  CHECK ("protected_role" IN ('editor', 'admin'));
