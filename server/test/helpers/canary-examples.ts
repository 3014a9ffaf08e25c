import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/*
 * The canary guard examples of deploy/ read as Argo Rollouts and Flagger read them, with just
 * enough of each tool's evaluation to run them against real answers of the server: Argo's web
 * metric (`jsonPath` `{$.a.b}`, conditions `result == <literal>`, the phase rule of its
 * `evaluate.EvaluateResult`) and Flagger's `curl -fsS … | grep -q '…'` webhook. Anything else in
 * an example throws, so an example this cannot follow fails the test instead of passing unread.
 */

const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

export const ARGO_TEMPLATE_FILE = 'deploy/kubernetes/examples/flag-guard.analysis-template.yaml';
export const FLAGGER_CANARY_FILE = 'deploy/flagger/canary.example.yaml';

export interface WebMetric {
  name: string;
  successCondition?: string;
  failureCondition?: string;
  provider: { web: { url: string; jsonPath?: string; headers?: { key: string; value: string }[] } };
}

/** The web metrics of the Argo Rollouts AnalysisTemplate. */
export function argoMetrics(): WebMetric[] {
  return (parse(repoFile(ARGO_TEMPLATE_FILE)) as { spec: { metrics: WebMetric[] } }).spec.metrics;
}

/** The metric's request with `{{args.x}}` filled in from `args` (an unknown argument throws). */
export function argoRequest(
  metric: WebMetric,
  args: Record<string, string>,
): { url: string; headers: Record<string, string> } {
  const fill = (text: string) =>
    text.replace(/\{\{args\.([\w-]+)\}\}/g, (_, name: string) => {
      const value = args[name];
      if (value === undefined) throw new Error(`${metric.name}: no value for {{args.${name}}}`);
      return value;
    });
  const headers = Object.fromEntries((metric.provider.web.headers ?? []).map(({ key, value }) => [key, fill(value)]));
  return { url: fill(metric.provider.web.url), headers };
}

export type ArgoPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/**
 * The phase of one measurement: Error for a non-2xx answer (Argo's web provider), else the
 * conditions on the jsonPath's value: without a failure condition, not successful is Failed;
 * with both, neither is Inconclusive; a true failure condition wins.
 */
export function argoPhase(metric: WebMetric, status: number, body: string): ArgoPhase {
  if (status < 200 || status >= 300) return 'Error';
  const result = jsonPathValue(JSON.parse(body), metric.provider.web.jsonPath);
  const success = metric.successCondition === undefined ? undefined : condition(metric.successCondition, result);
  const failure = metric.failureCondition === undefined ? undefined : condition(metric.failureCondition, result);
  if (success === undefined && failure === undefined) return 'Successful';
  if (failure ?? !success) return 'Failed';
  return (success ?? !failure) ? 'Successful' : 'Inconclusive';
}

/** `{$.a.b}` (or none: the whole body). */
function jsonPathValue(body: unknown, jsonPath: string | undefined): unknown {
  if (jsonPath === undefined) return body;
  const match = /^\{\$((?:\.[A-Za-z_]\w*)*)\}$/.exec(jsonPath);
  if (!match) throw new Error(`jsonPath ${jsonPath}: only {$.a.b} is evaluated here`);
  return match[1]!
    .split('.')
    .slice(1)
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);
}

/** `result == true|false|<number>|'text'|"text"`. */
function condition(expression: string, result: unknown): boolean {
  const match = /^result == (true|false|-?\d+(?:\.\d+)?|'[^']*'|"[^"]*")$/.exec(expression.trim());
  if (!match) throw new Error(`condition ${expression}: only result == <literal> is evaluated here`);
  const literal = match[1]!;
  const expected = /^['"]/.test(literal) ? literal.slice(1, -1) : (JSON.parse(literal) as unknown);
  return result === expected;
}

export interface FlaggerCheck {
  name: string;
  /** The path (with query) curl asks for. */
  path: string;
  /** What the body must contain (grep -q's fixed text; our examples use no regex characters). */
  grep: string;
}

/** The `rollout` webhooks of the Flagger Canary, as `curl -fsS … <url> | grep -q '<text>'`. */
export function flaggerChecks(): FlaggerCheck[] {
  const canary = parse(repoFile(FLAGGER_CANARY_FILE)) as {
    spec: { analysis: { webhooks: { name: string; type: string; metadata: { cmd: string } }[] } };
  };
  return canary.spec.analysis.webhooks
    .filter((hook) => hook.type === 'rollout')
    .map(({ name, metadata }) => {
      const match = /^curl -fsS .* https?:\/\/[^/\s]+(\/\S+)\s*\|\s*grep -q '([^']+)'$/s.exec(metadata.cmd.trim());
      if (!match) throw new Error(`${name}: only curl -fsS … <url> | grep -q '…' is evaluated here`);
      if (/[.*[\]^$\\]/.test(match[2]!)) throw new Error(`${name}: grep pattern ${match[2]} is not fixed text`);
      return { name, path: match[1]!, grep: match[2]! };
    });
}

/** Whether the webhook's command exits 0: curl -f fails on a status of 400 or more. */
export function flaggerPasses(check: FlaggerCheck, status: number, body: string): boolean {
  return status < 400 && body.includes(check.grep);
}
