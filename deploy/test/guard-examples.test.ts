import { describe, expect, it } from 'vitest';
import { NOT_KILLED_JSON, PATHS, PLAN_PASSING_JSON } from './server-contract.js';
import { parseYamlDocuments, readText, repoPath } from './support/files.js';
import { validateK8sObject, type K8sObject } from './support/k8s.js';

/** A server path with its `{…}` parameters as a pattern (any value, `{{args.x}}` included). */
const pathPattern = (path: string) => new RegExp(`${path.replace(/\{\w+\}/g, '[^/\\s]+')}$`);
const FLAG_CONFIG = pathPattern(PATHS.flagConfig);
const CURRENT_PLAN = pathPattern(PATHS.currentReleasePlan);

interface WebMetric {
  name: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  successCondition?: string;
  failureCondition?: string;
  provider: { web?: { url: string; jsonPath?: string; headers?: { key: string; value: string }[] } };
}

describe('the Argo Rollouts flag guard (AnalysisTemplate web metrics)', () => {
  const file = repoPath('deploy/kubernetes/examples/flag-guard.analysis-template.yaml');
  const [template] = parseYamlDocuments(readText(file), file) as (K8sObject & {
    spec: { args: { name: string }[]; metrics: WebMetric[] };
  })[];
  const metric = (name: string) => template!.spec.metrics.find((m) => m.name === name)!;
  const bearer = [{ key: 'Authorization', value: 'Bearer {{args.switchyard-token}}' }];

  it('is a valid AnalysisTemplate', () => {
    validateK8sObject(template!);
  });

  it("reads the flag configuration's kill state and passes only while it is false", () => {
    const killed = metric('flag-not-killed');
    expect(killed.provider.web!.url).toMatch(FLAG_CONFIG);
    expect(killed.provider.web!.jsonPath).toBe('{$.killed}');
    expect(killed.successCondition).toBe('result == false');
    expect(killed.failureLimit).toBe(0);
    expect(killed.provider.web!.headers).toEqual(bearer);
  });

  it("reads the current release plan's gate: pass succeeds, fail fails at once, wait is inconclusive", () => {
    const plan = metric('release-plan');
    expect(plan.provider.web!.url).toMatch(CURRENT_PLAN);
    expect(plan.provider.web!.jsonPath).toBe('{$.gate}');
    expect(plan.successCondition).toBe("result == 'pass'");
    expect(plan.failureCondition).toBe("result == 'fail'");
    expect(plan.failureLimit).toBe(0);
    expect(plan.inconclusiveLimit).toBe(0);
    expect(plan.provider.web!.headers).toEqual(bearer);
  });

  it('declares every argument it uses', () => {
    const declared = new Set(template!.spec.args.map((arg) => arg.name));
    const used = [...JSON.stringify(template!.spec.metrics).matchAll(/\{\{args\.([\w-]+)\}\}/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(declared).toContain(name);
  });
});

describe('the Flagger flag guard (rollout webhooks)', () => {
  const file = repoPath('deploy/flagger/canary.example.yaml');
  const [canary] = parseYamlDocuments(readText(file), file) as (K8sObject & {
    spec: { analysis: { webhooks: { name: string; type: string; metadata: { type: string; cmd: string } }[] } };
  })[];
  const hooks = canary!.spec.analysis.webhooks;

  it.each([
    ['switchyard-flag-not-killed', FLAG_CONFIG, NOT_KILLED_JSON],
    ['switchyard-release-plan', CURRENT_PLAN, PLAN_PASSING_JSON],
  ])('%s checks before every step, with the token from the environment', (name, path, json) => {
    expect(canary!.apiVersion).toBe('flagger.app/v1beta1');
    const hook = hooks.find((w) => w.name === name)!;
    expect(hook.type).toBe('rollout');
    expect(hook.metadata.type).toBe('bash');
    const [request, check] = hook.metadata.cmd.split('|').map((part) => part.trim());
    expect(request).toMatch(/^curl -fsS /);
    expect(request).toContain('Authorization: Bearer $SWITCHYARD_TOKEN');
    expect(request!.split(/\s+/).at(-1)).toMatch(path);
    expect(check).toBe(`grep -q '${json}'`);
  });
});
