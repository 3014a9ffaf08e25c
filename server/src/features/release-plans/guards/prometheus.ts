import { z } from 'zod';
import { parseWebhookUrl } from '../../webhooks/url-policy.js';
import { fetchJson } from './fetch-json.js';
import { numberOf } from './json-path.js';
import { comparisonText, holds, thresholdOperatorSchema } from './threshold.js';
import type { GuardKind, GuardVerdict } from './types.js';

/**
 * `prometheus`: a PromQL instant query (`/api/v1/query`) whose answer must be ONE number: a scalar,
 * or a vector of exactly one sample (aggregate with `sum(...)` etc.). The query is literal (no
 * templating). At create time the query is sent to Prometheus: a query Prometheus refuses
 * (`bad_data`) is a 400; when Prometheus cannot be reached then, the plan is accepted (the query
 * is checked again at every evaluation). At run time an unreachable Prometheus, an error, an
 * empty vector, several samples or NaN are `inconclusive`.
 */
export const prometheusGuardSpecSchema = z.strictObject({
  kind: z.literal('prometheus'),
  query: z
    .string()
    .trim()
    .min(1)
    .max(4_000)
    .describe('PromQL answering one number, e.g. `sum(rate(errors[1m])) / sum(rate(requests[1m]))`'),
  operator: thresholdOperatorSchema,
  threshold: z.number().finite(),
  url: z.string().min(1).max(2_000).optional().describe("Prometheus' base URL; default `SWITCHYARD_PROMETHEUS_URL`"),
  timeoutMs: z.int().min(100).max(30_000).default(5_000).describe('Per query; default 5,000'),
});
export type PrometheusGuardSpec = z.infer<typeof prometheusGuardSpecSchema>;

export interface PrometheusGuardOptions {
  /** `SWITCHYARD_PROMETHEUS_URL`. */
  defaultUrl: string | undefined;
  denyPrivate: boolean;
}

type Issue = { path: string; message: string };

/** The `prometheus` guard kind. */
export function prometheusGuardKind(options: PrometheusGuardOptions): GuardKind<PrometheusGuardSpec> & {
  validateSpec(spec: PrometheusGuardSpec): Promise<Issue[]>;
} {
  const baseOf = (spec: PrometheusGuardSpec) => spec.url ?? options.defaultUrl;
  return {
    kind: 'prometheus',
    schema: prometheusGuardSpecSchema as z.ZodType<PrometheusGuardSpec>,
    async validateSpec(spec) {
      const base = baseOf(spec);
      if (!base) return [{ path: 'url', message: 'no Prometheus URL: give `url` or set SWITCHYARD_PROMETHEUS_URL' }];
      try {
        parseWebhookUrl(base, options.denyPrivate);
      } catch {
        return [{ path: 'url', message: 'must be an http(s) URL the address policy allows' }];
      }
      const answer = await query(base, spec.query, Math.min(spec.timeoutMs, 5_000), options.denyPrivate);
      // Unreachable (or not Prometheus): accepted, documented; a refused query is the caller's error.
      if (answer.kind === 'refused')
        return [{ path: 'query', message: `Prometheus refused the query: ${answer.error}` }];
      return [];
    },
    async evaluate(spec, context): Promise<GuardVerdict> {
      const base = baseOf(spec);
      const evidence: Record<string, unknown> = {
        query: spec.query,
        operator: spec.operator,
        threshold: spec.threshold,
      };
      if (!base) return { status: 'inconclusive', message: 'no Prometheus URL configured', evidence };
      evidence.prometheus = base;
      const answer = await query(base, spec.query, spec.timeoutMs, options.denyPrivate, context.signal);
      if (answer.kind !== 'ok') {
        return {
          status: 'inconclusive',
          message: `Prometheus: ${answer.error}`,
          evidence: { ...evidence, error: answer.error },
        };
      }
      const sample = singleSample(answer.data);
      if (typeof sample === 'string')
        return { status: 'inconclusive', message: sample, evidence: { ...evidence, result: answer.data } };
      evidence.sample = sample;
      return {
        status: holds(sample.value, spec.operator, spec.threshold) ? 'pass' : 'fail',
        message: comparisonText('query', sample.value, spec.operator, spec.threshold),
        observed: sample.value,
        evidence: { ...evidence, observed: sample.value },
      };
    },
  };
}

type QueryAnswer =
  | { kind: 'ok'; data: { resultType: string; result: unknown } }
  | { kind: 'refused'; error: string }
  | { kind: 'unavailable'; error: string };

async function query(
  base: string,
  promql: string,
  timeoutMs: number,
  denyPrivate: boolean,
  signal?: AbortSignal,
): Promise<QueryAnswer> {
  const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('query', promql);
  const outcome = await fetchJson(url, { timeoutMs, denyPrivate, ...(signal ? { signal } : {}) });
  if (!outcome.ok) return { kind: 'unavailable', error: outcome.error };
  const body = outcome.body as {
    status?: string;
    errorType?: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body?.status === 'success' && body.data) return { kind: 'ok', data: body.data };
  const error = `${body?.errorType ?? `HTTP ${outcome.status}`}: ${body?.error ?? 'no answer'}`;
  // `bad_data` (HTTP 400) is what Prometheus answers for a query it cannot parse or run.
  return outcome.status === 400 && body?.errorType === 'bad_data'
    ? { kind: 'refused', error }
    : { kind: 'unavailable', error };
}

/** The one sample of a scalar or single-sample vector, or why there is none. */
export function singleSample(data: {
  resultType: string;
  result: unknown;
}): { value: number; labels?: Record<string, string> } | string {
  if (data.resultType === 'scalar') {
    const value = numberOf((data.result as [number, string])[1]);
    return value === undefined ? 'the scalar is not a finite number' : { value };
  }
  if (data.resultType === 'vector') {
    const result = data.result as { metric: Record<string, string>; value: [number, string] }[];
    if (result.length === 0) return 'no data: the query answered an empty vector';
    if (result.length > 1) return `the query answered ${result.length} samples; it must answer one (aggregate it)`;
    const value = numberOf(result[0]!.value[1]);
    return value === undefined ? 'the sample is not a finite number (NaN?)' : { value, labels: result[0]!.metric };
  }
  return `the query answered a ${data.resultType}; it must answer a scalar or one sample`;
}
