-- Keep semicolons out of comments and strings: Prisma Migrate (its WASM engine) split this script at them.
-- Audit events record their principal (kind + id), not only a display name, and token names are
-- unique among active tokens (by a look-alike-insensitive key).

-- CreateEnum
CREATE TYPE "actor_kind" AS ENUM ('user', 'token', 'system', 'unknown');

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN "actor_kind" "actor_kind",
ADD COLUMN "actor_id" TEXT;

-- Backfill. Until now `actor` was the name of a token, or `system:seed` / `system:bootstrap` for the
-- server itself. Token names could repeat, and a token could be named like the server.
-- 1. The names the server used itself, where no token of that name existed at the time.
UPDATE "audit_events" AS e
SET "actor_kind" = 'system', "actor_id" = substr(e."actor", length('system:') + 1)
WHERE e."actor" IN ('system:seed', 'system:bootstrap')
  AND NOT EXISTS (
    SELECT 1 FROM "api_tokens" AS t
    WHERE t."name" = e."actor" AND t."created_at" <= e."created_at"
      AND (t."revoked_at" IS NULL OR t."revoked_at" >= e."created_at"));

-- 2. Other names: the one token of that name that existed (created, not yet revoked) at the time.
UPDATE "audit_events" AS e
SET "actor_kind" = 'token', "actor_id" = m."token_id"
FROM (
    SELECT e2."id" AS "event_id", min(t."id"::text) AS "token_id"
    FROM "audit_events" AS e2
    JOIN "api_tokens" AS t ON t."name" = e2."actor" AND t."created_at" <= e2."created_at"
      AND (t."revoked_at" IS NULL OR t."revoked_at" >= e2."created_at")
    WHERE e2."actor" NOT IN ('system:seed', 'system:bootstrap')
    GROUP BY e2."id"
    HAVING count(*) = 1
) AS m
WHERE e."id" = m."event_id";

-- 3. The rest (several such tokens, none left, or a token named like the server): unknown.
UPDATE "audit_events" SET "actor_kind" = 'unknown' WHERE "actor_kind" IS NULL;

ALTER TABLE "audit_events" ALTER COLUMN "actor_kind" SET NOT NULL;

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN "name_key" TEXT;

-- An approximation of tokenNameKey (server/src/features/tokens/token-names.ts) in SQL. The server
-- recomputes the key of every active token with the real function at start (refreshTokenNameKeys).
UPDATE "api_tokens" SET "name_key" = lower(btrim(normalize("name", NFKC)));

-- Active tokens sharing a key with an older active token are renamed "<name> [<id>]", so the
-- unique index below can be built. Each rename is audited as done by the system (id `migration`).
WITH "duplicates" AS (
    SELECT "id", "name" AS "old_name"
    FROM (
        SELECT "id", "name",
          row_number() OVER (PARTITION BY "name_key" ORDER BY "created_at", "id") AS "position"
        FROM "api_tokens" WHERE "revoked_at" IS NULL
    ) AS ranked
    WHERE "position" > 1
), "renamed" AS (
    UPDATE "api_tokens" AS t
    SET "name" = d."old_name" || ' [' || t."id"::text || ']'
    FROM "duplicates" AS d
    WHERE t."id" = d."id"
    RETURNING t."id", t."project_id", d."old_name", t."name"
)
INSERT INTO "audit_events" ("project_id", "actor", "actor_kind", "actor_id", "action", "target_type", "target_key",
  "before", "after", "reason")
SELECT "project_id", 'system:migration', 'system', 'migration', 'token.renamed', 'token', "id"::text,
  jsonb_build_object('name', "old_name"), jsonb_build_object('name', "name"),
  'Another active token had the same name, and active token names are unique now'
FROM "renamed";

UPDATE "api_tokens" SET "name_key" = lower(btrim(normalize("name", NFKC)));

ALTER TABLE "api_tokens" ALTER COLUMN "name_key" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_active_name_key" ON "api_tokens"("name_key") WHERE ("revoked_at" IS NULL);

-- CreateIndex
CREATE INDEX "audit_events_actor_kind_actor_id_created_at_idx" ON "audit_events"("actor_kind", "actor_id", "created_at");
