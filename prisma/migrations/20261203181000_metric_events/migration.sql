-- CreateTable
CREATE TABLE "metric_events" (
    "environment_id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "variant" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "sum_squares" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_events_pkey" PRIMARY KEY ("environment_id","flag_id","event","variant","minute")
);

-- CreateTable
CREATE TABLE "metric_event_names" (
    "environment_id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "metric_event_names_pkey" PRIMARY KEY ("environment_id","flag_id","event")
);

-- AddForeignKey
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_event_names" ADD CONSTRAINT "metric_event_names_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_event_names" ADD CONSTRAINT "metric_event_names_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
