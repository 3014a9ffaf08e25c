import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JobRunner, type JobHandler, type Sweep } from './runner.js';

/** Builds a job handler (or sweep) from the app: its deps come from the app's decorations. */
export type JobFactory<T> = (app: FastifyInstance) => T;

declare module 'fastify' {
  interface FastifyInstance {
    /** The background job runner (server/src/jobs/); `tick(now)` runs due jobs now (tests). */
    jobs: JobRunner;
  }
}

export interface JobsPluginOptions {
  handlers: readonly JobFactory<JobHandler<never>>[];
  sweeps: readonly JobFactory<Sweep>[];
}

/**
 * The job runner of this replica: started when the app is ready (every `config.jobPollMs`, and
 * right after a committed change that left an outbox row pending, so outbox reactions go out
 * without waiting for the poll),
 * stopped (waiting for the running tick) when it closes. Embedded mode runs it too.
 */
export const jobsPlugin = fp<JobsPluginOptions>(
  async (app, { handlers, sweeps }) => {
    const runner = new JobRunner({
      prisma: app.db.prisma,
      handlers: handlers.map((make) => make(app)),
      sweeps: sweeps.map((make) => make(app)),
      pollMs: app.config.jobPollMs,
      onError: throttled((error, source) => app.log.warn({ err: error, source }, `jobs: ${source} failed`)),
    });
    app.decorate('jobs', runner);
    // A change whose outbox row was inserted processed (no webhook enabled, see `eventOutboxInsert`)
    // gives the sweeps nothing to do, and such writes enqueue no job: no wake for them.
    const unsubscribe = app.changes.onRecorded((changes) => {
      if (changes.some((change) => change.eventPending !== false)) runner.wake();
    });
    app.addHook('onReady', async () => runner.start());
    app.addHook('onClose', async () => {
      unsubscribe();
      await runner.stop();
    });
  },
  { name: 'switchyard-jobs' },
);

/** Logs each source's errors at most every 10 s: a database outage fails every tick. */
function throttled(log: (error: unknown, source: string) => void): (error: unknown, source: string) => void {
  const last = new Map<string, number>();
  return (error, source) => {
    const now = Date.now();
    if (now - (last.get(source) ?? -Infinity) < 10_000) return;
    last.set(source, now);
    log(error, source);
  };
}
