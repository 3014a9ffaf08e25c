import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a stream is counted under (project and environment keys only with detailed labels). */
export interface StreamLabels {
  project: string;
  environment: string;
  kind: string;
}

export interface ServerMetricsOptions {
  /** Process metrics (CPU, memory, event loop); default true. */
  defaultMetrics?: boolean;
  /**
   * Label streams with project and environment keys. Off by default: /metrics is public, and
   * keys name customers and environments; on when /metrics needs `SWITCHYARD_METRICS_TOKEN`.
   */
  detailedLabels?: boolean;
}

/**
 * The server's Prometheus metrics, on a registry of its own (one per app, so tests can build
 * several apps in one process). Served at GET /metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  /** Open SSE streams per token kind (and per project and environment with detailed labels). */
  readonly streams: { inc(labels: StreamLabels): void; dec(labels: StreamLabels): void };

  readonly streamsRefused = new Counter({
    name: 'switchyard_sdk_streams_refused_total',
    help: 'SDK streams refused by a limit: reason=replica_full (503, SWITCHYARD_SSE_MAX_STREAMS) or per_client_ip (429, SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly snapshotEncodings = new Counter({
    name: 'switchyard_snapshot_encodings_total',
    help: 'Whole snapshots serialized (kind=json) or compressed (gzip, br) by this replica: once per revision and view that a request, stream or the shared key needed, never per request',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly snapshotKeyWrites = new Counter({
    name: 'switchyard_snapshot_key_writes_total',
    help: "Writes of the shared Redis snapshot hash by this replica: role=publisher (a revision this replica committed or published), backup (another replica's write had not landed a second later), reload (first load, Redis came back, pending kills)",
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  readonly streamPatchWrites = new Counter({
    name: 'switchyard_sdk_stream_patch_writes_total',
    help: 'Socket writes of patches to SDK streams by this replica: one per stream per change while fan-outs keep up; fewer than switchyard_sdk_stream_patches_total when a stream reached late got several patches in one write',
    registers: [this.registry],
  });

  readonly streamPatches = new Counter({
    name: 'switchyard_sdk_stream_patches_total',
    help: 'Patches (revisions) written to SDK streams by this replica, counted per stream',
    registers: [this.registry],
  });

  readonly messagesPublished = new Counter({
    name: 'switchyard_changes_published_total',
    help: 'Change messages published on the bus by the outbox publisher',
    registers: [this.registry],
  });

  readonly messagesReceived = new Counter({
    name: 'switchyard_changes_received_total',
    help: 'Change messages received from the bus (not counting the echo of those this replica committed and announced)',
    registers: [this.registry],
  });

  readonly gapsRepaired = new Counter({
    name: 'switchyard_propagation_gaps_repaired_total',
    help: 'Reloads caused by a revision gap, counted when they reveal a revision the replica had not heard of: cause=gap (a message skipped revisions; also when replicas publish concurrently), resubscribe (Redis came back), check (the safety timer found a revision no message announced)',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  /**
   * From a change's transaction (its outbox row's created_at, taken just before commit) until its
   * patch was written to this replica's streams. Includes the write transaction's own duration.
   */
  readonly propagationLag = new Histogram({
    name: 'switchyard_propagation_lag_seconds',
    help: "Time from a change's transaction (outbox created_at) to its patch being pushed to SDK streams on this replica",
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration (SSE streams are not counted: their response never completes)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(options: ServerMetricsOptions = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const detailed = options.detailedLabels ?? false;
    const gauge = new Gauge({
      name: 'switchyard_sdk_streams',
      help: detailed
        ? 'Connected SDK streams'
        : 'Connected SDK streams (per project and environment with SWITCHYARD_METRICS_TOKEN)',
      labelNames: detailed ? ['project', 'environment', 'kind'] : ['kind'],
      registers: [this.registry],
    });
    const pick = (labels: StreamLabels) => (detailed ? { ...labels } : { kind: labels.kind });
    this.streams = { inc: (labels) => gauge.inc(pick(labels)), dec: (labels) => gauge.dec(pick(labels)) };
  }
}
