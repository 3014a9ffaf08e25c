import { z } from 'zod';
import { parseWebhookUrl } from '../../webhooks/url-policy.js';
import { fetchJson } from './fetch-json.js';
import { numberOf, parseJsonPath, readJsonPath } from './json-path.js';
import { comparisonText, holds, thresholdOperatorSchema } from './threshold.js';
import type { GuardKind, GuardVerdict } from './types.js';

/**
 * `http`: GET a URL whose JSON answer holds a number (what Argo Rollouts calls a web metric), read
 * it at `path` and compare it with `threshold`. A non-2xx answer, an answer that is not JSON, a
 * path that leads to no number, a timeout or an unreachable host are `inconclusive`, never `fail`:
 * a guard fails on a bad value, not on a broken metrics endpoint (the plan's `onInconclusive` says
 * what happens then). URLs follow the webhooks' address policy (`SWITCHYARD_WEBHOOK_DENY_PRIVATE`).
 */
export const httpGuardSpecSchema = z.strictObject({
  kind: z.literal('http'),
  url: z.string().min(1).max(2_000).describe('http:// or https:// URL answering JSON'),
  path: z
    .string()
    .min(1)
    .max(200)
    .refine((path) => tryParsePath(path), 'must be a path like $.error_rate or data.value')
    .describe('Where the number is in the answer: `$.error_rate`, `data.value`, `$.items[0].rate`'),
  operator: thresholdOperatorSchema,
  threshold: z.number().finite(),
  timeoutMs: z.int().min(100).max(30_000).default(5_000).describe('Per request; default 5,000'),
});
export type HttpGuardSpec = z.infer<typeof httpGuardSpecSchema>;

function tryParsePath(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}

/** The `http` guard kind; `denyPrivate` is the webhooks' setting. */
export function httpGuardKind(options: { denyPrivate: boolean }): GuardKind<HttpGuardSpec> & {
  validateSpec(spec: HttpGuardSpec): Promise<{ path: string; message: string }[]>;
} {
  return {
    kind: 'http',
    schema: httpGuardSpecSchema as z.ZodType<HttpGuardSpec>,
    async validateSpec(spec) {
      try {
        parseWebhookUrl(spec.url, options.denyPrivate);
        return [];
      } catch {
        return [{ path: 'url', message: urlProblem(spec.url, options.denyPrivate) }];
      }
    },
    async evaluate(spec, context): Promise<GuardVerdict> {
      const evidence: Record<string, unknown> = {
        url: spec.url,
        path: spec.path,
        operator: spec.operator,
        threshold: spec.threshold,
      };
      const outcome = await fetchJson(new URL(spec.url), {
        timeoutMs: spec.timeoutMs,
        denyPrivate: options.denyPrivate,
        signal: context.signal,
      });
      evidence.durationMs = outcome.durationMs;
      if (!outcome.ok) {
        return {
          status: 'inconclusive',
          message: `GET ${spec.url} failed: ${outcome.error}`,
          evidence: { ...evidence, status: outcome.status, error: outcome.error },
        };
      }
      evidence.status = outcome.status;
      if (outcome.status < 200 || outcome.status > 299) {
        return { status: 'inconclusive', message: `GET ${spec.url} answered HTTP ${outcome.status}`, evidence };
      }
      const raw = readJsonPath(outcome.body, spec.path);
      const observed = numberOf(raw);
      if (observed === undefined) {
        return {
          status: 'inconclusive',
          message: `no number at ${spec.path} in the answer of ${spec.url}`,
          evidence: { ...evidence, value: raw === undefined ? null : JSON.stringify(raw).slice(0, 200) },
        };
      }
      return {
        status: holds(observed, spec.operator, spec.threshold) ? 'pass' : 'fail',
        message: comparisonText(spec.path, observed, spec.operator, spec.threshold),
        observed,
        evidence: { ...evidence, observed },
      };
    },
  };
}

function urlProblem(url: string, denyPrivate: boolean): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http:// or https:// URL';
    return denyPrivate ? 'private addresses are refused (SWITCHYARD_WEBHOOK_DENY_PRIVATE)' : 'invalid URL';
  } catch {
    return 'must be an absolute URL';
  }
}
