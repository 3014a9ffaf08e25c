import { z } from 'zod';
import { ConfigError } from '../config.js';

/** Tuning of change propagation and SDK streams. */
export interface PropagationOptions {
  /** Heartbeat comment on every SSE stream this often. `SWITCHYARD_SSE_HEARTBEAT_MS`, default 15000. */
  heartbeatMs: number;
  /** Each replica compares its snapshots with Postgres this often. `SWITCHYARD_CONVERGENCE_INTERVAL_MS`, default 5000. */
  convergenceIntervalMs: number;
  /** The outbox publisher polls for unpublished rows this often. `SWITCHYARD_OUTBOX_POLL_MS`, default 1000. */
  outboxPollMs: number;
  /** Published outbox rows are kept this long (resuming replicas read them). `SWITCHYARD_OUTBOX_RETENTION_MS`, default 1 h. */
  outboxRetentionMs: number;
  /** Patches kept per environment to serve `Last-Event-ID` resumes. `SWITCHYARD_SSE_RESUME_WINDOW`, default 256. */
  ringSize: number;
  /** Unsent bytes per stream before it is dropped as a slow consumer. `SWITCHYARD_SSE_MAX_BUFFER_BYTES`, default 1 MiB. */
  maxBufferedBytes: number;
}

export const DEFAULT_PROPAGATION_OPTIONS: PropagationOptions = {
  heartbeatMs: 15_000,
  convergenceIntervalMs: 5_000,
  outboxPollMs: 1_000,
  outboxRetentionMs: 60 * 60_000,
  ringSize: 256,
  maxBufferedBytes: 1024 * 1024,
};

const VARIABLES: Record<keyof PropagationOptions, string> = {
  heartbeatMs: 'SWITCHYARD_SSE_HEARTBEAT_MS',
  convergenceIntervalMs: 'SWITCHYARD_CONVERGENCE_INTERVAL_MS',
  outboxPollMs: 'SWITCHYARD_OUTBOX_POLL_MS',
  outboxRetentionMs: 'SWITCHYARD_OUTBOX_RETENTION_MS',
  ringSize: 'SWITCHYARD_SSE_RESUME_WINDOW',
  maxBufferedBytes: 'SWITCHYARD_SSE_MAX_BUFFER_BYTES',
};

const positiveInt = z.coerce.number().int().min(1);

/** Reads the variables above (unset or empty = default); a bad value throws a one-line `ConfigError`. */
export function loadPropagationOptions(env: NodeJS.ProcessEnv = process.env): PropagationOptions {
  const options = { ...DEFAULT_PROPAGATION_OPTIONS };
  for (const [field, variable] of Object.entries(VARIABLES) as [keyof PropagationOptions, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const parsed = positiveInt.safeParse(raw);
    if (!parsed.success)
      throw new ConfigError(variable, `Invalid configuration: ${variable} must be a positive integer`);
    options[field] = parsed.data;
  }
  return options;
}
