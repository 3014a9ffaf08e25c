-- CreateTable
CREATE TABLE "flag_usage" (
    "environment_id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "variant" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL,
    "last_evaluated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "flag_usage_pkey" PRIMARY KEY ("environment_id","flag_id","variant","hour")
);

-- CreateIndex
CREATE INDEX "flag_usage_flag_id_last_evaluated_at_idx" ON "flag_usage"("flag_id", "last_evaluated_at");

-- AddForeignKey
ALTER TABLE "flag_usage" ADD CONSTRAINT "flag_usage_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "flag_usage" ADD CONSTRAINT "flag_usage_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
