-- CreateTable
CREATE TABLE "flag_triggers" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "restore_on_resolve" BOOLEAN NOT NULL DEFAULT false,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_triggered_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "flag_triggers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "flag_triggers_hash_key" ON "flag_triggers"("hash");

-- CreateIndex
CREATE INDEX "flag_triggers_project_id_flag_id_environment_id_idx" ON "flag_triggers"("project_id", "flag_id", "environment_id");

-- CreateIndex
CREATE INDEX "flag_triggers_flag_id_idx" ON "flag_triggers"("flag_id");

-- CreateIndex
CREATE INDEX "flag_triggers_environment_id_idx" ON "flag_triggers"("environment_id");

-- AddForeignKey
ALTER TABLE "flag_triggers" ADD CONSTRAINT "flag_triggers_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flag_triggers" ADD CONSTRAINT "flag_triggers_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flag_triggers" ADD CONSTRAINT "flag_triggers_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
