import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { buildChangedEntries, buildSnapshot } from './snapshot-builder.js';
import { SnapshotFeeds } from './snapshot-feeds.js';
import { SnapshotKeyWriter } from './snapshot-key-writer.js';
import { StreamRevocations } from './stream-revocations.js';
import type { ChangeBus } from '../propagation/bus.js';
import { MemoryBus } from '../propagation/memory-bus.js';
import { metricsTokenCheck } from '../propagation/metrics-access.js';
import { ServerMetrics } from '../propagation/metrics.js';
import { DEFAULT_PROPAGATION_OPTIONS, type PropagationOptions } from '../propagation/options.js';
import { OutboxPublisher } from '../propagation/outbox-publisher.js';
import { PeriodicTask } from '../jobs/periodic-task.js';
import { textResponse } from '../http/openapi-examples.js';
import { metricsExample } from './openapi-examples.js';

/** What the propagation plugin adds to the app (`app.propagation`). */
export interface Propagation {
  bus: ChangeBus;
  feeds: SnapshotFeeds;
  publisher: OutboxPublisher;
  /** Token revocations and environment deletions: announced on the bus, they end streams everywhere. */
  revocations: StreamRevocations;
  metrics: ServerMetrics;
  options: PropagationOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Change propagation: bus, outbox publisher, per-environment snapshot feeds, metrics. */
    propagation: Propagation;
  }
}

export interface PropagationPluginOptions {
  options?: Partial<PropagationOptions>;
}

/**
 * Wires change propagation into the app (register at the root, before the API):
 * commits → outbox publisher → bus (Redis, or in-process without REDIS_URL) → every replica's
 * snapshot feeds → SDK streams; revocations (tokens revoked, environments deleted) → every
 * replica's verification cache and streams; plus the convergence timer (which also re-checks the
 * tokens of open streams), heartbeats, `?key=` for SDK routes, Prometheus metrics at GET /metrics
 * (public, without project/environment keys, unless `SWITCHYARD_METRICS_TOKEN` is set: then it
 * needs that token and labels streams by keys) and the `http_request_duration_seconds` histogram.
 */
export const propagationPlugin = fp<PropagationPluginOptions>(
  async (app: FastifyInstance, { options: overrides }) => {
    const options: PropagationOptions = { ...DEFAULT_PROPAGATION_OPTIONS, ...overrides };
    const { metricsToken } = app.config;
    const metrics = new ServerMetrics({ detailedLabels: metricsToken !== undefined });
    const logError = throttledLogger(app, 10_000);
    // ioredis is loaded only when used: it costs ~0.25 s of CPU and ~25 MB of RSS at start.
    const redisUrl = app.config.redisUrl;
    const bus: ChangeBus = redisUrl
      ? new (await import('../propagation/redis-bus.js')).RedisBus({
          url: redisUrl,
          onError: (error) => logError('redis', error),
        })
      : new MemoryBus();
    const feeds = new SnapshotFeeds({
      prisma: app.db.prisma,
      cache: bus.snapshots,
      metrics,
      ringSize: options.ringSize,
      maxBufferedBytes: options.maxBufferedBytes,
      onError: (error) => logError('snapshot', error),
    });
    // Direct-Redis SDKs read only the snapshot key: the replica that publishes a change also brings
    // the key to it, even for an environment no replica holds (embedded mode has no key).
    const snapshots = bus.snapshots;
    const keyWriter =
      snapshots &&
      new SnapshotKeyWriter({
        build: (environmentId) => buildSnapshot(app.db.prisma, environmentId),
        buildChanged: (environmentId, since) => buildChangedEntries(app.db.prisma, environmentId, since),
        cache: snapshots,
        holdsKeyAt: (environmentId, revision) => feeds.holdsKeyAt(environmentId, revision),
        onError: (error) => logError('snapshot', error),
      });
    const publisher = new OutboxPublisher(app.db.prisma, bus, {
      pollIntervalMs: options.outboxPollMs,
      retentionMs: options.outboxRetentionMs,
      onPublished: (count) => metrics.messagesPublished.inc(count),
      onDelivered: keyWriter && ((revisions) => void keyWriter.store(revisions)),
      onError: (error) => logError('outbox', error),
    });
    const revocations = new StreamRevocations({
      prisma: app.db.prisma,
      bus,
      feeds,
      cache: app.tokenAuth,
      onError: (error) => logError('revocation', error),
    });
    // The safety timer also re-checks the tokens of open streams (a lost revocation message).
    const convergence = new PeriodicTask(
      () => Promise.all([feeds.checkAll('check'), revocations.checkStreams()]),
      options.convergenceIntervalMs,
      (error) => logError('convergence', error),
    );
    const heartbeat = new PeriodicTask(() => feeds.heartbeat(), options.heartbeatMs);

    const unsubscribe = [
      bus.subscribe((message) => feeds.onMessage(message)),
      bus.onRevocation((message) => revocations.apply(message)),
      // Kills accepted while Postgres was unreachable: served by every replica until recorded.
      bus.pendingKills?.onChange((kills) => feeds.setPendingKills(kills)) ?? (() => {}),
      bus.onResubscribed(() => {
        // Redis may have come back empty: put back what this replica holds, then catch up.
        feeds.rewriteKeys();
        publisher.wake(); // changes committed while Redis was away: publish them (and write their keys) now
        void bus.pendingKills?.reload().catch((error) => logError('redis', error));
        void feeds.checkAll('resubscribe').catch((error) => logError('convergence', error));
        void revocations.checkStreams().catch((error) => logError('revocation', error));
      }),
      app.changes.onChange((event) => {
        feeds.onLocalChange(event);
        void publisher.announce(event);
      }),
    ];

    app.decorate('propagation', { bus, feeds, publisher, revocations, metrics, options });

    app.addHook('onReady', async () => {
      publisher.start();
      convergence.start();
      heartbeat.start();
    });
    // Streams never end by themselves: end them first, or closing the server would wait forever.
    app.addHook('preClose', async () => feeds.closeAll());
    app.addHook('onClose', async () => {
      for (const stop of unsubscribe) stop();
      convergence.stop();
      heartbeat.stop();
      await publisher.stop();
      await keyWriter?.idle();
      await bus.close();
    });

    app.addHook('onResponse', async (request, reply) => {
      metrics.httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get(
      '/metrics',
      {
        config: { access: 'public' },
        logLevel: 'warn',
        ...(metricsToken === undefined ? {} : { onRequest: metricsTokenCheck(metricsToken) }),
        schema: {
          tags: ['metrics'],
          summary: 'Prometheus metrics (text format)',
          description:
            'Public by default, like the health probes, and then without project or environment keys. ' +
            'With SWITCHYARD_METRICS_TOKEN set it needs `Authorization: Bearer <that token>` (else 401) and ' +
            'labels streams by project and environment. Holds no flag data.',
          response: { 200: textResponse('text/plain', 'Prometheus text exposition format', metricsExample) },
        },
      },
      async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  },
  { name: 'switchyard-propagation' },
);

/** Logs errors of one source at most once per `intervalMs` (Redis down = an error per retry). */
function throttledLogger(app: FastifyInstance, intervalMs: number): (source: string, error: unknown) => void {
  const last = new Map<string, number>();
  return (source, error) => {
    const now = Date.now();
    if (now - (last.get(source) ?? -Infinity) < intervalMs) return;
    last.set(source, now);
    app.log.warn({ err: error, source }, `propagation: ${source} error`);
  };
}
